"""The manager's reply box with files in Chromium: the change form really posts the
files (multipart), a reply of files alone with «…и ждать ответа клиента» takes a new
ticket (in progress, assigned, first response met) and then waits for the client, and
Ctrl+Enter sends the text together with the chosen file."""

import re

import pytest
from playwright.sync_api import expect

from tests.tickets.files_helpers import pdf_bytes
from tickets import services
from tickets.models import Client, Message, StatusChange, Ticket

from .a11y import serious_violations
from .helpers import CLIENT_PHONE_E164

pytestmark = pytest.mark.browser


@pytest.fixture
def ticket(catalog):
    client = Client.objects.create(phone=CLIENT_PHONE_E164, name="Алексей")
    return services.ticket_create(client=client, title="Не печатаются счета",
                                  description="Кнопка «Печать» ничего не делает.",
                                  department=catalog["support"])


def test_files_alone_and_wait_then_ctrl_enter_with_a_file(manager_page, ticket, tmp_path):
    page = manager_page()
    guide = tmp_path / "Инструкция.pdf"
    guide.write_bytes(pdf_bytes())
    page.goto(f"/admin/tickets/ticket/{ticket.pk}/change/")
    assert page.locator("form#ticket_form").get_attribute("enctype") == "multipart/form-data"
    assert serious_violations(page) == []

    page.get_by_label("Файлы к ответу").set_input_files(str(guide))
    page.get_by_role("button", name="…и ждать ответа клиента").click()
    expect(page.locator(".messagelist")).to_contain_text("Заявка ждёт ответа клиента")

    reply = Message.objects.get(ticket=ticket, author_kind=Message.AuthorKind.MANAGER)
    assert [a.name for a in reply.attachments.all()] == ["Инструкция.pdf"]
    assert reply.text == "📎 Инструкция.pdf" and not reply.is_internal
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == Ticket.Status.WAITING
    assert ticket.assignee.username == "irina"
    assert ticket.sla_first_response_met is True and ticket.last_public_by == "manager"
    assert list(StatusChange.objects.filter(ticket=ticket).order_by("at", "pk")
                .values_list("to_status", flat=True)) == ["in_progress", "waiting"]
    expect(page.locator(f'a[href="/admin/tickets/ticket/attachments/'
                        f'{reply.attachments.get().pk}/"]')).to_have_count(1)

    page.get_by_label("Файлы к ответу").set_input_files(str(guide))
    page.locator("textarea.ticket-reply").fill("И ещё раз, на всякий случай")
    page.locator("textarea.ticket-reply").press("Control+Enter")
    expect(page.locator(".messagelist")).to_contain_text("Ответ отправлен клиенту.")
    page.wait_for_url(re.compile(rf"/admin/tickets/ticket/{ticket.pk}/change/$"))
    second = Message.objects.filter(ticket=ticket).order_by("-pk").first()
    assert second.text == "И ещё раз, на всякий случай"
    assert second.attachments.count() == 1
