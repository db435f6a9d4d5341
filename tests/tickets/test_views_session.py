"""Where login leads (``next``), logout, and the login wall in front of client pages."""

import pytest

from tickets.models import Message, Ticket
from tickets.selectors import SESSION_CLIENT_KEY

from .test_views_login import PHONE, _last_code, _log_in, _next_in_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("next_url", ["/tickets/new/", "/tickets/?status=resolved"])
def test_login_returns_to_a_same_site_next_path(client, sms_outbox, next_url):
    response = _log_in(client, sms_outbox, next_url=next_url)

    assert response["Location"] == next_url


@pytest.mark.parametrize("next_url", [
    "https://evil.example/", "//evil.example/tickets/", "http://evil.example/tickets/",
    "javascript:alert(1)", "https:///evil.example/",
])
def test_login_ignores_a_next_url_leading_off_site(client, sms_outbox, next_url):
    response = _log_in(client, sms_outbox, next_url=next_url)

    assert response["Location"] == "/tickets/"


def test_anonymous_visitor_comes_back_to_the_page_after_login(client, sms_outbox):
    first = client.get("/tickets/new/")
    assert first["Location"] == "/login/?next=/tickets/new/"
    login_page = client.get(first["Location"])
    client.post("/login/", {"phone": PHONE, "next": _next_in_form(login_page)})

    response = client.post("/login/verify/", {"code": _last_code(sms_outbox)})

    assert response["Location"] == "/tickets/new/"


def test_anonymous_visitor_keeps_the_list_filter_through_login(client, sms_outbox):
    first = client.get("/tickets/", {"status": "resolved"})
    assert first["Location"] == "/login/?next=/tickets/%3Fstatus%3Dresolved"
    login_page = client.get(first["Location"])
    client.post("/login/", {"phone": PHONE, "next": _next_in_form(login_page)})

    response = client.post("/login/verify/", {"code": _last_code(sms_outbox)})

    assert response["Location"] == "/tickets/?status=resolved"


@pytest.mark.parametrize("action", ["comment", "rate"])
def test_anonymous_form_post_on_a_card_comes_back_to_the_card_after_login(
    client, sms_outbox, make_client, make_ticket, action
):
    ticket = make_ticket(make_client(phone=PHONE))
    first = client.post(f"/tickets/{ticket.pk}/{action}/", {"text": "Привет", "rating": "5"})
    assert first["Location"] == f"/login/?next=/tickets/{ticket.pk}/"
    login_page = client.get(first["Location"])
    client.post("/login/", {"phone": PHONE, "next": _next_in_form(login_page)})

    response = client.post("/login/verify/", {"code": _last_code(sms_outbox)}, follow=True)

    assert response.redirect_chain[-1][0] == f"/tickets/{ticket.pk}/"
    assert response.status_code == 200


def test_logged_in_client_opening_login_goes_to_the_list(logged_in):
    response = logged_in.get("/login/")

    assert response.status_code == 302
    assert response["Location"] == "/tickets/"


def test_logout_flushes_the_session(logged_in):
    key_before = logged_in.session.session_key

    response = logged_in.post("/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert SESSION_CLIENT_KEY not in logged_in.session
    assert logged_in.session.session_key != key_before


def test_after_logout_the_ticket_list_asks_to_log_in(logged_in):
    logged_in.post("/logout/")

    response = logged_in.get("/tickets/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/tickets/"


def test_logout_by_get_is_405_and_keeps_the_session(logged_in, portal_client):
    response = logged_in.get("/logout/")

    assert response.status_code == 405
    assert logged_in.session[SESSION_CLIENT_KEY] == portal_client.pk


@pytest.mark.parametrize("method, path, data", [
    ("get", "/tickets/", {}),
    ("get", "/tickets/new/", {}),
    ("post", "/tickets/new/", {"title": "Аноним", "description": "Текст"}),
    ("get", "/tickets/{id}/", {}),
    ("post", "/tickets/{id}/comment/", {"text": "Аноним пишет"}),
    ("post", "/tickets/{id}/rate/", {"rating": "5"}),
])
def test_anonymous_visitor_is_sent_to_login_and_nothing_changes(
    client, make_ticket, portal_client, method, path, data
):
    ticket = make_ticket(portal_client)
    path = path.format(id=ticket.pk)

    response = getattr(client, method)(path, data)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert ticket.title not in response.content.decode()
    # Back after logging in: the page asked for; from a comment or rating, the card.
    back = f"/tickets/{ticket.pk}/" if path.endswith(("/comment/", "/rate/")) else path
    assert response["Location"] == f"/login/?next={back}"
    assert Ticket.objects.count() == 1
    assert not Message.objects.exists()
    ticket.refresh_from_db()
    assert ticket.rating is None
