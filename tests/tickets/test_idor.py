"""Another client's ticket does not exist for you: 404 on every ticket URL, nothing changes."""

import re

import pytest

from tickets import services
from tickets.models import Message, StatusChange, Ticket
from tickets.selectors import SESSION_CLIENT_KEY

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Секретная заявка Анны"
SECRET_TEXT = "Пароль от склада 4711"

TICKET_URLS = [
    ("get", "/tickets/{id}/", {}),
    ("post", "/tickets/{id}/comment/", {"text": "Чужой пишет"}),
    ("post", "/tickets/{id}/rate/", {"rating": "1", "comment": "Чужой оценил"}),
]


@pytest.fixture
def anna(make_client):
    return make_client(name="Анна")


@pytest.fixture
def annas_ticket(anna, make_ticket, make_message):
    """Resolved, so that a comment would reopen it and a rating would be accepted."""
    ticket = make_ticket(anna, title=SECRET_TITLE, description=SECRET_TEXT)
    make_message(ticket, text="Ответ менеджера Анне")
    services.ticket_change_status(ticket=ticket, status=Ticket.Status.RESOLVED, source="admin")
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def boris(make_client, make_ticket):
    boris = make_client(name="Борис")
    make_ticket(boris, title="Заявка Бориса")
    return boris


def _logged_in_as(client, who):
    session = client.session
    session[SESSION_CLIENT_KEY] = who.pk
    session.save()
    return client


def _call(client, method, path, data, ticket_id):
    return getattr(client, method)(path.format(id=ticket_id), data)


def _without_csrf_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.parametrize("method, path, data", TICKET_URLS)
def test_owner_reaches_their_own_ticket(client, anna, annas_ticket, method, path, data):
    """The control: the URLs are right, so the 404s below are about ownership."""
    response = _call(_logged_in_as(client, anna), method, path, data, annas_ticket.pk)

    assert response.status_code in (200, 302)
    # A page, or a POST done and back on the card: never sent to log in.
    if method == "get":
        assert response.status_code == 200
        assert SECRET_TITLE in response.content.decode()
    else:
        assert response.status_code == 302
        anchor = "#last" if "comment" in path else "#rating"
        assert response["Location"] == f"/tickets/{annas_ticket.pk}/{anchor}"


@pytest.mark.parametrize("method, path, data", TICKET_URLS)
def test_another_clients_ticket_is_a_404_without_its_data(client, boris, annas_ticket,
                                                          method, path, data):
    response = _call(_logged_in_as(client, boris), method, path, data, annas_ticket.pk)

    assert response.status_code == 404
    assert SECRET_TITLE not in response.content.decode()
    assert SECRET_TEXT not in response.content.decode()


def test_another_clients_attempts_change_nothing(client, boris, annas_ticket):
    messages_before = list(Message.objects.values_list("pk", flat=True))
    changes_before = StatusChange.objects.count()
    _logged_in_as(client, boris)

    for method, path, data in TICKET_URLS:
        _call(client, method, path, data, annas_ticket.pk)

    ticket = Ticket.objects.get(pk=annas_ticket.pk)
    assert list(Message.objects.values_list("pk", flat=True)) == messages_before
    assert StatusChange.objects.count() == changes_before
    assert (ticket.status, ticket.rating, ticket.rating_comment) == (
        Ticket.Status.RESOLVED, None, "")
    assert ticket.updated_at == annas_ticket.updated_at


@pytest.mark.parametrize("method, path, data", TICKET_URLS)
def test_nonexistent_ticket_is_a_404(client, boris, annas_ticket, method, path, data):
    missing_id = Ticket.objects.order_by("-pk").first().pk + 1000

    response = _call(_logged_in_as(client, boris), method, path, data, missing_id)

    assert response.status_code == 404


@pytest.mark.parametrize("method, path, data", TICKET_URLS)
def test_another_clients_ticket_looks_exactly_like_a_missing_one(client, boris, annas_ticket,
                                                                 method, path, data):
    _logged_in_as(client, boris)
    missing_id = Ticket.objects.order_by("-pk").first().pk + 1000

    foreign = _call(client, method, path, data, annas_ticket.pk)
    missing = _call(client, method, path, data, missing_id)

    assert foreign.status_code == missing.status_code == 404
    assert (_without_csrf_tokens(foreign.content.decode())
            == _without_csrf_tokens(missing.content.decode()))


@pytest.mark.parametrize("method, path, data", TICKET_URLS)
def test_anonymous_visitor_gets_a_login_redirect_not_data(client, annas_ticket,
                                                          method, path, data):
    response = _call(client, method, path, data, annas_ticket.pk)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert SECRET_TITLE not in response.content.decode()


@pytest.mark.parametrize("method, path, data", TICKET_URLS)
def test_a_session_whose_client_is_gone_is_asked_to_log_in(client, make_client, annas_ticket,
                                                            method, path, data):
    gone = make_client(name="Удалённый")
    _logged_in_as(client, gone)
    gone.delete()

    response = _call(client, method, path, data, annas_ticket.pk)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/tickets/{annas_ticket.pk}/"
    assert SECRET_TITLE not in response.content.decode()


def test_another_clients_ticket_is_not_in_the_list_under_any_filter(client, boris,
                                                                    annas_ticket):
    _logged_in_as(client, boris)

    for status in ["", *Ticket.Status.values]:
        response = client.get("/tickets/", {"status": status})
        assert SECRET_TITLE not in response.content.decode(), status
        # Boris's own list did render (his one ticket is new).
        assert response.status_code == 200, status
        assert ("Заявка Бориса" in response.content.decode()) == (status in ("", "new")), status
