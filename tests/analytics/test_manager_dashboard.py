"""The per-manager dashboard: «Мой день» and the team lead's table."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.selectors import period_parse
from analytics.selectors.managers import manager_board, team_board
from tests.helpers import logged_in_as
from tickets.models import Client, Department, Ticket
from tickets.permissions import MANAGERS_GROUP

pytestmark = pytest.mark.django_db

ME, TEAM = "/admin/analytics/me/", "/admin/analytics/team/"
S = Ticket.Status


@pytest.fixture
def make_manager(django_user_model):
    def make(username, first_name="", *, lead=False):
        user = django_user_model.objects.create_user(username=username, first_name=first_name,
                                                     is_staff=True)
        user.groups.add(Group.objects.get(name=MANAGERS_GROUP))
        if lead:
            user.user_permissions.add(Permission.objects.get(codename="view_team_dashboard"))
        return user

    return make


@pytest.fixture
def put(db):
    """``put(assignee, **fields)``: a ticket in the given state, written straight (the SLA
    fields are the services' to fill; the dashboard only reads them)."""
    department = Department.objects.create(name="Поддержка", slug="support")
    client = Client.objects.create(phone="+79990001122")

    def make(assignee, **fields):
        fields.setdefault("status", S.IN_PROGRESS)
        fields.setdefault("last_public_at", timezone.now() - timedelta(hours=1))
        fields.setdefault("title", "Заявка")
        return Ticket.objects.create(client=client, department=department,
                                     description="Текст", assignee=assignee, **fields)

    return make


def _day(put, user, now):
    """One of each kind for ``user``: overdue (past due), overdue (breached), at risk,
    on time and the client wrote last, waiting on the client, and a done one."""
    hour = timedelta(hours=1)
    return {
        "late": put(user, sla_due_at=now - hour, last_public_by="client"),
        "breached": put(user, sla_breached=True, sla_due_at=now + hour),
        "risk": put(user, sla_due_at=now + 2 * hour, sla_warn_at=now - hour,
                    last_public_by="client"),
        "calm": put(user, status=S.NEW, sla_due_at=now + 5 * hour, sla_warn_at=now + 4 * hour,
                    last_public_by="client"),
        "waiting": put(user, status=S.WAITING, last_public_by="manager"),
        "done": put(user, status=S.CLOSED, sla_due_at=now - hour, sla_breached=True),
    }


def test_my_day_counts_each_kind_by_the_shared_definitions(make_manager, put):
    me, other = make_manager("irina"), make_manager("oleg")
    now = timezone.now()
    _day(put, me, now)
    put(other, sla_due_at=now - timedelta(hours=1))

    board = manager_board(user=me, period=period_parse(), now=now)

    assert board["now"] == {"open": 5, "overdue": 2, "at_risk": 1, "waiting_on_client": 1,
                            "waiting_on_us": 3}


def test_my_next_tickets_are_mine_waiting_on_me_in_queue_order(make_manager, put):
    me, other = make_manager("irina"), make_manager("oleg")
    now = timezone.now()
    made = _day(put, me, now)
    put(other, sla_due_at=now - timedelta(days=3))
    older = put(me, sla_due_at=None, last_public_at=now - timedelta(days=2))
    newer = put(me, sla_due_at=None, last_public_at=now - timedelta(days=1))

    board = manager_board(user=me, period=period_parse(), now=now)

    assert [t.pk for t in board["next"]] == [made["late"].pk, made["breached"].pk,
                                             made["risk"].pk, made["calm"].pk,
                                             older.pk, newer.pk]
    assert [t.sla_state for t in board["next"][:4]] == ["overdue", "overdue", "at_risk", ""]


def test_my_figures_give_median_p90_sla_share_and_ratings(make_manager, put):
    me = make_manager("irina")
    # Nearest rank of 5 sorted values: the median is the 3rd, the 90th percentile the 5th.
    for minutes, hours, met, rating in [(10, 2, True, 5), (20, 4, True, 4), (30, 6, False, None),
                                        (40, 8, True, 3), (500, 30, False, None)]:
        put(me, status=S.RESOLVED, first_response_seconds=minutes * 60,
            resolution_seconds=hours * 3600, sla_first_response_met=met,
            sla_resolution_met=not met, rating=rating)
    put(me)  # open, no verdict yet: counted as a ticket, not in the shares

    figures = manager_board(user=me, period=period_parse(), now=timezone.now())["figures"]

    assert figures["tickets"] == 6
    assert (figures["median_first_response_seconds"], figures["p90_first_response_seconds"]) \
        == (1800, 30000)
    assert (figures["median_resolution_seconds"], figures["p90_resolution_seconds"]) \
        == (6 * 3600, 30 * 3600)
    assert figures["sla_first_response_met_pct"] == 60.0
    assert figures["sla_resolution_met_pct"] == 40.0
    assert (figures["avg_rating"], figures["ratings_count"]) == (4.0, 3)


def test_team_board_has_a_row_per_manager_side_by_side(make_manager, put):
    anna, boris, idle = make_manager("anna", "Анна"), make_manager("boris", "Борис"), \
        make_manager("vera", "Вера")
    now = timezone.now()
    _day(put, anna, now)
    put(boris, sla_due_at=now - timedelta(hours=1), status=S.NEW)

    rows = {row["name"]: row for row in team_board(period=period_parse(), now=now)}

    assert rows["Анна"]["now"]["overdue"] == 2
    assert rows["Борис"]["now"] == {"open": 1, "overdue": 1, "at_risk": 0,
                                    "waiting_on_client": 0, "waiting_on_us": 0}
    assert rows["Вера"]["now"]["open"] == 0 and rows["Вера"]["figures"]["tickets"] == 0
    assert idle.pk == rows["Вера"]["manager"].pk


def _queries(http, path):
    with CaptureQueriesContext(connection) as captured:
        assert http.get(path).status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_tickets_or_managers(
        make_manager, put, django_assert_num_queries):
    lead = make_manager("lead", lead=True)
    http = logged_in_as(lead)
    now = timezone.now()
    _day(put, lead, now)
    # With a delay to pick percentiles from (SQLite walks them in one query, if any).
    put(lead, status=S.RESOLVED, first_response_seconds=60, resolution_seconds=600, rating=5)
    small_me, small_team = _queries(http, ME), _queries(http, TEAM)

    for i in range(6):
        user = make_manager(f"m{i}")
        _day(put, user, now)
        put(user, status=S.RESOLVED, first_response_seconds=60, resolution_seconds=600,
            rating=5)
    with django_assert_num_queries(small_me):
        assert http.get(ME).status_code == 200
    with django_assert_num_queries(small_team):
        assert http.get(TEAM).status_code == 200
    assert small_team <= 10


def test_a_manager_opens_their_own_day_with_their_figures(make_manager, put):
    me = make_manager("irina", "Ирина")
    put(me, sla_due_at=timezone.now() - timedelta(hours=1), title="Горит принтер")

    response = logged_in_as(me).get(ME)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Мой день" in page and "Горит принтер" in page and "просрочено" in page
    assert "?assignee=me&amp;sla=overdue" in page


def test_a_manager_without_the_team_permission_sees_neither_team_nor_others(make_manager):
    me, other = make_manager("irina"), make_manager("oleg")
    http = logged_in_as(me)

    assert http.get(TEAM).status_code == 403
    assert http.get(ME, {"manager": other.pk}).status_code == 403
    assert http.get(ME, {"manager": me.pk}).status_code == 200
    assert "analytics/team" not in http.get("/admin/").content.decode()


def test_a_lead_sees_the_team_and_any_managers_page(make_manager, put):
    lead, other = make_manager("lead", lead=True), make_manager("oleg", "Олег")
    http = logged_in_as(lead)

    team = http.get(TEAM)
    page = http.get(ME, {"manager": other.pk})

    assert team.status_code == 200 and "Олег" in team.content.decode()
    assert page.status_code == 200 and "Показатели: Олег" in page.content.decode()
    # The workspace's link row (every admin page, the queue first) leads to both pages.
    queue = http.get("/admin/", follow=True).content.decode()
    assert "/admin/analytics/team/" in queue and "/admin/analytics/me/" in queue
    assert http.get(ME, {"manager": "9999999"}).status_code == 404
    assert http.get(ME, {"manager": "²"}).status_code == 404


def test_a_staff_user_without_manager_rights_is_refused(django_user_model):
    intern = django_user_model.objects.create_user(username="intern", is_staff=True)

    assert logged_in_as(intern).get(ME).status_code == 403


def test_a_bad_period_is_explained_and_the_last_30_days_shown(make_manager):
    response = logged_in_as(make_manager("irina")).get(ME, {"from": "2026-02-31"})

    assert response.status_code == 400
    assert "Такой даты нет в календаре" in response.content.decode()
    assert 'value="2026-02-31"' in response.content.decode()
