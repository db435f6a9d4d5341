"""The inbound endpoint as a robot or business process can call it: form fields, ``?key=``."""

from urllib.parse import urlencode

import pytest
from django.test import Client as HttpClient

from bitrix_integration.models import InboundEvent
from tickets.models import Message, Ticket

from .helpers import INBOUND_KEY

pytestmark = pytest.mark.django_db

PATH = "/integrations/bitrix/inbound"
FORM = "application/x-www-form-urlencoded"


def test_form_fields_with_the_key_in_the_query_add_a_comment(ticket):
    response = HttpClient().post(
        f"{PATH}?key={INBOUND_KEY}",
        urlencode({"action": "comment", "local_ticket_id": str(ticket.pk), "author": "Ирина",
                   "text": "Ответ из бизнес-процесса", "event_id": "bp-1"}),
        content_type=FORM)

    assert response.status_code == 200, response.content
    message = Message.objects.get(ticket=ticket, source=Message.Source.BITRIX)
    assert (message.author_name, message.text) == ("Ирина", "Ответ из бизнес-процесса")
    assert INBOUND_KEY not in InboundEvent.objects.get().body


def test_robot_fields_in_the_query_string_change_the_status(linked_ticket):
    query = urlencode({"key": INBOUND_KEY, "action": "status", "bitrix_entity_id": "215",
                       "status": "В работе"})

    response = HttpClient().post(f"{PATH}?{query}", "", content_type=FORM)

    assert response.status_code == 200, response.content
    linked_ticket.refresh_from_db()
    assert linked_ticket.status == Ticket.Status.IN_PROGRESS


def test_form_with_a_wrong_key_is_401(ticket):
    response = HttpClient().post(f"{PATH}?key=wrong", urlencode({"action": "comment"}),
                                 content_type=FORM)

    assert response.status_code == 401
    assert not Message.objects.filter(source=Message.Source.BITRIX).exists()


def test_form_number_that_is_not_a_number_is_a_clear_400(ticket):
    response = HttpClient(headers={"X-Bitrix-Key": INBOUND_KEY}).post(
        PATH, urlencode({"action": "comment", "local_ticket_id": "двенадцать", "text": "x"}),
        content_type=FORM)

    assert response.status_code == 400 and response.json()["field"] == "local_ticket_id"


def test_internal_flag_reads_y_from_a_form(ticket):
    HttpClient().post(f"{PATH}?key={INBOUND_KEY}",
                      urlencode({"action": "comment", "local_ticket_id": ticket.pk,
                                 "text": "заметка", "internal": "Y"}), content_type=FORM)

    assert Message.objects.get(source=Message.Source.BITRIX).is_internal


def test_a_number_written_with_other_digits_is_a_400_not_a_500(ticket):
    response = HttpClient().post(
        f"{PATH}?key={INBOUND_KEY}",
        urlencode({"action": "comment", "local_ticket_id": "²", "text": "x"}),
        content_type=FORM)

    assert response.status_code == 400, response.content
    assert InboundEvent.objects.get().status_code == 400
