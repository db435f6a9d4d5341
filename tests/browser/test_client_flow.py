"""A client's journey through the portal in a real browser (Chromium).

The one-time code is read from the SMS the ``file`` backend wrote, never
fixed; managers act through the services, as the admin and the API do.
"""

import re

import pytest
from playwright.sync_api import expect

from tickets import services
from tickets.models import Client, Ticket

from .helpers import (
    CLIENT_PHONE_E164,
    PHONE_VIEWPORT,
    enter_code,
    latest_code,
    request_code,
)

pytestmark = pytest.mark.browser


def field_error(page, field_id):
    """The error paragraph inside the same ``.field`` wrapper as the input."""
    return page.locator(".field", has=page.locator(f"#{field_id}")).locator(".field__error")


def ticket_id_from_url(url):
    match = re.search(r"/tickets/(\d+)/", url)
    assert match, url
    return int(match.group(1))


def test_client_journey_login_ticket_dialog_rating_logout(page, catalog, sms_outbox):
    # Login: phone as people type it, then the code from the SMS.
    request_code(page, "8 (999) 123-45-67")
    expect(page.get_by_role("heading", name="Введите код")).to_be_visible()
    expect(page.get_by_text("+7 999 123-45-67")).to_be_visible()
    enter_code(page, latest_code(sms_outbox, CLIENT_PHONE_E164))
    page.wait_for_url("**/tickets/")

    # Empty list, then a new ticket.
    expect(page.get_by_role("heading", name="Мои заявки")).to_be_visible()
    expect(page.get_by_text("У вас пока нет заявок.")).to_be_visible()
    expect(page.locator("header")).to_contain_text("+7 999 123-45-67")
    page.get_by_role("link", name="Новая заявка", exact=True).click()
    page.wait_for_url("**/tickets/new/")

    department = page.get_by_label("Отдел", exact=True)
    expect(department.locator("option")).to_have_text(
        ["— выберите —", "Бухгалтерия", "Техническая поддержка"]
    )  # the inactive «Архив» is not offered
    page.get_by_label("Название", exact=True).fill("Не приходит счёт")
    page.get_by_label("Описание", exact=True).fill("Счёт за март не пришёл на почту.")
    page.get_by_label("Критичность", exact=True).select_option(label="Высокая")
    department.select_option(label="Бухгалтерия")
    page.get_by_label("Тема").select_option(label="Вопрос")
    page.get_by_role("button", name="Отправить заявку").click()

    page.wait_for_url(re.compile(r"/tickets/\d+/$"))
    ticket_id = ticket_id_from_url(page.url)
    expect(page.get_by_role("status")).to_contain_text("принята, её получил отдел «Бухгалтерия»")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"#{ticket_id} Не приходит счёт")
    expect(page.locator("#status")).to_have_text("Новая")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Высокая")
    expect(facts).to_contain_text("Бухгалтерия")
    expect(facts).to_contain_text("Вопрос")
    expect(page.locator(".description")).to_contain_text("Счёт за март не пришёл на почту.")
    expect(page.locator("#rating")).to_have_count(0)  # nothing to rate yet

    # The client writes in the dialog.
    dialog = page.locator("#dialog")
    dialog.get_by_label("Сообщение").fill("Почта: ivan@example.ru")
    dialog.get_by_role("button", name="Отправить", exact=True).click()
    page.wait_for_url(re.compile(rf"/tickets/{ticket_id}/#last$"))
    expect(page.get_by_role("status")).to_contain_text("Сообщение отправлено.")
    mine = dialog.locator(".msg--client")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Вы")
    expect(mine).to_contain_text("Почта: ivan@example.ru")
    expect(dialog.get_by_label("Сообщение")).to_have_value("")

    # A manager answers and resolves the ticket (as the admin does).
    ticket = Ticket.objects.get(pk=ticket_id)
    assert ticket.client.phone == CLIENT_PHONE_E164
    services.message_add(ticket=ticket, author_kind="manager", source="admin",
                         author_name="Ирина", text="Отправили счёт повторно.")
    services.ticket_change_status(ticket=ticket, status="resolved", source="admin",
                                  actor_name="Ирина")
    page.reload()
    expect(page.locator("#status")).to_have_text("Решена")
    reply = dialog.locator(".msg--manager")
    expect(reply).to_contain_text("Ирина")
    expect(reply).to_contain_text("Отправили счёт повторно.")
    # The manager's first reply took the ticket in progress (the conversation drives it).
    expect(page.locator(".history")).to_contain_text("Новая → В работе")
    expect(page.locator(".history")).to_contain_text("В работе → Решена")

    # Rating.
    rating = page.locator("#rating")
    expect(rating.get_by_role("heading")).to_have_text("Оцените решение")
    rating.get_by_role("radio", name="5 — Отлично", exact=True).check()
    rating.get_by_label("Комментарий").fill("Быстро и вежливо")
    rating.get_by_role("button", name="Оценить").click()
    page.wait_for_url(re.compile(rf"/tickets/{ticket_id}/#rating$"))
    expect(page.get_by_role("status")).to_have_text("Спасибо за оценку!")
    expect(rating.get_by_role("heading")).to_have_text("Ваша оценка")
    expect(rating.get_by_role("radio", name="5 — Отлично", exact=True)).to_be_checked()
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (5, "Быстро и вежливо")

    # The list shows the ticket with its status; logout ends the session.
    page.get_by_role("link", name="Мои заявки").first.click()
    page.wait_for_url("**/tickets/")
    expect(page.locator(".ticket-row")).to_have_count(0)  # open tickets first: none left
    page.get_by_role("link", name=re.compile("^Закрытые")).click()
    row = page.locator(".ticket-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"#{ticket_id} Не приходит счёт")
    expect(row.locator(".badge")).to_have_text("Решена")
    page.get_by_role("button", name="Выйти").click()
    page.wait_for_url(re.compile(r"/login/$"))
    expect(page.get_by_role("status")).to_have_text("Вы вышли из портала.")
    page.goto("/tickets/")
    page.wait_for_url(re.compile(r"/login/\?next=/tickets/$"))


def test_wrong_code_shows_russian_error_and_stays_on_verify(new_page, sms_outbox):
    page = new_page(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    request_code(page)
    code = latest_code(sms_outbox)
    wrong = f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"

    enter_code(page, wrong)
    expect(field_error(page, "id_code")).to_have_text("Неверный код. Осталось попыток: 4.")
    assert page.url.endswith("/login/verify/")
    expect(page.get_by_role("heading", name="Введите код")).to_be_visible()
    # The page fits a phone screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]

    enter_code(page, code)  # the right code still works after a wrong try
    page.wait_for_url("**/tickets/")
    expect(page.get_by_text("У вас пока нет заявок.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    assert Client.objects.filter(phone=CLIENT_PHONE_E164).exists()


def test_new_ticket_form_errors_are_russian_and_keep_input(page, catalog, log_in):
    log_in(page)
    page.goto("/tickets/new/")
    submit = page.get_by_role("button", name="Отправить заявку")

    submit.click()  # everything empty
    expect(field_error(page, "id_title")).to_have_text("Коротко назовите проблему.")
    expect(field_error(page, "id_department")).to_have_text("Выберите отдел.")
    expect(field_error(page, "id_description")).to_have_text("Опишите, что случилось.")
    expect(field_error(page, "id_tag")).to_have_count(0)
    assert page.url.endswith("/tickets/new/")

    page.get_by_label("Название", exact=True).fill("Не открывается отчёт")
    page.get_by_label("Критичность", exact=True).select_option(label="Критическая")
    page.get_by_label("Тема").select_option(label="Ошибка")
    submit.click()  # department and description still missing
    expect(field_error(page, "id_department")).to_have_text("Выберите отдел.")
    expect(field_error(page, "id_description")).to_have_text("Опишите, что случилось.")
    expect(field_error(page, "id_title")).to_have_count(0)
    expect(page.get_by_label("Название", exact=True)).to_have_value("Не открывается отчёт")
    expect(page.get_by_label("Критичность", exact=True)).to_have_value("critical")
    expect(page.get_by_label("Тема").locator("option:checked")).to_have_text("Ошибка")

    page.get_by_label("Отдел", exact=True).select_option(label="Техническая поддержка")
    page.get_by_label("Описание", exact=True).fill("   ")  # blank is still empty
    submit.click()
    expect(field_error(page, "id_description")).to_have_text("Опишите, что случилось.")
    expect(page.get_by_label("Отдел", exact=True).locator("option:checked")).to_have_text(
        "Техническая поддержка"
    )

    page.get_by_label("Описание", exact=True).fill("Отчёт за квартал даёт ошибку 500.")
    submit.click()
    page.wait_for_url(re.compile(r"/tickets/\d+/$"))
    expect(page.locator("#status")).to_have_text("Новая")
    expect(page.locator("dl.facts")).to_contain_text("Критическая")
    assert Ticket.objects.count() == 1


def test_pages_work_without_javascript(new_page, catalog, log_in):
    page = new_page(java_script_enabled=False)
    log_in(page)
    expect(page.get_by_text("У вас пока нет заявок.")).to_be_visible()
    page.get_by_role("link", name="Создать первую заявку").click()
    page.wait_for_url("**/tickets/new/")

    page.get_by_label("Название", exact=True).fill("Без скриптов")
    page.get_by_label("Описание", exact=True).fill("Браузер с выключенным JavaScript.")
    page.get_by_label("Отдел", exact=True).select_option(label="Техническая поддержка")
    page.get_by_role("button", name="Отправить заявку").click()
    page.wait_for_url(re.compile(r"/tickets/\d+/$"))
    expect(page.locator("#status")).to_have_text("Новая")
    expect(page.locator("dl.facts")).to_contain_text("Средняя")  # the default criticality
    expect(page.locator("dl.facts")).to_contain_text("—")  # no tag

    page.locator("#dialog").get_by_label("Сообщение").fill("Работает и так")
    page.locator("#dialog").get_by_role("button", name="Отправить", exact=True).click()
    expect(page.locator("#dialog .msg--client")).to_contain_text("Работает и так")

    page.get_by_role("button", name="Выйти").click()
    page.wait_for_url(re.compile(r"/login/$"))
