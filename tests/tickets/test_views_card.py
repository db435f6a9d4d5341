"""The ticket card: fields, dialog, status history, commenting and rating."""

import re

import pytest

from tickets import services
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db

Status = Ticket.Status


def _html(response):
    return response.content.decode()


def _set_status(ticket, status):
    services.ticket_change_status(ticket=ticket, status=status, source="admin")
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def ticket(make_ticket, portal_client, tag):
    return make_ticket(portal_client, title="Не приходит счёт", tag=tag,
                       description="Второй месяц подряд.", criticality="high")


# --- the card --------------------------------------------------------------------------------


def test_card_shows_the_tickets_fields(logged_in, ticket):
    response = logged_in.get(f"/tickets/{ticket.pk}/")

    html = _html(response)
    assert response.status_code == 200
    assert f"#{ticket.pk} Не приходит счёт" in html
    assert "Второй месяц подряд." in html
    assert "<dd>Высокая</dd>" in html
    assert f"<dd>{ticket.department.name}</dd>" in html
    assert f"<dd>{ticket.tag.name}</dd>" in html
    assert '<span class="badge badge--new" id="status">Новая</span>' in html


def test_card_shows_the_dialog_without_internal_notes(logged_in, ticket, make_message):
    make_message(ticket, text="Проверяем вашу учётную запись.")
    make_message(ticket, text="Клиент, похоже, не платил", is_internal=True)
    make_message(ticket, text="Спасибо, жду.", author_kind=Message.AuthorKind.CLIENT,
                 source=Message.Source.PORTAL)

    html = _html(logged_in.get(f"/tickets/{ticket.pk}/"))

    assert "Проверяем вашу учётную запись." in html
    assert "Спасибо, жду." in html
    assert "Клиент, похоже, не платил" not in html


def test_card_shows_the_status_history_in_russian(logged_in, ticket):
    _set_status(ticket, Status.IN_PROGRESS)
    _set_status(ticket, Status.WAITING)

    html = _html(logged_in.get(f"/tickets/{ticket.pk}/"))

    assert "заявка создана" in html
    assert "Новая → <strong>В работе</strong>" in html
    assert "В работе → <strong>Ждём вашего ответа</strong>" in html  # the client's label


# --- comments --------------------------------------------------------------------------------


def test_comment_is_stored_from_the_portal_and_the_card_reopens(logged_in, ticket):
    response = logged_in.post(f"/tickets/{ticket.pk}/comment/", {"text": "  Счёт так и не пришёл "})

    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.pk}/#last"
    assert (message.ticket, message.text, message.author_kind, message.source) == (
        ticket, "Счёт так и не пришёл", Message.AuthorKind.CLIENT, Message.Source.PORTAL)
    assert message.is_internal is False


def test_comment_appears_in_the_dialog(logged_in, ticket):
    response = logged_in.post(f"/tickets/{ticket.pk}/comment/", {"text": "Счёт так и не пришёл"},
                              follow=True)

    assert response.status_code == 200
    assert "Счёт так и не пришёл" in _html(response)
    assert "Сообщение отправлено." in _html(response)


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_empty_comment_is_a_400_with_the_error_and_nothing_stored(logged_in, ticket, text):
    response = logged_in.post(f"/tickets/{ticket.pk}/comment/", {"text": text})

    assert response.status_code == 400
    assert ('<p class="field__error" id="id_text_error">Напишите сообщение или приложите файл.</p>'
            in _html(response))
    assert not Message.objects.exists()


def test_comment_on_a_resolved_ticket_reopens_it(logged_in, ticket):
    _set_status(ticket, Status.RESOLVED)

    response = logged_in.post(f"/tickets/{ticket.pk}/comment/", {"text": "Снова не работает"},
                              follow=True)

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert '<span class="badge badge--in_progress" id="status">В работе</span>' in _html(response)


def test_comment_on_a_closed_ticket_is_a_400_with_the_russian_reason(logged_in, ticket):
    _set_status(ticket, Status.CLOSED)

    response = logged_in.post(f"/tickets/{ticket.pk}/comment/", {"text": "А можно ещё вопрос?"})

    html = _html(response)
    assert response.status_code == 400
    assert "Заявка закрыта, ответить в ней нельзя." in html
    assert "А можно ещё вопрос?" in html  # what was typed is not lost
    assert not Message.objects.exists()


