"""The client's ticket list and the new-ticket form."""

import re

import pytest
from django.urls import reverse

from tickets import services
from tickets.models import Department, Tag, Ticket

pytestmark = pytest.mark.django_db

Status = Ticket.Status


def _html(response):
    return response.content.decode()


def _rows(response):
    return _html(response).count('class="ticket-row"')


def _set_status(ticket, status):
    services.ticket_change_status(ticket=ticket, status=status, source="admin")


# --- list ------------------------------------------------------------------------------------


def test_list_shows_only_the_clients_own_tickets(logged_in, portal_client, make_client,
                                                 make_ticket):
    make_ticket(portal_client, title="Моя заявка про принтер")
    make_ticket(make_client(), title="Чужая заявка про сканер")

    response = logged_in.get("/tickets/")

    assert response.status_code == 200
    assert "Моя заявка про принтер" in _html(response)
    assert "Чужая заявка про сканер" not in _html(response)


def test_list_shows_each_status_with_its_russian_label(logged_in, portal_client, make_ticket):
    make_ticket(portal_client)
    _set_status(make_ticket(portal_client), Status.IN_PROGRESS)
    _set_status(make_ticket(portal_client), Status.RESOLVED)

    html = _html(logged_in.get("/tickets/"))  # the open ones
    done = _html(logged_in.get("/tickets/", {"status": "done"}))  # resolved and closed

    assert '<span class="badge badge--new">Новая</span>' in html
    assert '<span class="badge badge--in_progress">В работе</span>' in html
    assert '<span class="badge badge--resolved">Решена</span>' in done


def test_each_row_links_to_its_card_by_the_cards_own_url(logged_in, portal_client, make_ticket):
    tickets = [make_ticket(portal_client) for _ in range(3)]

    for list_url in ("/tickets/", "/tickets/?status=new&page=1"):
        hrefs = re.findall(r'<li class="ticket-row">\s*<a href="([^"]+)"', _html(logged_in.get(list_url)))

        assert hrefs == [reverse("tickets:detail", args=[t.pk]) for t in reversed(tickets)]


def test_list_filters_by_status(logged_in, portal_client, make_ticket):
    make_ticket(portal_client, title="Открытая заявка")
    _set_status(make_ticket(portal_client, title="Решённая заявка"), Status.RESOLVED)

    response = logged_in.get("/tickets/", {"status": "resolved"})

    assert response.status_code == 200
    assert "Решённая заявка" in _html(response)
    assert "Открытая заявка" not in _html(response)


@pytest.mark.parametrize("status", ["bogus", "В работе", "'; DROP TABLE x; --", "\x00"])
def test_list_ignores_an_unknown_status_filter(logged_in, portal_client, make_ticket, status):
    make_ticket(portal_client, title="Открытая заявка")
    _set_status(make_ticket(portal_client, title="Решённая заявка"), Status.RESOLVED)

    response = logged_in.get("/tickets/", {"status": status})

    assert response.status_code == 200
    assert _rows(response) == 1  # the default tab: open tickets
    assert "Открытая заявка" in _html(response)


def test_list_with_a_filter_that_matches_nothing_says_so(logged_in, portal_client, make_ticket):
    make_ticket(portal_client)

    response = logged_in.get("/tickets/", {"status": "closed"})

    assert _rows(response) == 0
    assert "Заявок с таким статусом нет." in _html(response)


def test_empty_list_invites_to_create_the_first_ticket(logged_in):
    assert "Создать первую заявку" in _html(logged_in.get("/tickets/"))


@pytest.fixture
def twenty_five_tickets(portal_client, department):
    Ticket.objects.bulk_create(
        Ticket(client=portal_client, title=f"Заявка {i}", description="Текст",
               department=department)
        for i in range(25)
    )


@pytest.mark.parametrize("page, rows, label", [
    (None, 20, "Страница 1 из 2"),
    ("2", 5, "Страница 2 из 2"),
    ("999", 5, "Страница 2 из 2"),
    ("0", 5, "Страница 2 из 2"),
    ("abc", 20, "Страница 1 из 2"),
    ("1.5", 20, "Страница 1 из 2"),
    ("9" * 40, 5, "Страница 2 из 2"),
])
def test_list_pages_by_twenty_and_any_page_value_gives_a_valid_page(
    logged_in, twenty_five_tickets, page, rows, label
):
    response = logged_in.get("/tickets/", {"page": page} if page else {})

    assert response.status_code == 200
    assert _rows(response) == rows
    assert label in _html(response)


# --- new ticket ------------------------------------------------------------------------------


