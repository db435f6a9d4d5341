"""Every tickets admin page answers, for a superuser and for a staff user who is
only in the «Менеджеры» group (``manager_client``, from conftest.py); the
read-only admins. The group itself: test_permissions.py.
"""

import io
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tickets import services
from tickets.models import Client, Department, Message, OneTimeCode, StatusChange, Tag, Ticket
from tickets.permissions import MANAGERS_GROUP

from .admin_helpers import logged_in_as

pytestmark = pytest.mark.django_db

CODE_HASH = "pbkdf2_sha256$600000$s3cr3tsalt$c29tZS1rZXllZC1oYXNoLW9mLXRoZS1jb2Rl"
MODELS = [Ticket, Client, Department, Tag, StatusChange, OneTimeCode]


@pytest.fixture
def superuser_client(db):
    return logged_in_as(get_user_model().objects.create_superuser(username="boss", email=""))


@pytest.fixture(params=["superuser", "manager"])
def staff_client(request):
    return request.getfixturevalue(f"{request.param}_client")


@pytest.fixture
def objects(portal_client, make_ticket, make_message, tag, manager_user):
    """One of each thing the admin shows, linked the way real data is."""
    ticket = make_ticket(portal_client, tag=tag)
    services.ticket_assign(ticket=ticket, assignee=manager_user)
    # Taken in progress before the reply, so the reply moves nothing (one history row).
    change = services.ticket_change_status(ticket=ticket, status=Ticket.Status.IN_PROGRESS,
                                           source=Message.Source.ADMIN,
                                           actor_name="Ирина Смирнова")
    make_message(ticket, "Печать не работает", author_kind=Message.AuthorKind.CLIENT,
                 source=Message.Source.PORTAL)
    make_message(ticket, "Проверяем", author_name="Ирина Смирнова")
    make_message(ticket, "Похоже на драйвер", author_name="Ирина Смирнова", is_internal=True)
    Department.objects.create(name="Бухгалтерия", slug="billing")  # a filter needs two choices
    now = timezone.now()
    code = OneTimeCode.objects.create(phone=portal_client.phone, code_hash=CODE_HASH,
                                      ip="203.0.113.5", expires_at=now + timedelta(minutes=5))
    return {Ticket: ticket, Client: portal_client, Department: ticket.department, Tag: tag,
            StatusChange: change, OneTimeCode: code}


SEARCH_TERMS = {Ticket: "печать", Client: "Алексей", Department: "support", Tag: "bug",
                StatusChange: "Смирнова", OneTimeCode: "8 (999) 123-45-67"}


def url(model, view, *args):
    return reverse(f"admin:tickets_{model._meta.model_name}_{view}", args=args)


def model_id(model):
    return model._meta.model_name


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_changelist_answers_200_and_lists_the_object(staff_client, objects, model):
    response = staff_client.get(url(model, "changelist"))

    assert response.status_code == 200
    assert objects[model] in response.context["cl"].result_list


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_search_answers_200_and_finds_the_object(staff_client, objects, model):
    response = staff_client.get(url(model, "changelist"), {"q": SEARCH_TERMS[model]})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [objects[model]]


