"""The client's list: what needs them first, the last message, «Новый ответ», tabs."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tickets import services
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db

Status = Ticket.Status


def _html(response):
    return response.content.decode()


def _titles(html):
    return re.findall(r'<span class="ticket-row__title">#\d+ ([^<]+)</span>', html)


def _set_status(ticket, status):
    services.ticket_change_status(ticket=ticket, status=status, source="admin")


def test_tickets_waiting_for_the_client_come_first_with_the_clients_label(
        logged_in, portal_client, make_ticket):
    waiting = make_ticket(portal_client, title="Ждёт клиента")
    _set_status(waiting, Status.WAITING)
    make_ticket(portal_client, title="Новее, но ждёт нас")  # updated later

    html = _html(logged_in.get("/tickets/"))

    assert _titles(html) == ["Ждёт клиента", "Новее, но ждёт нас"]
    assert '<span class="badge badge--waiting">Ждём вашего ответа</span>' in html
    assert "Ожидает ответа клиента" not in html


def test_the_api_keeps_the_design_label_for_waiting(api, portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    _set_status(ticket, Status.WAITING)

    assert api.get(f"/manager/tickets/{ticket.pk}").json()["status_label"] == \
        "Ожидает ответа клиента"
    assert Ticket.client_status_label("waiting") == "Ждём вашего ответа"
    assert Ticket.client_status_label("new") == "Новая"


def test_each_row_previews_the_last_public_message_never_a_note(
        logged_in, portal_client, make_ticket, make_message):
    answered = make_ticket(portal_client, title="С ответом")
    make_message(answered, "Уточните номер договора, пожалуйста", author_name="Ирина")
    make_message(answered, "Секретная заметка", is_internal=True)
    mine = make_ticket(portal_client, title="С моим сообщением")
    make_message(mine, "Договор 42-17", author_kind=Message.AuthorKind.CLIENT,
                 source=Message.Source.PORTAL)

    html = _html(logged_in.get("/tickets/"))

    assert "Ирина: Уточните номер договора, пожалуйста" in html
    assert "Вы: Договор 42-17" in html
    assert "Секретная заметка" not in html


def test_a_long_last_message_is_cut_with_an_ellipsis(logged_in, portal_client, make_ticket,
                                                     make_message):
    make_message(make_ticket(portal_client), "слово " * 200)

    preview = re.search(r'ticket-row__preview">([^<]+)<', _html(logged_in.get("/tickets/")))

    assert preview.group(1).endswith("…") and len(preview.group(1)) < 140


def test_new_reply_is_marked_until_the_client_opens_the_card(
        logged_in, portal_client, make_ticket, make_message):
    ticket = make_ticket(portal_client)
    assert "Новый ответ" not in _html(logged_in.get("/tickets/"))  # the client's own text

    make_message(ticket, "Посмотрите, пожалуйста, ещё раз")
    html = _html(logged_in.get("/tickets/"))
    assert '<span class="badge badge--news">Новый ответ</span>' in html
    assert f'href="/tickets/{ticket.pk}/#last"' in html  # opens at the reply

    logged_in.get(f"/tickets/{ticket.pk}/")

    assert "Новый ответ" not in _html(logged_in.get("/tickets/"))


def test_the_clients_own_reply_is_not_new(logged_in, portal_client, make_ticket, make_message):
    ticket = make_ticket(portal_client)
    make_message(ticket, "Ответ менеджера")
    make_message(ticket, "Мой ответ", author_kind=Message.AuthorKind.CLIENT,
                 source=Message.Source.PORTAL)

    assert "Новый ответ" not in _html(logged_in.get("/tickets/"))


def test_opening_the_card_is_one_update_of_client_seen_at_and_keeps_updated_at(
        logged_in, portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    Ticket.objects.filter(pk=ticket.pk).update(client_seen_at=None)
    updated_at = Ticket.objects.get(pk=ticket.pk).updated_at

    with CaptureQueriesContext(connection) as queries:
        logged_in.get(f"/tickets/{ticket.pk}/")

    updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")
               and "tickets_ticket" in q["sql"]]
    assert len(updates) == 1 and "client_seen_at" in updates[0]
    ticket.refresh_from_db()
    assert ticket.client_seen_at is not None
    assert ticket.updated_at == updated_at


def test_the_card_marks_the_replies_that_were_new(logged_in, portal_client, make_ticket,
                                                  make_message):
    ticket = make_ticket(portal_client)
    make_message(ticket, "Новый ответ менеджера")

    first = _html(logged_in.get(f"/tickets/{ticket.pk}/"))
    again = _html(logged_in.get(f"/tickets/{ticket.pk}/"))

    assert "msg--new" in first and "msg--new" not in again


def test_tabs_open_by_default_closed_on_request_with_counts(logged_in, portal_client,
                                                          make_ticket):
    make_ticket(portal_client, title="Открытая")
    _set_status(make_ticket(portal_client, title="Решённая"), Status.RESOLVED)
    _set_status(make_ticket(portal_client, title="Закрытая"), Status.CLOSED)

    open_html = _html(logged_in.get("/tickets/"))
    done_html = _html(logged_in.get("/tickets/", {"status": "done"}))

    assert _titles(open_html) == ["Открытая"]
    assert sorted(_titles(done_html)) == ["Закрытая", "Решённая"]
    assert re.search(r'Открытые <span class="tabs__count">1</span>', open_html)
    assert re.search(r'Закрытые <span class="tabs__count">2</span>', open_html)
    assert 'aria-current="page"' in open_html
    # The contract's ?status=<code> still narrows to one status.
    assert _titles(_html(logged_in.get("/tickets/", {"status": "closed"}))) == ["Закрытая"]


def test_no_open_tickets_points_to_the_closed_ones(logged_in, portal_client, make_ticket):
    _set_status(make_ticket(portal_client), Status.CLOSED)

    html = _html(logged_in.get("/tickets/"))

    assert "Открытых заявок нет" in html and 'href="?status=done"' in html


def test_rows_say_relative_times_with_the_exact_time_in_a_title(
        logged_in, portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now() - timedelta(minutes=5))

    html = _html(logged_in.get("/tickets/"))

    assert re.search(r'<time datetime="[^"]+\+03:00" title="\d\d\.\d\d\.\d{4} \d\d:\d\d МСК">'
                     r"5 минут назад</time>", html)


def test_list_with_previews_makes_as_many_queries_for_40_rows_as_for_3(
        logged_in, portal_client, make_ticket, make_message, django_assert_num_queries,
        settings):
    settings.CLIENT_TICKETS_HOURLY_LIMIT = 100

    def add(count):
        for _ in range(count):
            ticket = make_ticket(portal_client)
            make_message(ticket, "Ответ")
            make_message(ticket, "Заметка", is_internal=True)

    add(3)
    logged_in.get("/tickets/")  # warm-up
    with CaptureQueriesContext(connection) as few:
        logged_in.get("/tickets/")
    add(37)

    with django_assert_num_queries(len(few)):
        html = _html(logged_in.get("/tickets/"))
    assert html.count("Ирина: Ответ") == 20


def test_reopening_the_card_within_a_minute_writes_nothing_unless_a_reply_came(
        logged_in, portal_client, make_ticket, make_message):
    ticket = make_ticket(portal_client)  # filed just now: seen just now

    def updates():
        with CaptureQueriesContext(connection) as queries:
            logged_in.get(f"/tickets/{ticket.pk}/")
        return [q for q in queries if q["sql"].startswith("UPDATE")]

    assert updates() == []
    make_message(ticket, "Ответ менеджера")
    assert len(updates()) == 1
    assert updates() == []
