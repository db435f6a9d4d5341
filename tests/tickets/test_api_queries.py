"""The manager API makes as many SQL queries for 200 rows as for 5."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets.models import Department, Message, Tag, Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("manager_key")]


def _count_queries(api, path):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def _add_tickets(make_client, count, *, start=0):
    """Tickets of different clients, departments, tags (or none) and assignees (or none)."""
    departments = [Department.objects.get_or_create(name=f"Отдел {i}", slug=f"dep-{i}")[0]
                   for i in range(3)]
    tags = [Tag.objects.get_or_create(name=f"Тег {i}", slug=f"tag-{i}")[0] for i in range(2)]
    users = [get_user_model().objects.get_or_create(
        username=f"manager{i}", defaults={"first_name": f"Менеджер {i}", "is_staff": True})[0]
        for i in range(3)]
    clients = [make_client() for _ in range(4)]
    Ticket.objects.bulk_create(
        Ticket(client=clients[i % 4], title=f"Заявка {i}", description="Текст",
               department=departments[i % 3], tag=tags[i % 2] if i % 3 else None,
               assignee=users[i % 3] if i % 4 else None,
               status=Ticket.Status.values[i % 5], criticality=Ticket.Criticality.values[i % 4],
               bitrix_entity_type="LEAD" if i % 2 else "", bitrix_entity_id=i if i % 2 else None)
        for i in range(start, start + count)
    )


def _add_messages(ticket, count, *, start=0):
    kinds = Message.AuthorKind.values
    Message.objects.bulk_create(
        Message(ticket=ticket, author_kind=kinds[i % 3], author_name=f"Автор {i}",
                text=f"Сообщение {i}", is_internal=i % 4 == 0, source=Message.Source.values[i % 5])
        for i in range(start, start + count)
    )


def test_ticket_list_query_count_does_not_grow_with_tickets(
    api, make_client, django_assert_num_queries
):
    path = "/manager/tickets?page_size=200"
    _add_tickets(make_client, 5)
    api.get(path)  # warm-up: one-off work must not count as "per row"
    with_5, body = _count_queries(api, path)
    assert body["count"] == 5

    _add_tickets(make_client, 195, start=5)

    with django_assert_num_queries(with_5):
        response = api.get(path)
    assert len(response.json()["results"]) == 200


def test_filtered_ticket_list_query_count_does_not_grow_with_tickets(
    api, make_client, django_assert_num_queries
):
    path = "/manager/tickets?page_size=200&department=dep-1&tag=tag-1&status=new"
    _add_tickets(make_client, 30)
    api.get(path)
    with_few, body = _count_queries(api, path)
    assert body["count"] > 0

    _add_tickets(make_client, 600, start=30)

    with django_assert_num_queries(with_few):
        response = api.get(path)
    assert response.json()["count"] > body["count"]


def test_ticket_detail_query_count_does_not_grow_with_messages(
    api, make_ticket, portal_client, django_assert_num_queries
):
    ticket = make_ticket(portal_client)
    path = f"/manager/tickets/{ticket.pk}"
    _add_messages(ticket, 5)
    api.get(path)
    with_5, body = _count_queries(api, path)
    assert len(body["messages"]) == 5

    _add_messages(ticket, 195, start=5)

    with django_assert_num_queries(with_5):
        response = api.get(path)
    assert len(response.json()["messages"]) == 200
