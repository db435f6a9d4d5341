"""Receivers write one outbox job per change, in the change's own transaction; no echo."""

import pytest
from django.db import transaction

from bitrix_integration.models import OutboxJob
from tickets import services
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db

Kind = OutboxJob.Kind


def _jobs(ticket, kind=None):
    jobs = OutboxJob.objects.filter(ticket=ticket).order_by("id")
    return list(jobs.filter(kind=kind) if kind else jobs)


def _status(ticket, status, source=Message.Source.ADMIN):
    return services.ticket_change_status(ticket=ticket, status=status, source=source,
                                         actor_name="Ирина")


def test_nothing_is_recorded_while_bitrix_is_off(settings, make_ticket, portal_client,
                                                 make_message):
    settings.BITRIX_WEBHOOK_URL = ""

    ticket = make_ticket(portal_client)
    make_message(ticket, "Вопрос", author_kind=Message.AuthorKind.CLIENT,
                 source=Message.Source.PORTAL)
    _status(ticket, Ticket.Status.IN_PROGRESS)

    assert not OutboxJob.objects.exists()


def test_ticket_created_enqueues_one_lead_add_with_every_field(make_ticket, portal_client, tag):
    ticket = make_ticket(portal_client, title="Не приходит счёт", description="Счёт за май.",
                         criticality=Ticket.Criticality.HIGH, tag=tag)

    (job,) = _jobs(ticket)
    fields = job.payload["fields"]
    assert job.kind == Kind.LEAD_ADD and job.state == OutboxJob.State.PENDING
    assert "Не приходит счёт" in fields["TITLE"]
    assert fields["NAME"] == "Алексей"
    assert fields["PHONE"] == [{"VALUE": "+79991234567", "VALUE_TYPE": "MOBILE"}]
    for part in ("Счёт за май.", "Высокая", "Техническая поддержка", "Ошибка"):
        assert part in fields["COMMENTS"]
    assert fields["SOURCE_ID"] == "WEB"
    assert str(ticket.pk) in fields["SOURCE_DESCRIPTION"]
    assert fields["ORIGINATOR_ID"] == "support-portal"
    assert fields["ORIGIN_ID"] == f"ticket-{ticket.pk}"


def test_lead_name_falls_back_to_phone_when_client_has_no_name(make_ticket, make_client):
    ticket = make_ticket(make_client(phone="8 (912) 345-67-89"))

    (job,) = _jobs(ticket)

    assert job.payload["fields"]["NAME"] == "+79123456789"
    assert job.payload["fields"]["PHONE"][0]["VALUE"] == "+79123456789"


@pytest.mark.parametrize(("author_kind", "source"), [
    (Message.AuthorKind.CLIENT, Message.Source.PORTAL),
    (Message.AuthorKind.MANAGER, Message.Source.ADMIN),
    (Message.AuthorKind.MANAGER, Message.Source.API),
])
def test_public_message_enqueues_comment_add(ticket, make_message, author_kind, source):
    message = make_message(ticket, "Уточните номер договора", author_kind=author_kind,
                           source=source)

    (job,) = _jobs(ticket, Kind.COMMENT_ADD)
    assert job.message_id == message.pk
    assert "Уточните номер договора" in job.payload["COMMENT"]


def test_internal_note_is_not_sent_by_default(ticket, make_message):
    make_message(ticket, "Клиент должен нам", is_internal=True)

    assert _jobs(ticket, Kind.COMMENT_ADD) == []


def test_internal_note_is_sent_when_enabled(settings, ticket, make_message):
    settings.BITRIX_SEND_INTERNAL_NOTES = True

    make_message(ticket, "Клиент должен нам", is_internal=True)

    (job,) = _jobs(ticket, Kind.COMMENT_ADD)
    assert "внутренняя заметка" in job.payload["COMMENT"]


def test_mapped_status_change_enqueues_update_with_label_and_status_id(ticket):
    _status(ticket, Ticket.Status.IN_PROGRESS)

    (job,) = _jobs(ticket, Kind.LEAD_UPDATE)
    assert job.payload == {"fields": {"STATUS_DESCRIPTION": "В работе",
                                      "STATUS_ID": "IN_PROCESS"}}


