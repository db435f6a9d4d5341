"""SLA breaches end to end: ``sla_escalate`` records each once and tells the assignee and
the department's lead through the outbox, to the fake Bot API; ``outbox_worker``'s chore
does the same."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from delivery import chores
from notifications.models import Event, Notification, TelegramChat
from tickets import services
from tickets.models import Message, SlaBreach, Ticket

from .conftest import telegram_pass

pytestmark = pytest.mark.django_db(transaction=True)
ASSIGNEE_CHAT, LEAD_CHAT = 8001, 8002


def _staff(username):
    return get_user_model().objects.create_user(username=username, first_name=username.title(),
                                                is_staff=True)


@pytest.fixture
def overdue_ticket(monkeypatch, portal_client, make_ticket, department):
    """A critical ticket filed on Tue Mar 10 2026 09:00 Moscow and answered at 09:30, so only
    its resolution (8 business hours, due 17:00 that day) is long overdue today."""
    assignee, lead = _staff("anna"), _staff("lead")
    department.lead = lead
    department.save()
    with monkeypatch.context() as patch:
        moment = datetime(2026, 3, 10, 9, tzinfo=ZoneInfo("Europe/Moscow"))
        patch.setattr("django.utils.timezone.now", lambda: moment)
        ticket = make_ticket(portal_client, criticality=Ticket.Criticality.CRITICAL)
        services.ticket_assign(ticket=ticket, assignee=assignee)
        moment = moment.replace(minute=30)
        services.message_add(ticket=ticket, author_kind=Message.AuthorKind.MANAGER,
                             author_name="Anna", text="Смотрим", source=Message.Source.ADMIN)
    return ticket, assignee, lead


def _escalate():
    out = io.StringIO()
    call_command("sla_escalate", stdout=out)
    return out.getvalue().strip()


def _breach_notifications():
    return Notification.objects.filter(event=Event.SLA_BREACH)


def test_a_breach_is_escalated_once_to_the_assignee_and_the_lead(overdue_ticket, fake_telegram):
    ticket, assignee, lead = overdue_ticket
    TelegramChat.objects.create(chat_id=ASSIGNEE_CHAT, user=assignee)
    TelegramChat.objects.create(chat_id=LEAD_CHAT, user=lead)

    assert _escalate() == "SLA: новых нарушений 1, уведомлений 2."
    assert _escalate() == "SLA: новых нарушений 0, уведомлений 0."

    breach = SlaBreach.objects.get()
    assert (breach.ticket_id, breach.kind, breach.notified) == (ticket.pk, "resolution", 2)
    assert Ticket.objects.get(pk=ticket.pk).sla_breached is True
    assert sorted(_breach_notifications().values_list("user_id", flat=True)) == sorted(
        [assignee.pk, lead.pk])
    assert all(n.job_id for n in _breach_notifications())
    telegram_pass()
    for chat in (ASSIGNEE_CHAT, LEAD_CHAT):
        [text] = [t for t in fake_telegram.sent_to(chat) if "SLA" in t]
        assert f"Нарушен срок SLA по заявке #{ticket.pk}" in text and "решение" in text


def test_one_person_who_is_both_assignee_and_lead_is_told_once(overdue_ticket):
    ticket, assignee, _lead = overdue_ticket
    ticket.department.lead = assignee
    ticket.department.save()
    TelegramChat.objects.create(chat_id=ASSIGNEE_CHAT, user=assignee)
    assert _escalate() == "SLA: новых нарушений 1, уведомлений 1."


def test_without_linked_chats_the_breach_is_recorded_for_admin(overdue_ticket):
    assert _escalate() == "SLA: новых нарушений 1, уведомлений 0."
    assert SlaBreach.objects.get().notified == 0
    assert not _breach_notifications().exists()


def test_the_outbox_worker_chore_escalates(overdue_ticket, settings):
    TelegramChat.objects.create(chat_id=ASSIGNEE_CHAT, user=overdue_ticket[1])
    assert "sla_escalate" in settings.DELIVERY_CHORES
    assert "SLA: новых нарушений 1, уведомлений 1." in chores.run_due()
    assert SlaBreach.objects.count() == 1