def test_client_search_by_typed_phone_finds_the_client_with_its_ticket_count(staff_client,
                                                                             objects):
    response = staff_client.get(url(Client, "changelist"), {"q": "8 (999) 123-45-67"})

    found = list(response.context["cl"].result_list)
    assert found == [objects[Client]]
    assert found[0].tickets_total == 1


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_search_for_something_absent_answers_200_with_nothing(staff_client, objects, model):
    response = staff_client.get(url(model, "changelist"), {"q": "нет-такого-12345"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def filter_links(staff_client, model):
    """Every choice of every list filter, as the changelist renders its links."""
    response = staff_client.get(url(model, "changelist"))
    changelist = response.context["cl"]
    return [choice["query_string"] for spec in changelist.filter_specs
            for choice in spec.choices(changelist)]


@pytest.mark.parametrize("model", [Ticket, Department, Tag, StatusChange], ids=model_id)
def test_every_filter_value_answers_200(staff_client, objects, model):
    links = filter_links(staff_client, model)
    assert len(links) > 2

    for query_string in links:
        response = staff_client.get(url(model, "changelist") + query_string)
        assert response.status_code == 200, query_string


def test_ticket_filters_offer_mine_unassigned_open_and_each_status(staff_client, objects):
    links = filter_links(staff_client, Ticket)

    for expected in ["assignee=me", "assignee=none", "open=yes", "open=no", "open=all",
                     "sla=overdue", "sla=at_risk", "turn=us", "turn=client",
                     *[f"status__exact={code}" for code in Ticket.Status.values],
                     *[f"criticality__exact={code}" for code in Ticket.Criticality.values],
                     f"department__id__exact={objects[Department].pk}",
                     f"tag__id__exact={objects[Tag].pk}", "tag__isnull=True"]:
        assert any(expected in link for link in links), expected


# Not the ticket queue: its date links would read every ticket (tickets/admin/tickets.py).
@pytest.mark.parametrize("model", [StatusChange, OneTimeCode], ids=model_id)
def test_date_hierarchy_drill_down_answers_200(staff_client, objects, model):
    field = admin.site.get_model_admin(model).date_hierarchy
    today = timezone.localdate()
    params = {f"{field}__year": today.year}

    for part, value in [("month", today.month), ("day", today.day)]:
        params[f"{field}__{part}"] = value
        response = staff_client.get(url(model, "changelist"), params)
        assert response.status_code == 200, params
        assert list(response.context["cl"].result_list) == [objects[model]]


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_change_page_answers_200(staff_client, objects, model):
    response = staff_client.get(url(model, "change", objects[model].pk))

    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=model_id)
def test_history_page_answers_200(staff_client, objects, model):
    response = staff_client.get(url(model, "history", objects[model].pk))

    assert response.status_code == 200


@pytest.mark.parametrize("model", [Ticket, Client], ids=model_id)
def test_every_sortable_column_answers_200_both_ways(staff_client, objects, model):
    columns = len(staff_client.get(url(model, "changelist")).context["cl"].list_display)

    for order in [f"{sign}{index}" for index in range(columns) for sign in ("", "-")]:
        response = staff_client.get(url(model, "changelist"), {"o": order})
        assert response.status_code == 200, order
        assert objects[model] in response.context["cl"].result_list


@pytest.mark.parametrize("model", [Ticket, Client, StatusChange, OneTimeCode], ids=model_id)
def test_add_page_is_forbidden(staff_client, model):
    assert staff_client.get(url(model, "add")).status_code == 403


def test_superuser_can_open_directory_add_pages(superuser_client):
    for model in (Department, Tag):
        assert superuser_client.get(url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", [StatusChange, OneTimeCode], ids=model_id)
def test_read_only_admin_refuses_change_post(staff_client, objects, model):
    obj = objects[model]
    before = model.objects.filter(pk=obj.pk).values().get()

    response = staff_client.post(url(model, "change", obj.pk),
                                 {**{k: v for k, v in before.items() if v is not None},
                                  "actor_name": "Взлом", "attempts": 3})

    assert response.status_code == 403
    assert model.objects.filter(pk=obj.pk).values().get() == before


@pytest.mark.parametrize("model", [StatusChange, OneTimeCode], ids=model_id)
def test_read_only_admin_offers_no_delete(staff_client, objects, model):
    obj = objects[model]

    assert staff_client.get(url(model, "delete", obj.pk)).status_code == 403
    assert staff_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    changelist = staff_client.get(url(model, "changelist"))
    assert "delete_selected" not in changelist.content.decode()
    assert model.objects.filter(pk=obj.pk).exists()


def test_manager_cannot_delete_a_ticket(manager_client, objects):
    ticket = objects[Ticket]

    assert manager_client.post(url(Ticket, "delete", ticket.pk), {"post": "yes"}).status_code == 403
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_one_time_code_admin_never_shows_the_code_hash(staff_client, objects):
    code = objects[OneTimeCode]
    pages = [url(OneTimeCode, "changelist"), url(OneTimeCode, "change", code.pk),
             url(OneTimeCode, "changelist") + "?q=%2B79991234567",
             url(OneTimeCode, "history", code.pk)]

    for page in pages:
        response = staff_client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert CODE_HASH not in body and "s3cr3tsalt" not in body, page
        assert "code_hash" not in body, page


def test_seed_demo_manager_is_in_managers_group_and_not_superuser():
    call_command("seed_demo", stdout=io.StringIO())

    manager = get_user_model().objects.get(username="manager")
    assert manager.groups.filter(name=MANAGERS_GROUP).exists()
    assert manager.is_staff and not manager.is_superuser
    assert manager.has_perm("tickets.change_ticket")
