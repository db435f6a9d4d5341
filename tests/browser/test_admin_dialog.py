"""The dialog on the ticket change page, as a manager sees it in Chromium:
each kind of message in its own colours, internal notes marked."""

import os
import re

import pytest
from playwright.sync_api import expect

from tickets import services
from tickets.models import Client, Message

from .helpers import CLIENT_PHONE_E164

pytestmark = pytest.mark.browser

CLIENT_TEXT = "Браузер Chrome, с утра.\nПробовал перезагрузить — не помогло."
REPLY_TEXT = "Здравствуйте! Пришлите, пожалуйста, снимок экрана с ошибкой."
NOTE_TEXT = "Похоже на драйвер принтера, уточнить у Петра."


@pytest.fixture
def ticket(catalog):
    client = Client.objects.create(phone=CLIENT_PHONE_E164, name="Алексей")
    ticket = services.ticket_create(client=client, title="Не печатаются счета",
                                    description="Кнопка «Печать» ничего не делает.",
                                    department=catalog["support"], tag=catalog["bug"])
    services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT,
                         text=CLIENT_TEXT, source=Message.Source.PORTAL)
    services.message_add(ticket=ticket, author_kind=Message.AuthorKind.MANAGER,
                         author_name="Ирина Смирнова", text=REPLY_TEXT,
                         source=Message.Source.ADMIN)
    services.message_add(ticket=ticket, author_kind=Message.AuthorKind.MANAGER,
                         author_name="Ирина Смирнова", text=NOTE_TEXT, is_internal=True,
                         source=Message.Source.ADMIN)
    return ticket


def style(locator, prop):
    return locator.evaluate(f"(el) => getComputedStyle(el).{prop}")


def test_dialog_shows_client_reply_and_note_each_in_its_own_colours(manager_page, ticket):
    page = manager_page()
    page.goto(f"/admin/tickets/ticket/{ticket.pk}/change/")
    expect(page.get_by_role("heading", name=re.compile(f"№{ticket.pk} · Не печатаются"))
           ).to_be_visible()
    if path := os.environ.get("ADMIN_DIALOG_SCREENSHOT"):  # to compare a change by eye
        page.screenshot(path=path, full_page=True)
        page.locator(".field-dialog").screenshot(path=path.replace(".png", "-dialog.png"))

    items = page.locator(".field-dialog li")
    expect(items).to_have_count(4)  # the description is the first message
    expect(items.nth(0)).to_contain_text("Кнопка «Печать» ничего не делает.")
    client, reply, note = items.nth(1), items.nth(2), items.nth(3)
    expect(client).to_contain_text("Клиент")
    expect(reply).to_contain_text("Ирина Смирнова · Менеджер")
    expect(note).to_contain_text("[внутренняя заметка]")
    for item, text in ((client, CLIENT_TEXT), (reply, REPLY_TEXT), (note, NOTE_TEXT)):
        expect(item).to_contain_text(text.split("\n")[0])
    # Line breaks of the message are kept.
    assert "\n" in client.inner_text().split("Клиент", 1)[1].strip()

    assert style(client, "backgroundColor") == "rgb(232, 240, 254)"
    assert style(reply, "backgroundColor") == "rgb(241, 243, 244)"
    assert style(note, "backgroundColor") == "rgb(255, 248, 225)"
    assert style(note, "borderTopStyle") == "dashed"
    assert style(client, "borderTopStyle") != "dashed"
    # The list is not indented: the messages start where the other fields' values do.
    assert style(page.locator(".field-dialog ol"), "marginLeft") == "0px"
