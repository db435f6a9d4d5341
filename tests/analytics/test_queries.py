"""The analytics make as many SQL queries for 1,000 tickets as for 10, and plan them well."""

import itertools
from datetime import timedelta

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from analytics import selectors
from tickets.models import Message, Ticket

from .helpers import PERIOD_FROM, PERIOD_TO, QUERY, moscow

pytestmark = pytest.mark.django_db

DAYS = (PERIOD_TO - PERIOD_FROM).days + 1


def _add_tickets(count, *, start, client, managers, directories):
    """Tickets over the period with replies, internal notes, client messages and ratings."""
    departments = [directories.support, directories.billing, directories.sales]
    tags = [directories.bug, directories.question, None]
    users = [managers.anna, managers.boris]
    statuses = Ticket.Status.values
    tickets = []
    for i in range(start, start + count):
        created = moscow(PERIOD_FROM + timedelta(days=i % DAYS), 9) + timedelta(minutes=i % 600)
        status = statuses[i % len(statuses)]
        done = status in Ticket.DONE_STATUSES
        answered = i % 4 != 0
        first_response = 60 + i if answered else None
        resolution = 3600 * (1 + i % 7) if done else None
        tickets.append(Ticket(
            client=client, title=f"Заявка {i}", description="Текст",
            department=departments[i % 3], tag=tags[i % 3],
            criticality=Ticket.Criticality.values[i % 4], status=status,
            assignee=users[i % 2] if i % 5 else None, created_at=created, updated_at=created,
            first_response_at=created + timedelta(seconds=first_response) if answered else None,
            resolved_at=created + timedelta(seconds=resolution) if done else None,
            # bulk_create bypasses the services, which keep these two with the dates.
            first_response_seconds=first_response, resolution_seconds=resolution,
            rating=1 + i % 5 if done and i % 3 else None,
        ))
    Ticket.objects.bulk_create(tickets)
    messages = []
    for i, ticket in enumerate(tickets, start):
        user = users[i % 2]
        messages.append(Message(ticket=ticket, author_kind=Message.AuthorKind.CLIENT,
                                text="Вопрос", source=Message.Source.PORTAL,
                                created_at=ticket.created_at))
        messages.append(Message(ticket=ticket, author_kind=Message.AuthorKind.MANAGER,
                                author_user=user, author_name=user.first_name, text="Заметка",
                                is_internal=True, source=Message.Source.ADMIN,
                                created_at=ticket.created_at + timedelta(seconds=30)))
        if ticket.first_response_at:
            messages.append(Message(ticket=ticket, author_kind=Message.AuthorKind.MANAGER,
                                    author_user=user, author_name=user.first_name,
                                    text="Ответ", source=Message.Source.ADMIN,
                                    created_at=ticket.first_response_at))
    Message.objects.bulk_create(messages)


@pytest.fixture
def grow(make_client, managers, directories):
    """``grow(n)`` brings the period up to n tickets."""
    client = make_client()

    def grow_to(total):
        have = Ticket.objects.count()
        _add_tickets(total - have, start=have, client=client, managers=managers,
                     directories=directories)
        assert Ticket.objects.count() == total

    return grow_to


def _report_queries():
    with CaptureQueriesContext(connection) as queries:
        data = selectors.report(selectors.period_parse(QUERY["from"], QUERY["to"]))
    assert len(data["by_manager"]) == 2
    return len(queries), data["tickets_total"]


def _get_queries(http, path, query=QUERY):
    with CaptureQueriesContext(connection) as queries:
        response = http.get(path, query)
    assert response.status_code == 200
    return len(queries)


def test_report_query_count_does_not_grow_with_tickets(grow):
    grow(10)
    small, total = _report_queries()
    assert total == 10
    grow(1000)
    large, total = _report_queries()
    assert total == 1000
    assert large == small


def test_report_for_one_department_query_count_does_not_grow_with_tickets(grow, directories):
    period = selectors.period_parse(QUERY["from"], QUERY["to"], department=directories.billing)
    grow(10)
    with CaptureQueriesContext(connection) as small:
        selectors.report(period)
    grow(1000)
    with CaptureQueriesContext(connection) as large:
        assert selectors.report(period)["tickets_total"] == 333
    assert len(large) == len(small)


