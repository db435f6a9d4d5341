"""Ticket rules: creation, status changes, the dialog and rating."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tickets import services
from tickets.models import Department, Message, StatusChange, Tag, Ticket

from .helpers import refused, set_state

pytestmark = pytest.mark.django_db

Status = Ticket.Status
LONG_AGO = timezone.now() - timedelta(days=3)


@pytest.fixture
def ticket(make_ticket, portal_client):
    return make_ticket(portal_client)


@pytest.fixture
def create(portal_client, department):
    def create(**fields):
        data = {"client": portal_client, "title": "Т", "description": "О",
                "department": department}
        return services.ticket_create(**{**data, **fields})

    return create


def test_ticket_create_stores_a_new_ticket_with_stripped_text(portal_client, department, tag):
    ticket = services.ticket_create(
        client=portal_client, title="  Не работает печать ", description=" Кнопка молчит. ",
        department=department, tag=tag, criticality="high",
    )

    ticket.refresh_from_db()
    assert (ticket.title, ticket.description) == ("Не работает печать", "Кнопка молчит.")
    assert (ticket.status, ticket.criticality, ticket.tag, ticket.client) == (
        Status.NEW, "high", tag, portal_client)
    assert ticket.created_at == ticket.updated_at


def test_ticket_create_reports_every_missing_field_in_russian(create):
    errors = refused(create, title="  ", description="", department=None)

    assert errors["title"] == ["Заполните поле «Название»."]
    assert errors["description"] == ["Заполните поле «Описание»."]
    assert errors["department"] == ["Выберите отдел из списка."]
    assert not Ticket.objects.exists()


def test_ticket_create_refuses_a_too_long_title(create):
    assert refused(create, title="я" * 201) == {
        "title": ["Поле «Название» длиннее 200 символов: сократите текст."]}


def test_ticket_create_refuses_an_inactive_department(create):
    closed = Department.objects.create(name="Архив", slug="archive", is_active=False)

    assert refused(create, department=closed) == {"department": ["Выберите отдел из списка."]}


def test_ticket_create_refuses_an_inactive_tag(create):
    old_tag = Tag.objects.create(name="Старое", slug="old", is_active=False)

    assert refused(create, tag=old_tag) == {
        "tag": ["Этот тег больше не используется: выберите другой."]}


@pytest.mark.parametrize("value, code", [
    ("critical", "critical"), ("LOW", "low"), ("Высокая", "high"), ("  средняя ", "normal"),
])
def test_ticket_create_accepts_criticality_code_or_label(create, value, code):
    assert create(criticality=value).criticality == code


def test_ticket_create_refuses_unknown_criticality_listing_allowed_values(create):
    [message] = refused(create, criticality="urgent")["criticality"]

    assert "«urgent»" in message
    for code, label in Ticket.Criticality.choices:
        assert f"{code} ({label})" in message


def test_change_status_moves_the_ticket_and_records_who_did_it(ticket):
    change = services.ticket_change_status(ticket=ticket, status="in_progress",
                                           source=Message.Source.API, actor_name="Ирина")

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert StatusChange.objects.get() == change
    assert (change.ticket, change.from_status, change.to_status, change.source,
            change.actor_name) == (ticket, "new", "in_progress", "api", "Ирина")


def test_change_status_to_the_same_status_is_a_noop(ticket):
    before = ticket.updated_at

    change = services.ticket_change_status(ticket=ticket, status="new", source="admin")

    ticket.refresh_from_db()
    assert change is None
    assert not StatusChange.objects.exists()
    assert ticket.updated_at == before


@pytest.mark.parametrize("value", ["In_Progress", "IN_PROGRESS", "В работе", "в РАБОТЕ"])
def test_change_status_accepts_code_or_russian_label_in_any_case(ticket, value):
    services.ticket_change_status(ticket=ticket, status=value, source="bitrix")

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


@pytest.mark.parametrize("value", ["done", "", None, 3])
def test_change_status_refuses_unknown_status_listing_allowed_values(ticket, value):
    [message] = refused(services.ticket_change_status, ticket=ticket, status=value,
                        source="api")["status"]

    assert all(f"{code} ({label})" in message for code, label in Status.choices)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert not StatusChange.objects.exists()


def test_entering_resolved_sets_resolved_at(ticket):
    change = services.ticket_change_status(ticket=ticket, status="resolved", source="admin")

    ticket.refresh_from_db()
    assert ticket.resolved_at == change.at


@pytest.mark.parametrize("from_status", Ticket.OPEN_STATUSES)
def test_closing_straight_from_an_open_status_sets_resolved_at(ticket, from_status):
    set_state(ticket, status=from_status)

    change = services.ticket_change_status(ticket=ticket, status="closed", source="admin")

    ticket.refresh_from_db()
    assert ticket.resolved_at == change.at


def test_closing_a_resolved_ticket_keeps_resolved_at(ticket):
    set_state(ticket, status=Status.RESOLVED, resolved_at=LONG_AGO)

    services.ticket_change_status(ticket=ticket, status="closed", source="admin")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolved_at) == (Status.CLOSED, LONG_AGO)


@pytest.mark.parametrize("from_status", Ticket.DONE_STATUSES)
def test_reopening_clears_resolved_at(ticket, from_status):
    set_state(ticket, status=from_status, resolved_at=LONG_AGO)

    services.ticket_change_status(ticket=ticket, status="in_progress", source="admin")

    ticket.refresh_from_db()
    assert ticket.resolved_at is None


def test_client_message_on_resolved_ticket_reopens_it(ticket, make_message):
    set_state(ticket, status=Status.RESOLVED, resolved_at=LONG_AGO)

    make_message(ticket, "Всё ещё не печатает", author_kind="client", source="portal")

    ticket.refresh_from_db()
    change = StatusChange.objects.get()
    assert (ticket.status, ticket.resolved_at) == (Status.IN_PROGRESS, None)
    assert (change.from_status, change.to_status, change.source) == (
        "resolved", "in_progress", "portal")
    assert change.actor_name == "Алексей"


def test_client_cannot_write_to_a_closed_ticket(ticket, make_message):
    set_state(ticket, status=Status.CLOSED)

    errors = refused(make_message, ticket=ticket, text="Ау?", author_kind="client",
                     source="portal")

    assert "Заявка закрыта" in errors["text"][0]
    assert not Message.objects.exists()


def test_client_cannot_write_an_internal_note(ticket, make_message):
    errors = refused(make_message, ticket=ticket, text="Секрет", author_kind="client",
                     source="portal", is_internal=True)

    assert errors == {"is_internal": ["Клиент не может оставлять внутренние заметки."]}
    assert not Message.objects.exists()


def test_client_message_is_signed_with_the_client_name(ticket, make_message):
    message = make_message(ticket, "Добрый день", author_kind="client", source="portal")

    assert message.author_name == "Алексей"


def test_first_public_manager_message_sets_first_response_at(ticket, make_message):
    message = make_message(ticket, "Смотрим")

    ticket.refresh_from_db()
    assert ticket.first_response_at == message.created_at


@pytest.mark.parametrize("fields", [
    {"is_internal": True}, {"author_kind": "client", "source": "portal"},
], ids=["internal-note", "client-message"])
def test_internal_note_or_client_message_does_not_set_first_response_at(
        ticket, make_message, fields):
    make_message(ticket, "Жду", **fields)

    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_second_manager_reply_does_not_move_first_response_at(ticket, make_message):
    first = make_message(ticket, "Смотрим")

    make_message(ticket, "Исправили")

    ticket.refresh_from_db()
    assert ticket.first_response_at == first.created_at


def test_repeated_external_id_returns_the_stored_message(ticket, make_message):
    first = make_message(ticket, "Из Битрикса", source="bitrix", external_id="b-17")

    again = make_message(ticket, "Из Битрикса", source="bitrix", external_id="b-17")

    assert again.pk == first.pk
    assert Message.objects.count() == 1


def test_same_external_id_from_another_source_is_a_new_message(ticket, make_message):
    make_message(ticket, "Из Битрикса", source="bitrix", external_id="17")

    make_message(ticket, "Из Телеграма", source="telegram", external_id="17")

    assert Message.objects.count() == 2


@pytest.mark.parametrize("text, expected", [
    ("   ", "Заполните поле «Сообщение»."),
    ("я" * 10_001, "Поле «Сообщение» длиннее 10000 символов: сократите текст."),
])
def test_message_add_refuses_empty_or_too_long_text(ticket, make_message, text, expected):
    assert refused(make_message, ticket=ticket, text=text) == {"text": [expected]}
    assert not Message.objects.exists()


def test_message_add_bumps_ticket_updated_at(ticket, make_message):
    set_state(ticket, updated_at=LONG_AGO, status=Status.IN_PROGRESS)

    message = make_message(ticket, "Смотрим")

    ticket.refresh_from_db()
    assert ticket.updated_at == message.created_at > LONG_AGO
