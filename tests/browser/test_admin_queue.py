"""The manager's queue, card and analytics in Chromium: what fits a 1280 px screen,
Ctrl+Enter and saved replies on the card, and accessibility measured by axe-core."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tickets import services
from tickets.models import Client, Message, ReplyTemplate, Ticket

from .a11y import serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def queue(catalog):
    """A queue like a real morning: long titles and names, every state, two overdue."""
    now = timezone.now()
    clients = [Client.objects.create(phone=f"+7916123450{i}", name=name) for i, name in
               enumerate(["Ольга Петрова", "ООО «Ромашка», бухгалтерия", ""])]
    tickets = []
    for i in range(9):
        ticket = services.ticket_create(
            client=clients[i % 3], department=catalog["support" if i % 2 else "billing"],
            title=("Сломалась выгрузка отчёта https://reports.example.ru/export/2026/11/"
                   "very/long/path?format=xlsx&department=all" if i == 0
                   else f"Не проходит оплата картой, ошибка 50{i} при подтверждении"),
            description="Подробности: https://example.ru/" + "очень-длинный-адрес-" * 8,
            criticality=["critical", "high", "normal", "low"][i % 4])
        if i % 3 == 1:
            services.ticket_change_status(ticket=ticket, status="waiting", source="admin")
        Ticket.objects.filter(pk=ticket.pk).update(
            sla_due_at=now + timedelta(hours=i - 1.5),
            sla_warn_at=now + timedelta(hours=i - 2.5),
            sla_breached=i == 0)
        tickets.append(ticket)
    services.message_add(ticket=tickets[2], author_kind=Message.AuthorKind.CLIENT,
                         text="Есть новости?", source=Message.Source.PORTAL)
    return tickets


def no_sideways_scroll(page):
    """Neither the page nor a box inside it (the admin's table scrolls on its own)."""
    return page.evaluate("""() => document.documentElement.scrollWidth <= window.innerWidth
        && [...document.querySelectorAll('.results, .an-scroll')].every(
            (el) => el.scrollWidth <= el.clientWidth + 1)""")


def test_queue_fits_1280_px_with_counters_badges_and_time_left(manager_page, queue):
    page = manager_page()
    page.goto("/admin/")

    page.wait_for_url(re.compile(r"/admin/tickets/ticket/$"))
    expect(page.get_by_role("navigation", name="Счётчики очереди")).to_contain_text(
        "просрочено 2")
    expect(page.locator("#result_list tbody tr")).to_have_count(9)
    expect(page.locator("#result_list tbody tr").first).to_contain_text("просрочено")
    expect(page.locator("#result_list thead th")).to_have_count(8)  # seven and the checkbox
    phone = page.locator("#result_list .phone").first
    assert phone.evaluate("(el) => el.getClientRects().length") == 1  # on one line
    assert no_sideways_scroll(page)
    assert not serious_violations(page)

    page.get_by_role("link", name="ждут нас 6").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(6)


def test_card_sends_with_ctrl_enter_and_inserts_a_saved_reply(manager_page, queue):
    ReplyTemplate.objects.create(title="Приветствие", text="Здравствуйте, {client_name}!")
    ticket = queue[2]
    page = manager_page()
    page.goto(f"/admin/tickets/ticket/{ticket.pk}/change/")
    assert no_sideways_scroll(page)
    assert not serious_violations(page)
    expect(page.locator(".client-block")).to_contain_text("Другие заявки клиента")

    page.get_by_label("Шаблон").select_option(label="Приветствие")
    box = page.get_by_label(re.compile(r"^Ответ:?$"))
    expect(box).to_have_value("Здравствуйте, +7 916 123-45-02!")
    box.press("Control+Enter")

    page.wait_for_url(re.compile(rf"/admin/tickets/ticket/{ticket.pk}/change/$"))
    expect(page.locator(".messagelist")).to_have_text("Ответ отправлен клиенту.")
    reply = Message.objects.get(ticket=ticket, author_kind=Message.AuthorKind.MANAGER)
    assert reply.text == "Здравствуйте, +7 916 123-45-02!"
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.IN_PROGRESS


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900},
                                      {"width": 390, "height": 844}], ids=["1280", "phone"])
def test_analytics_reads_well_and_fits_the_screen(manager_page, queue, viewport):
    page = manager_page(viewport=viewport)
    page.goto("/admin/analytics/")

    expect(page.get_by_role("img", name="Создано и решено по дням")).to_be_visible()
    expect(page.get_by_role("table", name="По отделам", exact=True)).to_contain_text(
        "Бухгалтерия")
    expect(page.locator("body")).not_to_contain_text("GET /manager/analytics")
    assert no_sideways_scroll(page)
    assert not serious_violations(page)
