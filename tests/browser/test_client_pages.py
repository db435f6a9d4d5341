"""The client pages in Chromium: accessibility measured by axe-core, «Новый ответ»,
the code page's countdown, visible errors, the card on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tickets import services
from tickets.models import Client, Ticket

from .a11y import serious_violations
from .helpers import CLIENT_PHONE_E164, PHONE_VIEWPORT, request_code

pytestmark = pytest.mark.browser

ERROR_RED = "rgb(198, 40, 40)"  # --error in portal.css


def _phone(new_page, **options):
    return new_page(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, **options)


def _client_with_tickets(catalog):
    """The demo's situation: a ticket waiting for the client with a reply, a resolved one."""
    client = Client.objects.create(phone=CLIENT_PHONE_E164, name="Алексей")
    waiting = services.ticket_create(
        client=client, title="Не печатаются счета", description="Кнопка «Печать» молчит.\n" * 8,
        department=catalog["support"], tag=catalog["bug"], criticality="high")
    services.message_add(ticket=waiting, author_kind="manager", author_name="Ирина",
                         text="Уточните номер договора, пожалуйста.", source="admin")
    services.ticket_change_status(ticket=waiting, status="waiting", source="admin")
    resolved = services.ticket_create(
        client=client, title="Акт сверки", description="Нужен акт за квартал.",
        department=catalog["billing"])
    services.message_add(ticket=resolved, author_kind="manager", author_name="Ирина",
                         text="Отправили на почту.", source="admin")
    services.ticket_change_status(ticket=resolved, status="resolved", source="admin")
    return waiting, resolved


@pytest.mark.parametrize("viewport", [PHONE_VIEWPORT, {"width": 1280, "height": 900}],
                         ids=["390", "1280"])
def test_client_pages_have_no_serious_accessibility_violations(new_page, catalog, log_in,
                                                                viewport):
    waiting, resolved = _client_with_tickets(catalog)
    page = new_page(viewport=viewport)
    found = {}

    def check(name):
        found[name] = serious_violations(page)

    page.goto("/login/")
    check("login")
    log_in(page)  # passes the code page: checked on its own below
    check("list")
    page.goto("/tickets/?status=done")
    check("list closed")
    page.goto("/tickets/new/")
    check("new")
    page.get_by_role("button", name="Отправить заявку").click()
    check("new with errors")
    page.goto(f"/tickets/{waiting.pk}/")
    check("card")
    page.goto(f"/tickets/{resolved.pk}/")
    check("card with rating")
    page.get_by_role("button", name="Оценить").click()
    check("rating with an error")
    page.goto("/notifications/")
    check("notifications")
    other = new_page(viewport=viewport)
    request_code(other)
    found["verify"] = serious_violations(other)

    assert {name: v for name, v in found.items() if v} == {}


def test_new_reply_appears_after_a_manager_reply_and_goes_after_opening_the_card(
        new_page, catalog, log_in):
    client = Client.objects.create(phone=CLIENT_PHONE_E164)
    ticket = services.ticket_create(client=client, title="Счёт не пришёл", description="Март.",
                                    department=catalog["billing"])
    page = _phone(new_page)
    log_in(page)
    row = page.locator(".ticket-row", has_text="Счёт не пришёл")
    expect(row).to_contain_text("Вы: Март.")
    expect(row.get_by_text("Новый ответ")).to_have_count(0)

    services.message_add(ticket=ticket, author_kind="manager", author_name="Ирина",
                         text="Уточните номер договора", source="admin")
    page.reload()
    expect(row.get_by_text("Новый ответ")).to_be_visible()
    expect(row).to_contain_text("Ирина: Уточните номер договора")

    row.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/tickets/{ticket.pk}/#last$"))
    expect(page.locator("#last")).to_contain_text("Уточните номер договора")
    expect(page.locator("#last")).to_be_in_viewport()
    page.get_by_role("link", name="Мои заявки").first.click()
    expect(row).to_be_visible()
    expect(row.get_by_text("Новый ответ")).to_have_count(0)