def test_unmapped_status_change_sends_only_the_label(ticket):
    _status(ticket, Ticket.Status.WAITING)

    (job,) = _jobs(ticket, Kind.LEAD_UPDATE)
    assert job.payload == {"fields": {"STATUS_DESCRIPTION": "Ожидает ответа клиента"}}


def test_empty_status_map_sends_only_the_label(settings, ticket):
    settings.BITRIX_STATUS_MAP = {}

    _status(ticket, Ticket.Status.RESOLVED)

    (job,) = _jobs(ticket, Kind.LEAD_UPDATE)
    assert job.payload == {"fields": {"STATUS_DESCRIPTION": "Решена"}}


def test_message_from_bitrix_is_not_echoed(ticket, make_message):
    make_message(ticket, "Ответ из Битрикс24", source=Message.Source.BITRIX)

    assert _jobs(ticket, Kind.COMMENT_ADD) == []


def test_status_change_from_bitrix_is_not_echoed(ticket):
    _status(ticket, Ticket.Status.IN_PROGRESS, source=Message.Source.BITRIX)

    assert _jobs(ticket, Kind.LEAD_UPDATE) == []


def test_client_reply_from_bitrix_reopening_a_ticket_is_not_echoed(ticket, make_message):
    _status(ticket, Ticket.Status.RESOLVED, source=Message.Source.BITRIX)

    make_message(ticket, "Снова не печатает", author_kind=Message.AuthorKind.CLIENT,
                 source=Message.Source.BITRIX)

    assert [job.kind for job in _jobs(ticket)] == [Kind.LEAD_ADD]


def test_rolled_back_ticket_creation_leaves_no_job(make_ticket, portal_client):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_ticket(portal_client)
        raise RuntimeError("the caller fails after the service call")

    assert not Ticket.objects.exists()
    assert not OutboxJob.objects.exists()


def test_rolled_back_message_leaves_no_job(ticket, make_message):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_message(ticket, "Не дойдёт")
        raise RuntimeError("rolled back")

    assert [job.kind for job in _jobs(ticket)] == [Kind.LEAD_ADD]


def test_rolled_back_status_change_leaves_no_job(ticket):
    with pytest.raises(RuntimeError), transaction.atomic():
        _status(ticket, Ticket.Status.RESOLVED)
        raise RuntimeError("rolled back")

    assert [job.kind for job in _jobs(ticket)] == [Kind.LEAD_ADD]


def test_ticket_from_before_bitrix_gets_lead_add_before_its_first_comment(
        settings, make_ticket, portal_client, make_message):
    settings.BITRIX_WEBHOOK_URL = ""
    ticket = make_ticket(portal_client)
    settings.BITRIX_WEBHOOK_URL = "https://portal.example/rest/1/secret"

    make_message(ticket, "Есть новости?", author_kind=Message.AuthorKind.CLIENT,
                 source=Message.Source.PORTAL)
    make_message(ticket, "Смотрим", source=Message.Source.ADMIN)

    # The manager's first reply also took the ticket in progress: its status follows.
    assert [job.kind for job in _jobs(ticket)] == [Kind.LEAD_ADD, Kind.COMMENT_ADD,
                                                   Kind.COMMENT_ADD, Kind.LEAD_UPDATE]


def test_ticket_from_before_bitrix_gets_lead_add_before_its_status_update(
        settings, make_ticket, portal_client):
    settings.BITRIX_WEBHOOK_URL = ""
    ticket = make_ticket(portal_client)
    settings.BITRIX_WEBHOOK_URL = "https://portal.example/rest/1/secret"

    _status(ticket, Ticket.Status.IN_PROGRESS)

    assert [job.kind for job in _jobs(ticket)] == [Kind.LEAD_ADD, Kind.LEAD_UPDATE]


def test_linked_ticket_gets_no_second_lead_add(linked_ticket, make_message):
    make_message(linked_ticket, "Ещё вопрос")

    assert len(_jobs(linked_ticket, Kind.LEAD_ADD)) == 1
