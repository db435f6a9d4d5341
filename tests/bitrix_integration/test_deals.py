"""Simple CRM mode: a ticket becomes a deal; BITRIX_ENTITY=auto asks the portal once."""

import pytest
from django.core.management import call_command

from bitrix_integration.models import OutboxJob, PortalState
from tickets import services

from .helpers import client_says, methods_called, ok, sent, url

pytestmark = pytest.mark.django_db

Kind, State = OutboxJob.Kind, OutboxJob.State


def test_auto_asks_the_mode_once_and_makes_a_deal(bitrix, deliver, settings, make_ticket,
                                                 make_client):
    settings.BITRIX_ENTITY = "auto"
    first = make_ticket(make_client())
    bitrix.post(url("crm.settings.mode.get"), json=ok(2))
    bitrix.post(url("crm.deal.add"), json=ok(3001))
    deliver()
    second = make_ticket(make_client())
    bitrix.replace("POST", url("crm.deal.add"), json=ok(3002))

    deliver()

    assert methods_called(bitrix) == ["crm.settings.mode.get.json", "crm.deal.add.json",
                                      "crm.deal.add.json"]
    fields = sent(bitrix.calls[1])["fields"]
    assert fields["ORIGIN_ID"] == f"ticket-{first.pk}" and "PHONE" not in fields
    assert first.client.phone.as_e164 in fields["COMMENTS"]
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.bitrix_entity_type, first.bitrix_entity_id) == ("DEAL", 3001)
    assert (second.bitrix_entity_type, second.bitrix_entity_id) == ("DEAL", 3002)
    assert PortalState.get().entity == "DEAL"


def test_classic_mode_keeps_leads(bitrix, deliver, settings, ticket):
    settings.BITRIX_ENTITY = "auto"
    bitrix.post(url("crm.settings.mode.get"), json=ok(1))
    bitrix.post(url("crm.lead.add"), json=ok(1001))

    deliver()

    ticket.refresh_from_db()
    assert (ticket.bitrix_entity_type, ticket.bitrix_entity_id) == ("LEAD", 1001)


def test_comment_and_stage_go_to_the_deal(bitrix, deliver, settings, make_linked):
    settings.BITRIX_STATUS_MAP = {"resolved": "WON"}
    ticket = make_linked(3001)
    ticket.bitrix_entity_type = "DEAL"
    ticket.save(update_fields=["bitrix_entity_type"])
    client_says(ticket, "Спасибо")
    services.ticket_change_status(ticket=ticket, status="resolved", source="admin")
    bitrix.post(url("crm.timeline.comment.add"), json=ok(9))
    bitrix.post(url("crm.deal.update"), json=ok(True))

    deliver()

    assert methods_called(bitrix) == ["crm.timeline.comment.add.json", "crm.deal.update.json"]
    assert sent(bitrix.calls[0])["fields"]["ENTITY_TYPE"] == "deal"
    assert sent(bitrix.calls[1]) == {"id": 3001, "fields": {"STAGE_ID": "WON"}}


def test_lost_deal_is_looked_up_in_deals(bitrix, deliver, settings, make_due, ticket):
    settings.BITRIX_ENTITY = "deal"
    OutboxJob.objects.filter(ticket=ticket).update(attempts=1, last_error="TIMEOUT")
    bitrix.post(url("crm.deal.list"), json=ok([{"ID": "3009", "ORIGIN_ID": f"ticket-{ticket.pk}"}]))

    deliver()

    ticket.refresh_from_db()
    assert (ticket.bitrix_entity_type, ticket.bitrix_entity_id) == ("DEAL", 3009)


def test_bitrix_statuses_prints_deal_stages(bitrix, settings, capsys):
    settings.BITRIX_ENTITY = "deal"
    bitrix.post(url("crm.status.list"), json=ok([
        {"STATUS_ID": "EXECUTING", "NAME": "В работе", "SEMANTICS": None},
        {"STATUS_ID": "WON", "NAME": "Сделка успешна", "SEMANTICS": "S"}]))

    call_command("bitrix_statuses")

    out = capsys.readouterr().out
    assert sent(bitrix.calls[0])["filter"] == {"ENTITY_ID": "DEAL_STAGE"}
    assert "Стадии сделок" in out and "WON" in out and "resolved=WON" in out