def test_new_ticket_form_offers_only_active_departments_and_tags(logged_in, department, tag):
    Department.objects.create(name="Архивный отдел", slug="archive", is_active=False)
    Tag.objects.create(name="Старый тег", slug="old", is_active=False)

    response = logged_in.get("/tickets/new/")

    html = _html(response)
    assert response.status_code == 200
    assert department.name in html and tag.name in html
    assert "Архивный отдел" not in html
    assert "Старый тег" not in html


def test_new_ticket_is_created_and_the_card_opens(logged_in, portal_client, department, tag):
    response = logged_in.post("/tickets/new/", {
        "title": "Не приходит счёт", "description": "Второй месяц подряд.",
        "department": department.pk, "tag": tag.pk, "criticality": "high",
    })

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.pk}/"
    assert (ticket.client, ticket.title, ticket.description) == (
        portal_client, "Не приходит счёт", "Второй месяц подряд.")
    assert (ticket.department, ticket.tag, ticket.criticality, ticket.status) == (
        department, tag, "high", Status.NEW)


def test_new_ticket_without_fields_shows_a_russian_error_next_to_each(logged_in):
    response = logged_in.post("/tickets/new/", {})

    html = _html(response)
    assert response.status_code == 400
    assert '<p class="field__error" id="id_title_error">Коротко назовите проблему.</p>' in html
    assert '<p class="field__error" id="id_department_error">Выберите отдел.</p>' in html
    assert '<p class="field__error" id="id_description_error">Опишите, что случилось.</p>' in html
    assert not Ticket.objects.exists()


def test_new_ticket_with_a_missing_title_keeps_everything_typed(logged_in, department, tag):
    response = logged_in.post("/tickets/new/", {
        "title": "   ", "description": "Принтер жуёт бумагу", "department": department.pk,
        "tag": tag.pk, "criticality": "critical",
    })

    html = _html(response)
    assert response.status_code == 400
    assert "Принтер жуёт бумагу</textarea>" in html
    assert f'<option value="{department.pk}" selected>' in html
    assert f'<option value="{tag.pk}" selected>' in html
    assert '<option value="critical" selected>' in html
    assert not Ticket.objects.exists()


def test_new_ticket_with_a_missing_department_keeps_title_and_description(logged_in):
    response = logged_in.post("/tickets/new/", {
        "title": "Принтер", "description": "Жуёт бумагу", "criticality": "normal",
    })

    html = _html(response)
    assert response.status_code == 400
    assert 'value="Принтер"' in html
    assert "Жуёт бумагу</textarea>" in html
    assert "Выберите отдел." in html


@pytest.mark.parametrize("department_id", ["inactive", "99999", "abc", "-1"])
def test_new_ticket_with_a_bad_department_is_refused_and_nothing_created(
    logged_in, department_id
):
    if department_id == "inactive":
        department_id = Department.objects.create(name="Архив", slug="arch", is_active=False).pk

    response = logged_in.post("/tickets/new/", {
        "title": "Принтер", "description": "Жуёт бумагу", "department": department_id,
        "criticality": "normal",
    })

    assert response.status_code == 400
    assert ('<p class="field__error" id="id_department_error">Выберите отдел из списка.</p>'
            in _html(response))
    assert not Ticket.objects.exists()


def test_new_ticket_with_an_inactive_tag_is_refused(logged_in, department):
    old = Tag.objects.create(name="Старый тег", slug="old", is_active=False)

    response = logged_in.post("/tickets/new/", {
        "title": "Принтер", "description": "Жуёт бумагу", "department": department.pk,
        "tag": old.pk, "criticality": "normal",
    })

    assert response.status_code == 400
    assert "Выберите тему из списка." in _html(response)
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("field, value, error", [
    ("title", "Я" * 100_000, "Название не длиннее 200 символов."),
    ("description", "Я" * 100_000, "Описание не длиннее 10000 символов."),
    ("criticality", "апокалипсис", "Выберите критичность из списка."),
])
def test_new_ticket_with_an_out_of_bounds_value_is_a_400_in_russian(
    logged_in, department, field, value, error
):
    data = {"title": "Принтер", "description": "Жуёт бумагу", "department": department.pk,
            "criticality": "normal"}
    data[field] = value

    response = logged_in.post("/tickets/new/", data)

    assert response.status_code == 400
    assert error in _html(response)
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("field", ["title", "description"])
def test_new_ticket_with_a_nul_byte_is_a_4xx_not_a_500(logged_in, department, field):
    data = {"title": "Принтер", "description": "Жуёт бумагу", "department": department.pk,
            "criticality": "normal"}
    data[field] = "до\x00после"

    response = logged_in.post("/tickets/new/", data)

    assert 400 <= response.status_code < 500
    assert not Ticket.objects.exists()


def test_healthz_answers_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