def test_closed_ticket_card_has_no_comment_form(logged_in, ticket):
    _set_status(ticket, Status.CLOSED)

    html = _html(logged_in.get(f"/tickets/{ticket.pk}/"))

    assert f'action="/tickets/{ticket.pk}/comment/"' not in html
    assert "Заявка закрыта." in html


def test_comment_of_100_kb_is_a_400_and_nothing_stored(logged_in, ticket):
    response = logged_in.post(f"/tickets/{ticket.pk}/comment/", {"text": "Я" * 100_000})

    assert response.status_code == 400
    assert "Сообщение не длиннее 10000 символов." in _html(response)
    assert not Message.objects.exists()


def test_comment_with_a_nul_byte_is_a_4xx_not_a_500(logged_in, ticket):
    response = logged_in.post(f"/tickets/{ticket.pk}/comment/", {"text": "до\x00после"})

    assert 400 <= response.status_code < 500
    assert not Message.objects.exists()


# --- rating ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status, shown", [
    (Status.NEW, False), (Status.IN_PROGRESS, False), (Status.WAITING, False),
    (Status.RESOLVED, True), (Status.CLOSED, True),
])
def test_rating_form_is_shown_only_on_resolved_or_closed_tickets(logged_in, ticket, status,
                                                                 shown):
    if status != Status.NEW:
        _set_status(ticket, status)

    html = _html(logged_in.get(f"/tickets/{ticket.pk}/"))

    assert (f'action="/tickets/{ticket.pk}/rate/#rating"' in html) is shown


def test_rating_an_open_ticket_is_a_400_that_says_why(logged_in, ticket):
    response = logged_in.post(f"/tickets/{ticket.pk}/rate/", {"rating": "5"})

    assert response.status_code == 400
    assert "Оценить заявку можно, когда она решена или закрыта." in _html(response)
    ticket.refresh_from_db()
    assert ticket.rating is None


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED])
def test_valid_rating_is_stored(logged_in, ticket, status):
    _set_status(ticket, status)

    response = logged_in.post(f"/tickets/{ticket.pk}/rate/",
                              {"rating": "4", "comment": " Быстро, спасибо "})

    ticket.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.pk}/#rating"
    assert (ticket.rating, ticket.rating_comment) == (4, "Быстро, спасибо")


def test_card_shows_the_given_rating_as_chosen(logged_in, ticket):
    _set_status(ticket, Status.RESOLVED)
    logged_in.post(f"/tickets/{ticket.pk}/rate/", {"rating": "4"})

    html = _html(logged_in.get(f"/tickets/{ticket.pk}/"))

    assert re.search(r'<input type="radio" name="rating" value="4"[^>]*\bchecked', html)
    assert len(re.findall(r'name="rating"[^>]*\bchecked', html)) == 1
    assert "Изменить оценку" in html


@pytest.mark.parametrize("rating", ["0", "6", "x", "", "4.5", "-1", "\x00"])
def test_rating_out_of_one_to_five_is_a_400_in_russian(logged_in, ticket, rating):
    _set_status(ticket, Status.RESOLVED)

    response = logged_in.post(f"/tickets/{ticket.pk}/rate/", {"rating": rating})

    assert response.status_code == 400
    assert "Выберите оценку от 1 до 5." in _html(response)
    ticket.refresh_from_db()
    assert ticket.rating is None


def test_rating_comment_of_100_kb_is_a_400_and_the_rating_not_stored(logged_in, ticket):
    _set_status(ticket, Status.RESOLVED)

    response = logged_in.post(f"/tickets/{ticket.pk}/rate/",
                              {"rating": "5", "comment": "Я" * 100_000})

    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.rating is None


# --- malformed addresses ---------------------------------------------------------------------


@pytest.mark.parametrize("method, path", [
    ("get", "/tickets/abc/"), ("get", "/tickets/-1/"), ("get", "/tickets/1.5/"),
    ("post", "/tickets/abc/comment/"), ("post", "/tickets/abc/rate/"),
    ("get", "/tickets/" + "9" * 30 + "/"), ("post", "/tickets/" + "9" * 30 + "/comment/"),
    ("post", "/tickets/" + "9" * 30 + "/rate/"),
])
def test_malformed_or_huge_ticket_id_is_a_404(logged_in, method, path):
    response = getattr(logged_in, method)(path, {"text": "Привет", "rating": "5"})

    assert response.status_code == 404
    assert not Message.objects.exists()
