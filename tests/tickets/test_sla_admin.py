"""SLA in admin: the settings pages, the breaches list, and the ticket card's due times."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from tickets import services
from tickets.models import CalendarDay, SlaBreach, SlaTarget, Ticket, WorkSchedule

from .admin_helpers import change_url, logged_in_as
from .sla_helpers import msk

pytestmark = pytest.mark.django_db
SETTINGS = [SlaTarget, WorkSchedule, CalendarDay, SlaBreach]


@pytest.fixture
def superuser_client(db):
    return logged_in_as(get_user_model().objects.create_superuser(username="boss", email=""))


@pytest.fixture
def breached(clock, portal_client, make_ticket, manager_user):
    """A critical ticket filed a week ago, never answered, escalated."""
    clock.now = msk(2026, 3, 10, 9)
    ticket = make_ticket(portal_client, criticality=Ticket.Criticality.CRITICAL)
    services.ticket_assign(ticket=ticket, assignee=manager_user)
    clock.now += timedelta(days=7)
    call_command("sla_escalate", stdout=io.StringIO())
    return Ticket.objects.get(pk=ticket.pk)


def _url(model, view="changelist", *args):
    return reverse(f"admin:tickets_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", SETTINGS, ids=lambda m: m._meta.model_name)
@pytest.mark.parametrize("who", ["superuser_client", "manager_client"])
def test_sla_pages_answer_for_admins_and_managers(request, breached, model, who):
    http = request.getfixturevalue(who)
    assert http.get(_url(model)).status_code == 200


def test_the_default_targets_and_hours_come_from_the_migration():
    assert sorted(SlaTarget.objects.filter(department=None).values_list(
        "criticality", "first_response_hours", "resolution_hours")) == [
        ("critical", 1, 8), ("high", 4, 16), ("low", 16, 80), ("normal", 8, 40)]
    assert str(WorkSchedule.objects.get()) == "09:00–18:00"


def test_an_admin_adds_a_calendar_day(superuser_client):
    response = superuser_client.post(_url(CalendarDay, "add"), {
        "date": "2028-01-10", "kind": "day_off", "note": "Постановление на 2028 год"})
    assert response.status_code == 302
    assert CalendarDay.objects.get().kind == "day_off"


def test_the_working_hours_row_is_one(superuser_client):
    assert superuser_client.get(_url(WorkSchedule, "add")).status_code == 403


def test_the_breach_list_names_the_ticket_and_its_assignee(manager_client, breached):
    html = manager_client.get(_url(SlaBreach)).content.decode()
    assert f"#{breached.pk} " in html and "Ирина" in html
    assert SlaBreach.objects.filter(ticket=breached).count() == 2


def test_the_ticket_card_shows_due_times_and_the_breach(manager_client, breached):
    html = manager_client.get(change_url(breached)).content.decode()
    assert "Ответить до" in html and "10.03.2026 10:00" in html
    assert "Решить до" in html and "10.03.2026 17:00" in html
    assert "Срок SLA нарушен." in html
    assert "нарушен срок «первый ответ» (был 10.03.2026 10:00), уведомлено: 0" in html


def test_the_ticket_card_says_when_the_clock_is_paused(clock, manager_client, portal_client,
                                                      make_ticket):
    clock.now = msk(2026, 3, 10, 9)
    ticket = make_ticket(portal_client)
    clock.now = msk(2026, 3, 10, 10)
    services.ticket_change_status(ticket=ticket, status=Ticket.Status.WAITING, source="admin")
    html = manager_client.get(change_url(ticket)).content.decode()
    assert "срок остановлен, пока ждём клиента; осталось 39 ч 00 мин" in html


def test_a_department_gets_a_lead(superuser_client, department, manager_user):
    response = superuser_client.post(_url(type(department), "change", department.pk), {
        "name": department.name, "slug": department.slug, "is_active": "on",
        "lead": manager_user.pk})
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.lead == manager_user
