"""The SLA clock end to end: services set the due times, the client's card, the manager
API and the admin card show them (default targets; 09:00–18:00 Moscow)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from tickets import services
from tickets.models import Message, SlaTarget, Ticket

from .sla_helpers import HOUR, msk

pytestmark = pytest.mark.django_db
Status = Ticket.Status


def _reload(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def test_a_ticket_filed_on_friday_evening_is_due_on_monday_morning(
        clock, portal_client, make_ticket, logged_in, api):
    clock.now = msk(2026, 3, 13, 19, 30)  # Friday, after hours
    ticket = make_ticket(portal_client, criticality=Ticket.Criticality.CRITICAL)  # 1 h / 8 h
    assert ticket.first_response_due_at == msk(2026, 3, 16, 10)
    assert ticket.resolution_due_at == msk(2026, 3, 16, 17)
    assert ticket.sla_due_at == msk(2026, 3, 16, 10)
    assert ticket.sla_warn_at == msk(2026, 3, 16, 9, 48)  # 80 % of the hour gone

    page = logged_in.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Ответим 16 марта до 10:00 МСК" in page
    assert "Решим 16 марта до 17:00 МСК" in page
    data = api.get(f"/manager/tickets/{ticket.pk}").json()
    assert (data["first_response_due_at"], data["resolution_due_at"], data["sla_breached"]) == (
        "2026-03-16T10:00:00+03:00", "2026-03-16T17:00:00+03:00", False)


def test_the_first_public_manager_reply_meets_the_first_response(
        clock, portal_client, make_ticket, make_message):
    clock.now = msk(2026, 3, 10, 9)
    ticket = make_ticket(portal_client)  # normal: 8 h / 40 h
    clock.now = msk(2026, 3, 10, 9, 30)
    make_message(ticket, "Заметка", is_internal=True)
    assert _reload(ticket).sla_first_response_met is None
    make_message(ticket, "Смотрим")
    ticket = _reload(ticket)
    assert (ticket.first_response_due_at, ticket.sla_first_response_met) == (None, True)
    assert ticket.sla_due_at == ticket.resolution_due_at == msk(2026, 3, 16, 13)


def test_a_late_first_reply_is_a_miss(clock, portal_client, make_ticket, make_message):
    clock.now = msk(2026, 3, 10, 9)
    ticket = make_ticket(portal_client, criticality=Ticket.Criticality.CRITICAL)
    clock.now = msk(2026, 3, 10, 11)
    make_message(ticket, "Простите за ожидание")
    ticket = _reload(ticket)
    assert (ticket.sla_first_response_met, ticket.sla_breached) == (False, True)


def test_a_paused_ticket_is_due_later_by_the_business_time_it_waited(
        clock, portal_client, make_ticket, make_message, logged_in, api):
    clock.now = msk(2026, 3, 10, 9)  # Tuesday
    ticket = make_ticket(portal_client)  # resolution 40 h → Mon Mar 16 13:00
    assert ticket.resolution_due_at == msk(2026, 3, 16, 13)
    clock.now = msk(2026, 3, 10, 10)
    make_message(ticket, "Пришлите, пожалуйста, скриншот")
    clock.now = msk(2026, 3, 10, 11)
    services.ticket_change_status(ticket=ticket, status=Status.WAITING, source="admin")
    ticket = _reload(ticket)
    assert ticket.resolution_due_at is None
    assert ticket.resolution_left_seconds == 38 * HOUR  # Tue 11:00 → Mon 13:00
    assert (ticket.sla_due_at, ticket.sla_warn_at) == (None, None)
    page = logged_in.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Срок решения остановлен, пока мы ждём вашего ответа" in page
    assert "Решим " not in page
    assert api.get(f"/manager/tickets/{ticket.pk}").json()["resolution_due_at"] is None

    clock.now = msk(2026, 3, 12, 11)  # Thursday: 18 business hours later
    services.ticket_change_status(ticket=ticket, status=Status.IN_PROGRESS, source="admin")
    ticket = _reload(ticket)
    # Mon 13:00 moved by 18 business hours: Wed Mar 18 13:00.
    assert ticket.resolution_due_at == msk(2026, 3, 18, 13)
    assert ticket.resolution_left_seconds is None
    assert ticket.sla_due_at == msk(2026, 3, 18, 13)
    assert ticket.sla_warn_at == msk(2026, 3, 17, 14)  # 8 h (20 % of 40 h) before
    # The recalculation from the history agrees with the clock kept by the services.
    call_command("sla_recalculate", stdout=io.StringIO())
    assert _reload(ticket).resolution_due_at == msk(2026, 3, 18, 13)


def test_resolving_decides_the_resolution_and_reopening_starts_a_fresh_clock(
        clock, portal_client, make_ticket, make_message):
    clock.now = msk(2026, 3, 10, 9)
    ticket = make_ticket(portal_client, criticality=Ticket.Criticality.CRITICAL)  # 8 h
    clock.now = msk(2026, 3, 10, 9, 10)
    make_message(ticket, "Готово")
    clock.now = msk(2026, 3, 10, 12)
    services.ticket_change_status(ticket=ticket, status=Status.RESOLVED, source="admin")
    ticket = _reload(ticket)
    assert (ticket.sla_resolution_met, ticket.resolution_due_at, ticket.sla_due_at) == (
        True, None, None)
    clock.now = msk(2026, 3, 10, 17)
    make_message(ticket, "Опять не работает", author_kind=Message.AuthorKind.CLIENT)
    ticket = _reload(ticket)
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.sla_resolution_met is None
    assert ticket.resolution_due_at == msk(2026, 3, 11, 16)  # 1 h today, 7 h tomorrow


def test_resolved_while_waiting_with_time_left_is_met(clock, portal_client, make_ticket):
    clock.now = msk(2026, 3, 10, 9)
    ticket = make_ticket(portal_client)
    clock.now = msk(2026, 3, 10, 10)
    services.ticket_change_status(ticket=ticket, status=Status.WAITING, source="admin")
    clock.now = msk(2026, 4, 10, 10)  # a month later, the clock stood still
    services.ticket_change_status(ticket=ticket, status=Status.CLOSED, source="admin")
    ticket = _reload(ticket)
    assert (ticket.sla_resolution_met, ticket.resolution_left_seconds) == (True, None)
    # Done without a public reply, after its first-response due time: missed.
    assert (ticket.sla_first_response_met, ticket.sla_breached) == (False, True)


def test_a_new_criticality_applies_its_target(clock, portal_client, make_ticket):
    clock.now = msk(2026, 3, 10, 9)
    ticket = make_ticket(portal_client)
    clock.now += timedelta(minutes=30)
    services.ticket_update(ticket=ticket, criticality=Ticket.Criticality.CRITICAL)
    ticket = _reload(ticket)
    assert (ticket.first_response_due_at, ticket.resolution_due_at) == (
        msk(2026, 3, 10, 10), msk(2026, 3, 10, 17))


def test_sla_recalculate_applies_a_changed_target(clock, portal_client, make_ticket, capsys):
    clock.now = msk(2026, 3, 10, 9)
    ticket = make_ticket(portal_client)
    SlaTarget.objects.create(criticality="normal", department=ticket.department,
                             first_response_hours=2, resolution_hours=4)
    call_command("sla_recalculate")
    assert capsys.readouterr().out.strip() == (
        "SLA пересчитан: открытых заявок 1, сроки изменились у 1.")
    ticket = _reload(ticket)
    assert (ticket.first_response_due_at, ticket.resolution_due_at) == (
        msk(2026, 3, 10, 11), msk(2026, 3, 10, 13))


def test_reopening_a_ticket_nobody_answered_owes_a_first_response_again(
        clock, portal_client, make_ticket, make_message):
    clock.now = msk(2026, 3, 10, 9)
    ticket = make_ticket(portal_client, criticality=Ticket.Criticality.CRITICAL)
    clock.now = msk(2026, 3, 10, 9, 20)
    services.ticket_change_status(ticket=ticket, status=Status.RESOLVED, source="admin")
    ticket = _reload(ticket)
    assert (ticket.first_response_due_at, ticket.sla_first_response_met) == (None, None)
    clock.now = msk(2026, 3, 10, 17, 30)
    make_message(ticket, "Не помогло", author_kind=Message.AuthorKind.CLIENT)
    ticket = _reload(ticket)
    assert ticket.first_response_due_at == msk(2026, 3, 11, 9, 30)
    assert ticket.resolution_due_at == msk(2026, 3, 11, 16, 30)
    call_command("sla_recalculate", stdout=io.StringIO())
    assert (_reload(ticket).first_response_due_at, _reload(ticket).resolution_due_at) == (
        msk(2026, 3, 11, 9, 30), msk(2026, 3, 11, 16, 30))
