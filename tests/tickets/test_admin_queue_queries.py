"""The ticket queue and card as a «Менеджеры»-only staff user sees them: query counts
stay flat with rows, and a filter value that is no id shows nothing instead of failing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets import services
from tickets.models import Client, Message, Tag, Ticket

pytestmark = pytest.mark.django_db

Status = Ticket.Status
Criticality = Ticket.Criticality
CHANGELIST = reverse("admin:tickets_ticket_changelist")


@pytest.fixture
def ticket(portal_client, make_ticket):
    return make_ticket(portal_client)


def count_queries(http, path):
    http.get(path)  # warm-up: one-off work (sessions, caches) must not count as "per row"
    with CaptureQueriesContext(connection) as queries:
        response = http.get(path)
    assert response.status_code == 200
    return len(queries)


def add_tickets(count, *, assignees, tags, department, start=0):
    clients = Client.objects.bulk_create(
        Client(phone=f"+7917{i:07d}", name=f"Клиент {i}") for i in range(start, start + count)
    )
    tickets = Ticket.objects.bulk_create(
        Ticket(client=client, title=f"Заявка {i}", description="Текст", department=department,
               tag=tags[i % len(tags)], assignee=assignees[i % len(assignees)],
               status=Status.values[i % len(Status.values)],
               criticality=Criticality.values[i % len(Criticality.values)])
        for i, client in enumerate(clients, start=start)
    )
    Message.objects.bulk_create(
        Message(ticket=ticket, author_kind=kind, text="Текст", source="admin",
                is_internal=kind == "manager" and ticket.pk % 2 == 0)
        for ticket in tickets for kind in ("client", "manager")
    )


@pytest.fixture
def queue_refs(manager_user, other_manager, tag, department):
    tags = [tag, Tag.objects.create(name="Вопрос", slug="question"), None]
    return {"assignees": [manager_user, other_manager, None], "tags": tags,
            "department": department}


@pytest.mark.parametrize("path", [CHANGELIST, CHANGELIST + "?open=yes&assignee=me",
                                  CHANGELIST + "?sla=overdue", CHANGELIST + "?sla=at_risk",
                                  CHANGELIST + "?turn=us", CHANGELIST + "?open=all",
                                  CHANGELIST + "?_facets=True",
                                  reverse("admin:tickets_client_changelist")])
def test_changelist_queries_do_not_grow_from_5_to_200_tickets(manager_client, queue_refs,
                                                               path):
    add_tickets(5, **queue_refs)
    with_5 = count_queries(manager_client, path)

    add_tickets(195, start=5, **queue_refs)

    assert Ticket.objects.count() == 200
    with_200 = count_queries(manager_client, path)
    add_tickets(200, start=200, **queue_refs)
    # A list of more than one page reads the page's ids first (tickets/admin/paginator.py):
    # one query more, once it has a second page; nothing else grows with the rows.
    assert {with_200, count_queries(manager_client, path)} <= {with_5, with_5 + 1}


def test_change_page_queries_do_not_grow_from_5_to_200_messages(manager_client, ticket,
                                                                 manager_user):

    def add_messages(count):
        Message.objects.bulk_create(
            Message(ticket=ticket, author_kind=("client", "manager")[i % 2], text=f"Текст {i}",
                    author_user=manager_user if i % 2 else None, is_internal=i % 4 == 3,
                    source="admin")
            for i in range(count)
        )

    add_messages(5)
    services.ticket_change_status(ticket=ticket, status=Status.IN_PROGRESS, source="admin")
    path = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    with_5 = count_queries(manager_client, path)

    add_messages(195)

    assert count_queries(manager_client, path) == with_5


@pytest.mark.parametrize("value", ["²", "9" * 25, str(2**63 - 1), str(2**31), "-1", "1.5", "٣"],
                         ids=["superscript", "25-digits", "largest-bigint", "past-int32",
                              "negative", "decimal", "arabic-digit"])
def test_assignee_that_is_no_user_id_shows_nothing_instead_of_failing(manager_client, ticket,
                                                                      value):
    response = manager_client.get(CHANGELIST, {"assignee": value})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
