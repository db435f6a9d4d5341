"""The ticket queue (changelist) as a «Менеджеры»-only staff user sees it:
bulk actions, filters, search, ordering, the Bitrix column (query counts:
``test_admin_queue_queries``)."""

import re
from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tickets import queue, services
from tickets.models import Message, StatusChange, Ticket

from .admin_helpers import FULL_NAME

pytestmark = pytest.mark.django_db

Status = Ticket.Status
Criticality = Ticket.Criticality
CHANGELIST = reverse("admin:tickets_ticket_changelist")


@pytest.fixture
def new_ticket(portal_client, make_ticket):
    def make(status=Status.NEW, **fields):
        ticket = make_ticket(portal_client, **fields)
        if status != Status.NEW:
            services.ticket_change_status(ticket=ticket, status=status, source="admin",
                                          actor_name="Пётр Иванов")
        ticket.refresh_from_db()
        return ticket

    return make


def listed(http, **params):
    response = http.get(CHANGELIST, params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def run_action(http, action, tickets, **extra):
    data = {"action": action, "_selected_action": [t.pk for t in tickets], "index": 0,
            "select_across": 0, **extra}
    # Posted to the list the manager sees (the form keeps its filters): all statuses here.
    response = http.post(CHANGELIST + "?open=all", data)
    assert response.status_code == 302
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


# --- bulk actions -----------------------------------------------------------
def test_assign_to_me_assigns_the_selected_tickets_to_the_requesting_manager(
    manager_client, manager_user, other_manager, new_ticket
):
    mine, taken, untouched = new_ticket(), new_ticket(), new_ticket()
    services.ticket_assign(ticket=taken, assignee=other_manager)

    run_action(manager_client, "assign_to_me", [mine, taken])

    assert [Ticket.objects.get(pk=t.pk).assignee for t in (mine, taken, untouched)] == [
        manager_user, manager_user, None]


def test_set_status_moves_each_selected_ticket_with_a_status_change(manager_client,
                                                                   new_ticket):
    tickets = [new_ticket(), new_ticket(status=Status.IN_PROGRESS)]
    untouched = new_ticket()

    run_action(manager_client, "set_status", tickets, status=Status.WAITING)

    for ticket in tickets:
        assert Ticket.objects.get(pk=ticket.pk).status == Status.WAITING
        change = StatusChange.objects.get(ticket=ticket, to_status=Status.WAITING)
        assert (change.from_status, change.source, change.actor_name) == (
            ticket.status, Message.Source.ADMIN, FULL_NAME)
    assert Ticket.objects.get(pk=untouched.pk).status == Status.NEW


def test_set_status_without_a_status_changes_nothing_and_warns(manager_client, new_ticket):
    ticket = new_ticket()

    sent = run_action(manager_client, "set_status", [ticket], status="")

    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW
    assert not StatusChange.objects.exists()
    assert sent == [(messages.WARNING, "Выберите новый статус в списке рядом с действием.")]


def test_close_sets_resolved_at_for_open_tickets(manager_client, new_ticket):
    tickets = [new_ticket(), new_ticket(status=Status.WAITING)]

    run_action(manager_client, "close_tickets", tickets)

    for ticket in tickets:
        ticket.refresh_from_db()
        change = StatusChange.objects.get(ticket=ticket, to_status=Status.CLOSED)
        assert (ticket.status, ticket.resolved_at) == (Status.CLOSED, change.at)


def test_close_keeps_resolved_at_of_resolved_tickets(manager_client, new_ticket):
    resolved = new_ticket(status=Status.RESOLVED)

    run_action(manager_client, "close_tickets", [resolved])

    closed = Ticket.objects.get(pk=resolved.pk)
    assert resolved.resolved_at is not None
    assert (closed.status, closed.resolved_at) == (Status.CLOSED, resolved.resolved_at)


# --- filters and search -----------------------------------------------------
def test_assignee_me_shows_only_the_managers_tickets(manager_client, manager_user,
                                                     other_manager, new_ticket):
    mine, theirs, _nobodys = new_ticket(), new_ticket(), new_ticket()
    services.ticket_assign(ticket=mine, assignee=manager_user)
    services.ticket_assign(ticket=theirs, assignee=other_manager)

    assert listed(manager_client, assignee="me") == [mine]


def test_assignee_none_shows_only_unassigned_tickets(manager_client, other_manager,
                                                     new_ticket):
    taken, nobodys = new_ticket(), new_ticket()
    services.ticket_assign(ticket=taken, assignee=other_manager)

    assert listed(manager_client, assignee="none") == [nobodys]


def test_assignee_by_id_shows_that_managers_tickets(manager_client, other_manager, new_ticket):
    theirs, _nobodys = new_ticket(), new_ticket()
    services.ticket_assign(ticket=theirs, assignee=other_manager)

    assert listed(manager_client, assignee=str(other_manager.pk)) == [theirs]


def test_open_yes_shows_only_open_statuses(manager_client, new_ticket):
    for status in Status.values:
        new_ticket(status=status)

    shown = [t.status for t in listed(manager_client, open="yes")]

    assert sorted(shown) == sorted(Ticket.OPEN_STATUSES)


def test_search_by_phone_typed_with_8_and_brackets_finds_the_clients_tickets(
    manager_client, new_ticket, make_client, make_ticket
):
    first, second = new_ticket(), new_ticket()
    make_ticket(make_client(phone="+79160000001"))

    found = listed(manager_client, q="8 (999) 123-45-67")

    assert {t.pk for t in found} == {first.pk, second.pk}


def test_search_by_id_finds_exactly_that_ticket(manager_client, portal_client, department):
    # Explicit ids: one id is a prefix of the other, and no text or phone holds either.
    target, longer = (
        Ticket.objects.create(id=pk, client=portal_client, department=department,
                              title="Заявка", description="Текст")
        for pk in (864201, 8642010)
    )

    assert listed(manager_client, q=str(target.pk)) == [target]
    assert listed(manager_client, q=str(longer.pk)) == [longer]


def test_a_search_finds_closed_tickets_too_unless_open_is_chosen(manager_client, new_ticket):
    closed, open_ = new_ticket(status="closed"), new_ticket(status="new")

    assert listed(manager_client, q=str(closed.pk)) == [closed]
    assert listed(manager_client, q=str(closed.pk), open="yes") == []
    assert listed(manager_client, q=str(open_.pk)) == [open_]


# --- ordering and columns ---------------------------------------------------
def test_queue_shows_open_tickets_unless_asked_for_all(manager_client, new_ticket):
    for status in Status.values:
        new_ticket(status=status)

    assert sorted(t.status for t in listed(manager_client)) == sorted(Ticket.OPEN_STATUSES)
    assert len(listed(manager_client, open="all")) == len(Status.values)
    assert [t.status for t in listed(manager_client, status__exact="closed")] == ["closed"]


def test_queue_lists_overdue_then_nearest_due_then_longest_waiting(manager_client,
                                                                   new_ticket):
    now = timezone.now()
    waiting_long, waiting_short = new_ticket(), new_ticket()
    due_later, due_soon, overdue = new_ticket(), new_ticket(), new_ticket()
    Ticket.objects.filter(pk=waiting_long.pk).update(last_public_at=now - timedelta(hours=5))
    Ticket.objects.filter(pk=waiting_short.pk).update(last_public_at=now - timedelta(hours=1))
    for ticket, hours in ((due_later, 8), (due_soon, 1), (overdue, -2)):
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=now + timedelta(hours=hours))

    assert listed(manager_client) == [overdue, due_soon, due_later, waiting_long,
                                      waiting_short]


