"""«Мой день» and «Команда» in Chromium: they render, read well (axe) and link to each other."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import expect

from tickets.models import Client, Ticket

from .a11y import serious_violations
from .helpers import managers_group

pytestmark = pytest.mark.browser


@pytest.fixture
def lead_page(staff_page, catalog):
    lead = get_user_model().objects.create_user(username="lead", first_name="Ольга",
                                                last_name="Руденко", is_staff=True)
    lead.groups.add(managers_group())
    lead.user_permissions.add(Permission.objects.get(codename="view_team_dashboard"))
    client = Client.objects.create(phone="+79990001122")
    Ticket.objects.create(client=client, department=catalog["support"], assignee=lead,
                          title="Касса не печатает чек", description="С утра.",
                          status=Ticket.Status.IN_PROGRESS, last_public_by="client",
                          sla_due_at=timezone.now() - timedelta(hours=1))
    return staff_page(lead)


def test_a_lead_goes_from_the_team_to_a_managers_day_and_both_read_well(lead_page,
                                                                       live_server):
    lead_page.goto(f"{live_server.url}/admin/")  # the queue, with the workspace's link row
    lead_page.get_by_role("navigation", name="Рабочее место").get_by_role(
        "link", name="Команда", exact=True).click()

    expect(lead_page.locator("#team-table")).to_contain_text("Ольга Руденко")
    assert not serious_violations(lead_page)

    lead_page.get_by_role("link", name="Ольга Руденко").click()

    expect(lead_page.locator("#manager-next")).to_contain_text("Касса не печатает чек")
    expect(lead_page.locator("#manager-next")).to_contain_text("просрочено")
    assert not serious_violations(lead_page)
