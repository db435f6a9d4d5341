"""Client pages make as many SQL queries for 200 rows as for 5."""

import itertools
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets.models import Department, Message, StatusChange, Tag, Ticket

from .data_fixtures import store  # noqa: F401  (fixture)
from .files_helpers import pdf_bytes, upload

pytestmark = pytest.mark.django_db

Status = Ticket.Status
Kind = Message.AuthorKind


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def _add_tickets(client, count, *, start=0):
    departments = [
        Department.objects.get_or_create(name=f"Отдел {i}", slug=f"dep-{i}")[0] for i in range(3)
    ]
    tags = [Tag.objects.get_or_create(name=f"Тег {i}", slug=f"tag-{i}")[0] for i in range(2)]
    Ticket.objects.bulk_create(
        Ticket(client=client, title=f"Заявка {i}", description="Текст",
               department=departments[i % 3], tag=tags[i % 2] if i % 3 else None,
               status=Status.values[i % len(Status.values)],
               criticality=Ticket.Criticality.values[i % 4])
        for i in range(start, start + count)
    )


def test_ticket_list_query_count_does_not_grow_with_tickets(
    logged_in, portal_client, make_client, django_assert_num_queries
):
    _add_tickets(make_client(), 50)  # other clients' tickets are in the table too
    _add_tickets(portal_client, 5)
    logged_in.get("/tickets/")  # warm-up: one-off work must not count as "per row"
    with_5 = _count_queries(logged_in, "/tickets/")

    _add_tickets(portal_client, 195, start=5)

    with django_assert_num_queries(with_5):
        response = logged_in.get("/tickets/")
    assert response.content.decode().count('class="ticket-row"') == 20


def test_filtered_ticket_list_query_count_does_not_grow_with_tickets(
    logged_in, portal_client, django_assert_num_queries
):
    _add_tickets(portal_client, 5)
    path = "/tickets/?status=new&page=2"
    logged_in.get(path)
    with_5 = _count_queries(logged_in, path)

    _add_tickets(portal_client, 195, start=5)

    with django_assert_num_queries(with_5):
        logged_in.get(path)
    # …and that was a real second page of new tickets (with 5, page 2 fell back to 1).
    new = Ticket.objects.filter(client=portal_client, status=Ticket.Status.NEW).count()
    assert new > 20
    rows = logged_in.get(path).content.decode().count('class="ticket-row"')
    assert rows == min(20, new - 20)


def _add_dialog(ticket, count, *, manager):
    """``count`` messages of every kind, some internal, and a status change per five."""
    kinds = itertools.cycle([Kind.CLIENT, Kind.MANAGER, Kind.MANAGER, Kind.SYSTEM])
    Message.objects.bulk_create(
        Message(
            ticket=ticket, author_kind=kind, text=f"Сообщение {i}",
            author_name="" if kind == Kind.CLIENT else "Ирина",
            author_user=manager if kind == Kind.MANAGER else None,
            is_internal=kind == Kind.MANAGER and i % 3 == 0,
            source=Message.Source.PORTAL if kind == Kind.CLIENT else Message.Source.ADMIN,
        )
        for i, kind in zip(range(count), kinds, strict=False)
    )
    steps = itertools.pairwise(itertools.cycle(
        [Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED]))
    StatusChange.objects.bulk_create(
        StatusChange(ticket=ticket, from_status=old, to_status=new, source="admin",
                     actor_name="Ирина")
        for _, (old, new) in zip(range(max(1, count // 5)), steps, strict=False)
    )


def test_ticket_card_query_count_does_not_grow_with_messages(
    logged_in, portal_client, make_ticket, tag, django_assert_num_queries
):
    manager = get_user_model().objects.create_user("irina", password="x", is_staff=True)
    ticket = make_ticket(portal_client, tag=tag)
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED, rating=4)
    _add_dialog(ticket, 5, manager=manager)
    path = f"/tickets/{ticket.pk}/"
    logged_in.get(path)
    with_5 = _count_queries(logged_in, path)

    _add_dialog(ticket, 195, manager=manager)

    with django_assert_num_queries(with_5):
        response = logged_in.get(path)
    assert response.content.decode().count('class="msg msg--') == (
        Message.objects.filter(ticket=ticket, is_internal=False).count())


def _tables(queries):
    """The table each query reads first: what a page costs, query by query."""
    return [re.search(r'FROM "(\w+)"', q["sql"]).group(1) for q in queries]


def test_the_list_is_three_queries_session_client_with_its_tab_counts_and_the_page(
    logged_in, portal_client
):
    # bench/page_throughput.py measures these pages: a query more is a tenth of their pace.
    _add_tickets(portal_client, 60)  # 36 open: two pages
    logged_in.get("/tickets/")

    with CaptureQueriesContext(connection) as queries:
        response = logged_in.get("/tickets/?page=2")

    assert _tables(queries) == ["django_session", "tickets_client", "tickets_ticket"]
    html = response.content.decode()
    assert "Страница 2 из 2" in html  # the pager counted from the tab counts
    assert html.count('class="ticket-row"') == Ticket.objects.filter(
        client=portal_client, status__in=Ticket.OPEN_STATUSES).count() - 20


def _card_tables(client, ticket):
    client.get(f"/tickets/{ticket.pk}/")  # seen: the next visit writes nothing
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"/tickets/{ticket.pk}/").content.decode()
    return _tables(queries), html


def test_a_card_without_files_is_four_queries_and_its_first_file_adds_the_fifth(
    logged_in, portal_client, make_ticket, make_message, store  # noqa: F811
):
    ticket = make_ticket(portal_client)
    make_message(ticket, "Ответ без файла")

    assert _card_tables(logged_in, ticket)[0] == [
        "django_session", "tickets_ticket", "tickets_message", "tickets_statuschange"]

    # Through the client's own form: the service that stores the file marks the ticket.
    logged_in.post(f"/tickets/{ticket.pk}/comment/",
                   {"text": "Вот счёт", "files": upload("счёт.pdf", pdf_bytes())})
    tables, html = _card_tables(logged_in, ticket)

    assert tables == ["django_session", "tickets_ticket", "tickets_message",
                      "tickets_attachment", "tickets_statuschange"]
    assert "счёт.pdf" in html
