"""The conversation drives the status (DESIGN «Domain»): whose turn it is moves the ticket."""

import pytest
from django.contrib.auth import get_user_model

from tickets.models import StatusChange, Ticket

from .helpers import set_state

pytestmark = pytest.mark.django_db

Status = Ticket.Status


@pytest.fixture
def ticket(make_ticket, portal_client):
    return make_ticket(portal_client)


def changes(ticket):
    return list(StatusChange.objects.filter(ticket=ticket).order_by("id")
                .values_list("from_status", "to_status", "source"))


def test_a_client_reply_on_a_waiting_ticket_puts_it_back_in_progress(ticket, make_message):
    set_state(ticket, status=Status.WAITING)

    make_message(ticket, "Версия 120", author_kind="client", source="portal")

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert changes(ticket) == [("waiting", "in_progress", "portal")]
    assert StatusChange.objects.get().actor_name == "Алексей"


def test_a_client_reply_on_a_ticket_in_progress_changes_nothing(ticket, make_message):
    set_state(ticket, status=Status.IN_PROGRESS)

    make_message(ticket, "Ещё деталь", author_kind="client", source="portal")

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert changes(ticket) == []


def test_the_first_manager_reply_on_a_new_ticket_takes_it_in_progress_and_assigns_it(
    ticket, make_message, manager_user
):
    make_message(ticket, "Смотрим", author_name="Ирина Смирнова", author_user=manager_user)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.IN_PROGRESS, manager_user)
    assert changes(ticket) == [("new", "in_progress", "admin")]
    assert StatusChange.objects.get().actor_name == "Ирина Смирнова"


def test_the_first_reply_keeps_an_assignee_someone_already_has(ticket, make_message,
                                                                manager_user):
    other = get_user_model().objects.create_user(username="oleg", is_staff=True)
    set_state(ticket, assignee=other)

    make_message(ticket, "Смотрим", author_user=manager_user)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.IN_PROGRESS, other)


def test_a_reply_without_a_staff_user_moves_the_status_but_assigns_nobody(ticket,
                                                                        make_message):
    make_message(ticket, "Ответ из API", source="api")  # the manager API names no user

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.IN_PROGRESS, None)
    assert changes(ticket) == [("new", "in_progress", "api")]


def test_an_internal_note_moves_nothing(ticket, make_message, manager_user):
    make_message(ticket, "Заметка", author_user=manager_user, is_internal=True)
    set_state(ticket, status=Status.WAITING)
    make_message(ticket, "Заметка", author_user=manager_user, is_internal=True)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.WAITING, None)
    assert changes(ticket) == []


def test_a_manager_reply_on_a_waiting_ticket_keeps_it_waiting(ticket, make_message,
                                                              manager_user):
    set_state(ticket, status=Status.WAITING)

    make_message(ticket, "Напоминаем о вопросе", author_user=manager_user)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.WAITING, None)
