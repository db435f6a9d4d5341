"""The queue at scale: search through indexes (number, phone, text), a count that stops
at its cap, no count of the whole table; the shared SLA definitions as selectors."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tickets import queue
from tickets.admin import paginator as paginator_module
from tickets.admin.search import MAX_CLIENTS
from tickets.models import Client, Ticket

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:tickets_ticket_changelist")
S = Ticket.Status


@pytest.fixture
def put(department, make_client):
    client = make_client(phone="+79991234567")

    def make(**fields):
        fields.setdefault("client", client)
        fields.setdefault("title", "Заявка")
        fields.setdefault("description", "Текст")
        return Ticket.objects.create(department=department, **fields)

    return make


def _search(http, term):
    response = http.get(CHANGELIST, {"q": term})
    assert response.status_code == 200
    return response, [t.pk for t in response.context["cl"].result_list]


# --- search ------------------------------------------------------------------------------
def test_search_by_number_with_or_without_the_sign(manager_client, put):
    target = put(title="Не печатает")
    put(title=f"Упоминает {target.pk} в тексте")  # a number in a text is not a ticket number

    assert _search(manager_client, f"#{target.pk}")[1] == [target.pk]
    assert _search(manager_client, f"№ {target.pk}")[1] == [target.pk]
    assert target.pk in _search(manager_client, str(target.pk))[1]


def test_search_by_a_whole_phone_typed_any_way_and_by_its_part(manager_client, put,
                                                               make_client):
    mine = put()
    other = put(client=make_client(phone="+79160000001"))

    assert _search(manager_client, "8 (999) 123-45-67")[1] == [mine.pk]
    assert _search(manager_client, "+7 999 123-45-67")[1] == [mine.pk]
    assert _search(manager_client, "123-45-67")[1] == [mine.pk]
    assert _search(manager_client, "160000001")[1] == [other.pk]


def test_search_by_words_of_the_title_or_the_description_all_of_them(manager_client, put):
    printer = put(title="Принтер не печатает")
    put(title="Сканер", description="Сканер не сканирует, принтер в порядке")
    put(title="Касса")

    found = _search(manager_client, "печатает")[1]
    both = _search(manager_client, "сканирует принтер")[1]

    assert found == [printer.pk]
    assert len(both) == 1 and both[0] != printer.pk


def test_words_shorter_than_three_letters_alone_are_explained_not_scanned(manager_client,
                                                                         put):
    put(title="ПК не включается")

    response, found = _search(manager_client, "ПК")

    assert found == []
    assert "короче трёх букв" in " ".join(m.message for m in get_messages(response.wsgi_request))


def test_a_part_of_a_phone_many_clients_share_is_cut_and_said(manager_client, put,
                                                             monkeypatch):
    monkeypatch.setattr("tickets.admin.search.MAX_CLIENTS", 2)
    for n in range(3):
        put(client=Client.objects.create(phone=f"+7916555{n:04d}"))

    response, found = _search(manager_client, "916555")

    assert len(found) == 2
    notes = " ".join(m.message for m in get_messages(response.wsgi_request))
    assert "многих клиентов" in notes and MAX_CLIENTS == 500


def test_search_runs_no_join_on_clients_and_finds_nothing_quietly(manager_client, put):
    put()
    with CaptureQueriesContext(connection) as captured:
        response, found = _search(manager_client, "нет-такого-слова")

    assert found == []
    ticket_queries = [q["sql"] for q in captured if "tickets_ticket" in q["sql"]
                      and "LIKE" in q["sql"]]
    assert ticket_queries
    assert not any('"tickets_client"."phone" LIKE' in sql for sql in ticket_queries)


# --- the count -----------------------------------------------------------------------------
def test_the_count_stops_at_its_cap_and_says_more_than(manager_client, put, monkeypatch):
    monkeypatch.setattr(paginator_module.CappedCountPaginator, "cap", 3)
    for _ in range(5):
        put()

    response = manager_client.get(CHANGELIST)

    cl = response.context["cl"]
    assert cl.result_count == 3 and str(cl.result_count) == "более 3"
    assert "более 3" in response.content.decode()
    assert cl.full_result_count is None


def test_a_count_under_the_cap_is_exact(manager_client, put):
    for _ in range(4):
        put()

    assert manager_client.get(CHANGELIST).context["cl"].result_count == 4


def test_the_changelist_never_counts_the_whole_table(manager_client, put):
    put()
    with CaptureQueriesContext(connection) as captured:
        manager_client.get(CHANGELIST, {"status__exact": "new"})

    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"] and "tickets_ticket" in q["sql"]]
    # The list's counts stop at the cap; the counters above the queue count the open
    # tickets only (one aggregate the partial index of open tickets answers).
    capped = [sql for sql in counts if "LIMIT" in sql]
    counters = [sql for sql in counts if "LIMIT" not in sql]
    assert capped
    assert len(counters) == 1 and "\"status\" IN ('new', 'in_progress', 'waiting')" in counters[0]


def test_a_page_is_read_by_its_ids_in_the_queue_order(manager_client, put, monkeypatch):
    from django.contrib import admin

    monkeypatch.setattr(admin.site.get_model_admin(Ticket), "list_per_page", 2)
    made = [put(title=f"Заявка {n}") for n in range(5)]
    expected = list(Ticket.objects.order_by(*admin.site.get_model_admin(Ticket).get_ordering(
        None)).values_list("pk", flat=True))

    pages = [[t.pk for t in manager_client.get(CHANGELIST, {"p": p}).context["cl"].result_list]
             for p in (1, 2, 3)]

    assert [pk for page in pages for pk in page] == expected
    assert sorted(expected) == [t.pk for t in made]
    with CaptureQueriesContext(connection) as captured:
        manager_client.get(CHANGELIST, {"p": 2})
    ids_query = [q["sql"] for q in captured if "LIMIT 2 OFFSET 2" in q["sql"]]
    assert len(ids_query) == 1 and ids_query[0].startswith('SELECT "tickets_ticket"."id" AS "pk" FROM')


def test_the_queue_has_no_date_hierarchy_reading_every_ticket(manager_client, put):
    put()
    with CaptureQueriesContext(connection) as captured:
        manager_client.get(CHANGELIST)

    assert not any("DISTINCT" in q["sql"] for q in captured)


# --- the shared definitions ---------------------------------------------------------------
def test_overdue_at_risk_and_turns_by_the_shared_definitions(put):
    now, hour = timezone.now(), timedelta(hours=1)
    late = put(sla_due_at=now - hour, status=S.IN_PROGRESS)
    breached = put(sla_breached=True, sla_due_at=now + hour, status=S.NEW)
    risk = put(sla_due_at=now + hour, sla_warn_at=now - hour, last_public_by="client")
    calm = put(sla_due_at=now + 5 * hour, sla_warn_at=now + 4 * hour, last_public_by="manager")
    waiting = put(status=S.WAITING, last_public_by="client")
    put(status=S.CLOSED, sla_due_at=now - hour, sla_breached=True, sla_warn_at=now - hour)

    def ids(condition):
        return set(Ticket.objects.filter(condition).values_list("pk", flat=True))

    assert ids(queue.overdue_q(now)) == {late.pk, breached.pk}
    assert ids(queue.at_risk_q(now)) == {risk.pk}
    assert ids(queue.waiting_on_client_q()) == {waiting.pk}
    assert ids(queue.waiting_on_us_q()) == {risk.pk}
    assert calm.pk not in ids(queue.overdue_q(now) | queue.at_risk_q(now))


def test_queue_order_is_nearest_due_first_then_longest_wait(put):
    now = timezone.now()
    paused_old = put(last_public_at=now - timedelta(days=3))
    due_later = put(sla_due_at=now + timedelta(hours=2))
    overdue = put(sla_due_at=now - timedelta(hours=1))
    paused_new = put(last_public_at=now - timedelta(days=1))

    order = list(Ticket.objects.order_by(*queue.QUEUE_ORDERING).values_list("pk", flat=True))

    assert order == [overdue.pk, due_later.pk, paused_old.pk, paused_new.pk]
