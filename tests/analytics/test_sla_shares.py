"""The share of SLA targets met, against a hand-computed set with misses (default
targets: critical 1 h / 8 h, high 4 h / 16 h; 09:00–18:00 Moscow)."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from tickets.models import Client, Ticket

from .helpers import QUERY, Story, manager_row, moscow, report

pytestmark = pytest.mark.django_db
Crit = Ticket.Criticality
Status = Ticket.Status


@pytest.fixture
def shares(clock, managers, directories):
    """| ticket | created | dept / crit. | story | first response | resolution |
    |---|---|---|---|---|---|
    | A | Mon 10:00 | support / critical | reply +10 min, resolved +1 h | met | met |
    | B | Mon 10:00 | support / high | reply +5 h (due +4 h), resolved +6 h | missed | met |
    | C | Tue 10:00 | billing / critical | reply +30 min, resolved Wed 12:00 (11 business h) | met | missed |
    | D | Wed 10:00 | billing / normal | open | — | — |
    """  # noqa: E501
    d, story = directories, Story(clock, Client.objects.create(phone="+79990000002"))
    a = story.ticket(moscow(date(2026, 3, 2), 10), department=d.support, criticality=Crit.CRITICAL,
                     assignee=managers.anna)
    story.reply(a, 600, managers.anna)
    story.status(a, 3600, Status.RESOLVED)
    b = story.ticket(moscow(date(2026, 3, 2), 10), department=d.support, criticality=Crit.HIGH,
                     assignee=managers.anna)
    story.reply(b, 5 * 3600, managers.anna)
    story.status(b, 6 * 3600, Status.RESOLVED)
    c = story.ticket(moscow(date(2026, 3, 3), 10), department=d.billing, criticality=Crit.CRITICAL,
                     assignee=managers.boris)
    story.reply(c, 1800, managers.boris)
    story.status(c, 26 * 3600, Status.RESOLVED)  # Wed 12:00
    story.ticket(moscow(date(2026, 3, 4), 10), department=d.billing, criticality=Crit.NORMAL,
                 assignee=managers.boris)
    return managers


def _sla(row):
    return row["sla_first_response_met_pct"], row["sla_resolution_met_pct"]


def test_overall_shares_count_decided_verdicts_only(shares):
    assert _sla(report()) == (66.7, 66.7)  # 2 of 3 each; D is still running


def test_shares_by_department(shares):
    rows = {row["department"]: _sla(row) for row in report()["by_department"]}
    assert rows == {"Техническая поддержка": (50.0, 100.0), "Бухгалтерия": (100.0, 0.0)}


def test_shares_by_criticality(shares):
    rows = {row["criticality"]: _sla(row) for row in report()["by_criticality"]}
    assert rows == {"critical": (100.0, 50.0), "high": (0.0, 100.0), "normal": (None, None),
                    "low": (None, None)}


def test_shares_by_manager(shares):
    data = report()
    assert _sla(manager_row(data, shares.anna)) == (50.0, 100.0)
    assert _sla(manager_row(data, shares.boris)) == (100.0, 0.0)


def test_shares_for_one_department(shares, directories):
    data = report(department=directories.billing)
    assert _sla(data) == (100.0, 0.0)
    assert _sla(data["by_department"][0]) == (100.0, 0.0)


def test_the_json_and_the_command_carry_the_shares(shares, api):
    data = api.get("/manager/analytics", QUERY).json()
    assert _sla(data) == (66.7, 66.7)
    out = io.StringIO()
    call_command("analytics_report", "--from", QUERY["from"], "--to", QUERY["to"],
                 "--format", "csv", stdout=out)
    rows = {(section, key): value for section, key, value in csv.reader(io.StringIO(
        out.getvalue()))}
    assert rows["total", "sla_first_response_met_pct"] == "66.7"
    assert rows["by_department", "Бухгалтерия:sla_resolution_met_pct"] == "0.0"
    out = io.StringIO()
    call_command("analytics_report", "--from", QUERY["from"], "--to", QUERY["to"],
                 "--format", "json", stdout=out)
    assert _sla(json.loads(out.getvalue())["by_criticality"][3]) == (100.0, 50.0)


def test_the_dashboard_shows_the_shares(shares, admin_client):
    html = admin_client.get("/admin/analytics/", QUERY).content.decode()
    assert "66,7 %" in html
    assert 'id="sla-by-department"' in html and "50,0 %" in html