def test_queue_shows_its_sort_order_on_the_column_headers(manager_client, new_ticket):
    new_ticket()

    body = manager_client.get(CHANGELIST).content.decode()
    headers = re.findall(r'<th scope="col" class="([^"]*)"', body)

    assert any("sorted ascending" in h and "column-status_cell" in h for h in headers)
    assert any("sorted ascending" in h and "column-waiting_since" in h for h in headers)
    assert "Порядок: сначала просроченные" in body


def set_sla(ticket, *, due_hours=None, warn_hours=None, breached=False):
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(
        sla_due_at=None if due_hours is None else now + timedelta(hours=due_hours),
        sla_warn_at=None if warn_hours is None else now + timedelta(hours=warn_hours),
        sla_breached=breached)


def test_sla_filters_and_cells_say_overdue_and_at_risk_in_words(manager_client, new_ticket):
    overdue, breached, at_risk, calm = new_ticket(), new_ticket(), new_ticket(), new_ticket()
    set_sla(overdue, due_hours=-2, warn_hours=-3)
    set_sla(breached, due_hours=5, warn_hours=4, breached=True)
    set_sla(at_risk, due_hours=0.5, warn_hours=-0.5)
    set_sla(calm, due_hours=6, warn_hours=5)
    closed_late = new_ticket(status=Status.CLOSED)
    set_sla(closed_late, due_hours=-2, breached=True)

    assert {t.pk for t in listed(manager_client, sla="overdue")} == {overdue.pk, breached.pk}
    assert listed(manager_client, sla="at_risk") == [at_risk]
    body = manager_client.get(CHANGELIST).content.decode()
    assert re.search(r'class="sla sla--overdue"[^>]*>⚠ просрочено 2 ч', body)
    assert re.search(r'class="sla sla--at_risk"[^>]*>◔ осталось (29|30) мин', body)
    assert re.search(r'class="sla sla--running"[^>]*>осталось 5 ч 59 мин', body)


def test_turn_filters_follow_who_wrote_last(manager_client, new_ticket, make_message):
    ours = new_ticket()  # the description counts as the client's message
    answered = new_ticket(status=Status.IN_PROGRESS)
    make_message(answered, "Смотрим")
    waiting = new_ticket(status=Status.WAITING)

    assert listed(manager_client, turn="us") == [ours]
    assert listed(manager_client, turn="client") == [waiting]
    assert listed(manager_client, status__exact="waiting") == [waiting]


def test_counters_count_in_one_query_and_link_to_the_filtered_queue(
    manager_client, manager_user, new_ticket
):
    new_ticket(), new_ticket(status=Status.WAITING)
    mine = new_ticket(status=Status.IN_PROGRESS)
    services.ticket_assign(ticket=mine, assignee=manager_user)
    set_sla(mine, due_hours=-1)
    new_ticket(status=Status.CLOSED)

    response = manager_client.get(CHANGELIST)

    counters = {c["key"]: (c["count"], c["url"].split("?")[1])
                for c in response.context["queue_counters"]}
    assert counters == {"new": (1, "status__exact=new"), "waiting_on_us": (2, "turn=us"),
                        "waiting_on_client": (1, "status__exact=waiting"),
                        "mine": (1, "assignee=me"), "overdue": (1, "sla=overdue")}
    with CaptureQueriesContext(connection) as queries:
        queue.queue_counters(user=manager_user)
    assert len(queries) == 1


def test_queue_cells_show_number_title_phone_and_badge(manager_client, new_ticket):
    ticket = new_ticket(criticality=Criticality.CRITICAL)

    body = manager_client.get(CHANGELIST).content.decode()

    assert f'<span class="queue-id">№{ticket.pk}</span> Не работает печать' in body
    assert '<span class="phone">+7 999 123-45-67</span>' in body
    assert '<span class="badge badge--new">Новая</span>' in body
    assert 'class="criticality criticality--critical"' in body
