"""Erasure from both ends: the client asks on «Мои данные», a lead confirms in admin."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client as HttpClient
from django.urls import reverse

from tickets import services
from tickets.models import Client, ErasureRequest
from tickets.selectors import SESSION_CLIENT_KEY

from .admin_helpers import logged_in_as
from .data_fixtures import attachments, store  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/tickets/erasurerequest/"


def test_asking_takes_a_confirmation_step(logged_in, portal_client):
    page = logged_in.get("/me/erase/")
    assert page.status_code == 200
    assert 'name="confirm"' in page.content.decode()

    refused = logged_in.post("/me/erase/", {})

    assert refused.status_code == 400
    assert "Отметьте, что вы понимаете последствия" in refused.content.decode()
    assert not ErasureRequest.objects.exists()


def test_a_confirmed_ask_is_recorded_and_shown_as_pending(logged_in, portal_client):
    response = logged_in.post("/me/erase/", {"confirm": "on"}, follow=True)

    assert response.redirect_chain == [("/me/", 302)]
    html = response.content.decode()
    assert "Запрос на удаление данных принят" in html
    assert 'id="erase-status"' in html
    [erasure] = ErasureRequest.objects.all()
    assert (erasure.client, erasure.confirmed_at) == (portal_client, None)
    logged_in.post("/me/erase/", {"confirm": "on"})
    assert ErasureRequest.objects.count() == 1  # asking twice is one request


def test_asking_needs_the_csrf_token(portal_client):
    http = HttpClient(enforce_csrf_checks=True)
    session = http.session
    session[SESSION_CLIENT_KEY] = portal_client.pk
    session.save()

    assert http.post("/me/erase/", {"confirm": "on"}).status_code == 403
    assert not ErasureRequest.objects.exists()


@pytest.fixture
def pending(make_client):
    """Two requests: Алексей's waits, Борис's (asked later) is done."""
    alexey, boris = make_client(name="Алексей"), make_client(name="Борис")
    waiting = services.erasure_request(client=alexey)
    done = services.erasure_request(client=boris)
    boss = get_user_model().objects.create_superuser(username="root", email="")
    services.client_erase(erasure=done, by=boss)
    return waiting, done


@pytest.fixture
def eraser(db):
    """A lead: staff with nothing but ``tickets.erase_client``."""
    user = get_user_model().objects.create_user(username="lead", first_name="Ольга",
                                                is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="erase_client"))
    return logged_in_as(user)


def test_the_list_shows_pending_first_and_the_record(eraser, pending):
    waiting, done = pending

    html = eraser.get(CHANGELIST).content.decode()

    assert html.index(f"#{waiting.client_id} Алексей") < html.index(f"#{done.client_id} Данные удалены")
    assert "ждёт подтверждения" in html and "выполнен" in html
    assert "confirm_erasure" in html
    record = eraser.get(reverse("admin:tickets_erasurerequest_change", args=[done.pk]))
    assert record.status_code == 200
    assert "root" in record.content.decode()


def test_confirming_asks_first_then_erases_and_records_who(eraser, pending, store):  # noqa: F811
    waiting, _done = pending
    form = {"action": "confirm_erasure", "_selected_action": [waiting.pk]}

    question = eraser.post(CHANGELIST, form)

    assert question.status_code == 200
    assert "Да, удалить данные" in question.content.decode()
    assert ErasureRequest.objects.get(pk=waiting.pk).confirmed_at is None

    done = eraser.post(CHANGELIST, {**form, "confirm": "yes"}, follow=True)

    assert "Данные удалены: клиентов — 1" in done.content.decode()
    waiting.refresh_from_db()
    assert waiting.confirmed_at is not None and waiting.confirmed_by_name == "Ольга"
    assert Client.objects.get(pk=waiting.client_id).erased_at is not None


def test_a_manager_of_the_group_cannot_erase(manager_client, pending):
    waiting, _done = pending

    assert manager_client.get(CHANGELIST).status_code == 403
    manager_client.post(CHANGELIST, {"action": "confirm_erasure", "confirm": "yes",
                                     "_selected_action": [waiting.pk]})
    assert ErasureRequest.objects.get(pk=waiting.pk).confirmed_at is None


def test_an_erased_client_cannot_be_edited_in_admin(eraser, pending, manager_client):
    _waiting, done = pending

    page = manager_client.get(reverse("admin:tickets_client_change", args=[done.client_id]))

    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()
