"""What the client pages say: relative times, the zone, the form's words, the login page,
what happens after filing, the card on a phone."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tickets import pages, services
from tickets.formatting import ago_tag, time_ago, time_tag, zone_label
from tickets.forms import TicketForm
from tickets.models import Department, Ticket

pytestmark = pytest.mark.django_db

MSK = dt.timezone(dt.timedelta(hours=3))
NOW = dt.datetime(2026, 12, 6, 15, 0, tzinfo=MSK)


def _html(response):
    return response.content.decode()


@pytest.mark.parametrize(("delta", "text"), [
    (dt.timedelta(seconds=20), "только что"),
    (dt.timedelta(minutes=1), "1 минуту назад"),
    (dt.timedelta(minutes=2), "2 минуты назад"),
    (dt.timedelta(minutes=5), "5 минут назад"),
    (dt.timedelta(minutes=11), "11 минут назад"),
    (dt.timedelta(minutes=21), "21 минуту назад"),
    (dt.timedelta(minutes=44), "44 минуты назад"),
    (dt.timedelta(hours=1), "1 час назад"),
    (dt.timedelta(hours=3), "3 часа назад"),
    (dt.timedelta(hours=5), "5 часов назад"),
    (dt.timedelta(hours=20), "вчера в 19:00"),
    (dt.timedelta(days=3), "3 дня назад"),
    (dt.timedelta(days=5), "5 дней назад"),
    (dt.timedelta(days=9), "27.11.2026"),
])
def test_relative_times_use_russian_plural_forms(delta, text):
    assert time_ago(NOW - delta, now=NOW) == text


def test_the_zone_is_named_in_russian_and_shown_with_exact_times(settings):
    moment = dt.datetime(2026, 11, 27, 18, 10, tzinfo=dt.UTC)

    assert zone_label() == "МСК"
    assert time_tag(moment, zone=True) == (
        '<time datetime="2026-11-27T21:10:00+03:00">27.11.2026 21:10 МСК</time>')
    assert ago_tag(moment, now=moment + dt.timedelta(days=3)) == (
        '<time datetime="2026-11-27T21:10:00+03:00" title="27.11.2026 21:10 МСК">'
        "3 дня назад</time>")


def test_a_zone_without_a_russian_name_shows_its_offset(settings):
    zone_label.cache_clear()
    try:
        settings.TIME_ZONE = "Asia/Yekaterinburg"
        assert zone_label() == "UTC+5"
    finally:
        settings.TIME_ZONE = "Europe/Moscow"
        zone_label.cache_clear()


# --- the new-ticket form ------------------------------------------------------------------


def test_form_asks_what_happened_first_then_where_it_goes():
    assert list(TicketForm().fields) == ["title", "description", "department", "criticality",
                                         "tag", "files"]


def test_form_shows_department_descriptions_the_topic_and_criticality_hints(logged_in):
    Department.objects.create(name="Бухгалтерия", slug="billing",
                              description="счета, акты, оплата")
    Department.objects.create(name="Архив", slug="archive", description="старое",
                              is_active=False)

    html = _html(logged_in.get("/tickets/new/"))

    assert "<strong>Бухгалтерия</strong> — счета, акты, оплата" in html
    assert "старое" not in html
    assert re.search(r'<label for="id_tag">Тема <span class="muted">\(необязательно\)', html)
    for hint in ("вопрос или пожелание", "мешает работать", "не работает совсем"):
        assert hint in html
    # The hints are the field's description for screen readers.
    assert re.search(r'<select name="department"[^>]*aria-describedby="id_department_helptext"',
                     html)


def _file_with_due(logged_in, department, monkeypatch, due):
    """File a ticket through the form, its first-response due time set to ``due`` (as the
    SLA rules set one, or none); the page the client lands on."""
    create = services.ticket_create

    def create_with_due(**kwargs):
        ticket = create(**kwargs)
        Ticket.objects.filter(pk=ticket.pk).update(first_response_due_at=due)
        ticket.first_response_due_at = due
        return ticket

    monkeypatch.setattr("tickets.views.services.ticket_create", create_with_due)
    return _html(logged_in.post("/tickets/new/", {
        "title": "Счёт", "description": "Не пришёл", "department": department.pk,
        "criticality": "normal"}, follow=True))


def test_after_filing_the_card_says_when_the_answer_comes(logged_in, department, monkeypatch):
    due = timezone.now() + dt.timedelta(days=1)

    html = _file_with_due(logged_in, department, monkeypatch, due)

    assert "принята, её получил отдел «Техническая поддержка»" in html
    assert f"Ответим {pages.when_text(due)}" in html and "МСК" in html


def test_after_filing_without_due_times_the_card_says_what_happens_next(
        logged_in, department, monkeypatch):
    html = _file_with_due(logged_in, department, monkeypatch, None)

    assert "Менеджер ответит здесь, в карточке заявки" in html


def test_when_text_says_today_and_tomorrow():
    assert pages.when_text(NOW + dt.timedelta(hours=2), now=NOW) == "сегодня до 17:00 МСК"
    assert pages.when_text(NOW + dt.timedelta(hours=20), now=NOW) == "завтра до 11:00 МСК"
    assert pages.when_text(NOW + dt.timedelta(days=3), now=NOW) == "9 декабря до 15:00 МСК"


# --- login ----------------------------------------------------------------------------------


def test_login_shows_company_phone_and_consent_when_set(client, settings):
    settings.PORTAL_COMPANY_NAME = "ООО «Ромашка»"
    settings.PORTAL_SUPPORT_PHONE = "+7 800 555-35-35"
    settings.PORTAL_PRIVACY_URL = "https://example.ru/privacy"

    html = _html(client.get("/login/"))

    assert "ООО «Ромашка»" in html
    assert '<a href="tel:+78005553535">+7 800 555-35-35</a>' in html
    assert 'href="https://example.ru/privacy"' in html and "152-ФЗ" in html


def test_login_hides_what_is_not_set(client, settings):
    settings.PORTAL_COMPANY_NAME = settings.PORTAL_SUPPORT_PHONE = settings.PORTAL_PRIVACY_URL = ""

    html = _html(client.get("/login/"))

    assert "tel:" not in html and "152-ФЗ" not in html and 'class="company"' not in html


@pytest.mark.parametrize(("ttl", "text"), [(300, "6 цифр, действует 5 минут"),
                                           (60, "6 цифр, действует 1 минуту"),
                                           (90, "6 цифр, действует 90 секунд")])
def test_code_page_says_digits_and_lifetime_from_the_settings(client, settings, sms_outbox,
                                                              ttl, text):
    settings.OTP_TTL_SECONDS = ttl
    client.post("/login/", {"phone": "+79991234567"})

    html = _html(client.get("/login/verify/"))

    assert text in html
    assert re.search(r'<input type="text" name="code"[^>]*aria-describedby="id_code_helptext"',
                     html)


def test_code_page_says_when_a_new_code_can_be_asked_for(client, settings, sms_outbox):
    settings.OTP_RESEND_SECONDS = 60
    client.post("/login/", {"phone": "+79991234567"})

    html = _html(client.get("/login/verify/"))

    assert re.search(r'data-wait="(59|60)"', html)
    assert re.search(r"Новый код можно запросить через .*\(в \d\d:\d\d:\d\d МСК\)", html)
    assert '<button type="submit" id="resend-button"' in html  # works without JavaScript


def test_favicon_ico_is_served(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico")
    assert '<link rel="icon" href="/static/favicon.svg"' in _html(client.get("/login/"))


# --- the card -------------------------------------------------------------------------------


def test_a_long_description_folds_after_its_first_lines(logged_in, portal_client, make_ticket):
    long_text = "\n".join(f"Строка {i}: подробности" for i in range(12))
    long_ticket = make_ticket(portal_client, description=long_text)
    short_ticket = make_ticket(portal_client, description="Коротко.")

    long_html = _html(logged_in.get(f"/tickets/{long_ticket.pk}/"))
    short_html = _html(logged_in.get(f"/tickets/{short_ticket.pk}/"))

    assert "<summary>Показать описание полностью</summary>" in long_html
    assert "Строка 4" in long_html.split("<details")[0]
    assert "Строка 11" in long_html.split("<details")[1]
    assert "<details" not in short_html


def test_a_closed_card_links_to_a_new_ticket(logged_in, portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    services.ticket_change_status(ticket=ticket, status="closed", source="admin")

    html = _html(logged_in.get(f"/tickets/{ticket.pk}/"))

    assert re.search(r'<a class="btn" href="/tickets/new/">Создать новую заявку</a>', html)


def test_rating_stars_are_labelled_radios(logged_in, portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    services.ticket_change_status(ticket=ticket, status="resolved", source="admin")

    html = _html(logged_in.get(f"/tickets/{ticket.pk}/"))

    assert html.count('type="radio" name="rating"') == 5
    assert "1 — Плохо" in html and "5 — Отлично" in html


def test_a_rating_without_a_choice_comes_back_at_the_rating_form(logged_in, portal_client,
                                                                 make_ticket):
    ticket = make_ticket(portal_client)
    services.ticket_change_status(ticket=ticket, status="resolved", source="admin")

    html = _html(logged_in.post(f"/tickets/{ticket.pk}/rate/", {"comment": "ok"}))

    # The form posts to #rating: without JavaScript the browser lands on the error.
    assert f'action="/tickets/{ticket.pk}/rate/#rating"' in html
    assert 'class="field field--error" aria-describedby="id_rating_error"' in html