def test_the_code_page_counts_down_to_a_new_code(new_page, sms_outbox, settings):
    settings.OTP_RESEND_SECONDS = 3
    page = _phone(new_page)
    request_code(page)
    expect(page.get_by_text("6 цифр, действует 5 минут")).to_be_visible()
    resend = page.get_by_role("button", name="Отправить новый код")

    expect(resend).to_be_disabled()
    expect(page.locator("#resend-wait")).to_have_text(re.compile(r"^0:0[1-3]$"))
    expect(resend).to_be_enabled(timeout=6_000)
    expect(page.locator("#resend-when")).to_have_text("Можно запросить новый код.")

    resend.click()
    page.wait_for_url("**/login/verify/")
    assert len(sms_outbox()) == 2


def test_without_javascript_the_code_page_says_when_and_resend_answers(new_page, sms_outbox,
                                                                       settings):
    settings.OTP_RESEND_SECONDS = 60
    page = new_page(java_script_enabled=False)
    request_code(page)
    expect(page.locator("#resend-when")).to_have_text(
        re.compile(r"Новый код можно запросить через \d+ с \(в \d\d:\d\d:\d\d МСК\)\."))

    page.get_by_role("button", name="Отправить новый код").click()  # too early: told why
    page.wait_for_url("**/login/verify/")
    expect(page.get_by_role("status")).to_contain_text("Код уже отправлен")
    assert len(sms_outbox()) == 1


def test_error_fields_are_red_and_the_first_one_gets_the_focus(new_page, catalog, log_in):
    page = _phone(new_page)
    log_in(page)
    page.goto("/tickets/new/")
    page.get_by_label("Описание", exact=True).fill("Что-то сломалось")

    page.get_by_role("button", name="Отправить заявку").click()

    title = page.get_by_label("Название", exact=True)
    expect(title).to_have_css("border-top-color", ERROR_RED)  # a text input, once grey
    expect(page.get_by_label("Отдел", exact=True)).to_have_css("border-top-color", ERROR_RED)
    expect(title).to_be_focused()
    expect(page.locator(".error-summary")).to_contain_text("Название: Коротко назовите проблему.")
    # Not in error: a border of at least 3:1 against white, not the old light grey.
    expect(page.get_by_label("Описание", exact=True)).to_have_css("border-top-color",
                                                                  "rgb(110, 119, 135)")


def test_a_rating_sent_without_a_choice_lands_on_its_error(new_page, catalog, log_in):
    _waiting, resolved = _client_with_tickets(catalog)
    page = _phone(new_page)
    log_in(page)
    page.goto(f"/tickets/{resolved.pk}/")

    page.get_by_role("button", name="Оценить").click()

    page.wait_for_url(re.compile(rf"/tickets/{resolved.pk}/rate/#rating$"))
    expect(page.locator("#rating .field__error")).to_have_text("Выберите оценку от 1 до 5.")
    expect(page.get_by_role("radio", name="1 — Плохо")).to_be_focused()
    expect(page.locator("#rating .field__error")).to_be_in_viewport()
    page.get_by_role("radio", name="4 — Хорошо").check()
    page.get_by_role("button", name="Оценить").click()
    expect(page.get_by_role("status")).to_have_text("Спасибо за оценку!")
    assert Ticket.objects.get(pk=resolved.pk).rating == 4


def test_the_card_on_a_phone_folds_the_description_and_opens_at_the_last_message(
        new_page, catalog, log_in):
    waiting, _resolved = _client_with_tickets(catalog)
    for i in range(6):
        services.message_add(ticket=waiting, author_kind="manager", author_name="Ирина",
                             text=f"Сообщение {i}\n" * 4, source="admin")
    page = _phone(new_page)
    log_in(page)

    page.goto(f"/tickets/{waiting.pk}/")

    expect(page.locator("#last")).to_be_in_viewport()
    summary = page.get_by_text("Показать описание полностью")
    expect(summary).to_be_attached()
    expect(page.locator(".description__more p")).not_to_be_visible()
    expect(page.locator("#ticket time")).to_contain_text("МСК")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