def test_json_query_count_does_not_grow_with_tickets(grow, api):
    grow(10)
    small = _get_queries(api, "/manager/analytics")
    grow(1000)
    large = _get_queries(api, "/manager/analytics")
    assert api.get("/manager/analytics", QUERY).json()["tickets_total"] == 1000
    assert large == small


def test_dashboard_query_count_does_not_grow_with_tickets(grow, group_manager):
    http = HttpClient()
    http.force_login(group_manager)
    grow(10)
    _get_queries(http, "/admin/analytics/")  # first visit: admin caches content types
    small = _get_queries(http, "/admin/analytics/")
    grow(1000)
    large = _get_queries(http, "/admin/analytics/")
    assert large == small
    # …for a dashboard that shows all of them.
    html = http.get("/admin/analytics/", QUERY).content.decode()
    assert '<div class="value">1000</div>' in html


def _rows_returned(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return len(cursor.fetchall())


def test_report_queries_fetch_aggregates_not_tickets(grow):
    """No query returns a row per ticket: at most one per day, status, tag, manager…"""
    grow(1000)
    with CaptureQueriesContext(connection) as queries:
        selectors.report(selectors.period_parse(QUERY["from"], QUERY["to"]))
    # Run each captured statement again to see how many rows it hands to Python.
    rows = [_rows_returned(query["sql"]) for query in queries.captured_queries]
    assert max(rows) <= max(DAYS, len(Ticket.Status.values)), rows


def _plan(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(row[-1] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps its own statistics")
def test_sqlite_counts_a_departments_resolved_days_off_their_index_after_migrate(grow,
                                                                                 directories):
    # Without statistics SQLite reads a department's resolved tickets through the whole
    # department for each day (seconds on 100k tickets). migrate's ANALYZE gives it the
    # statistics (sqlite_stat1) that make it count each day off ticket_resolved_status.
    grow(1000)
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    period = selectors.period_parse(QUERY["from"], QUERY["to"], department=directories.billing)
    with CaptureQueriesContext(connection) as queries:
        selectors.report(period)
    [days] = [query["sql"] for query in queries if "analytics_days" in query["sql"]]
    plan = _plan(days)
    assert "ticket_resolved_status (resolved_at>? AND resolved_at<?)" in plan, plan


def test_report_query_count_does_not_grow_with_managers(grow, django_user_model):
    grow(100)
    period = selectors.period_parse(QUERY["from"], QUERY["to"])
    with CaptureQueriesContext(connection) as two:
        selectors.report(period)
    managers = [django_user_model.objects.create_user(username=f"m{i}", is_staff=True)
                for i in range(30)]
    tickets = list(Ticket.objects.order_by("pk"))
    for ticket, manager in zip(tickets, itertools.cycle(managers)):
        ticket.assignee = manager
    Ticket.objects.bulk_update(tickets, ["assignee"])
    with CaptureQueriesContext(connection) as thirty:
        data = selectors.report(period)
    assert len([row for row in data["by_manager"] if row["tickets_assigned"]]) == 30
    assert len(thirty) == len(two)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL uses PERCENTILE_DISC")
def test_sqlite_walks_each_percentile_along_its_delays_index_without_sorting(grow, directories):
    # The period's date range is kept off ticket_created (unary +), so each pick walks
    # the covering index on the delay in order; a sort of the period took 75–190 ms a
    # pick on 100k tickets, a walk 1–6 ms.
    grow(1000)
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    period = selectors.period_parse(QUERY["from"], QUERY["to"], department=directories.billing)
    with CaptureQueriesContext(connection) as queries:
        selectors.report(period)
    # One SELECT of picks for the period, one for its managers.
    plan = "\n".join(_plan(query["sql"]) for query in queries
                      if "LIMIT 1 OFFSET" in query["sql"])

    assert "TEMP B-TREE" not in plan, plan
    for index in ("ticket_first_response", "ticket_resolution",
                  "ticket_assignee_first_response", "ticket_assignee_resolution"):
        assert f"COVERING INDEX {index} " in plan, plan
