"""A manager answers in the admin (Chromium), the client sees the answer.

The manager is a staff user only in the «Менеджеры» group, logged in through
the admin's own login form; the client logs in by phone and the code from
the SMS file, in a second browser context with its own cookies.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tickets import services
from tickets.models import Client, Message, StatusChange, Ticket

from .helpers import CLIENT_PHONE_E164, managers_group

pytestmark = pytest.mark.browser

MANAGER_USERNAME = "irina"
MANAGER_PASSWORD = "irina-browser-password"
REPLY = "Здравствуйте! Пришлите, пожалуйста, снимок экрана с ошибкой."


@pytest.fixture
def manager(live_server):
    user = get_user_model().objects.create_user(
        username=MANAGER_USERNAME, password=MANAGER_PASSWORD, first_name="Ирина",
        last_name="Смирнова", is_staff=True,
    )
    user.groups.add(managers_group())
    return user


@pytest.fixture
def ticket(catalog):
    client = Client.objects.create(phone=CLIENT_PHONE_E164, name="Алексей")
    ticket = services.ticket_create(client=client, title="Не печатаются счета",
                                    description="Кнопка «Печать» ничего не делает.",
                                    department=catalog["support"], tag=catalog["bug"])
    services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT,
                         text="Браузер Chrome, с утра.", source=Message.Source.PORTAL)
    return ticket


def test_manager_lands_on_the_queue_replies_and_waits_and_client_sees_both(
    new_page, manager, ticket, log_in
):
    assert not manager.is_superuser

    # The manager logs in to the admin and lands on the queue, open tickets, with counters.
    admin = new_page()
    admin.goto("/admin/")
    admin.wait_for_url(re.compile(r"/admin/login/"))
    admin.get_by_label("Имя пользователя").fill(MANAGER_USERNAME)
    admin.get_by_label("Пароль").fill(MANAGER_PASSWORD)
    admin.get_by_role("button", name="Войти").click()
    admin.wait_for_url(re.compile(r"/admin/tickets/ticket/$"))
    expect(admin.get_by_role("heading", name="Очередь заявок")).to_be_visible()
    counters = admin.get_by_role("navigation", name="Счётчики очереди")
    expect(counters.get_by_role("link", name="ждут нас 1")).to_be_visible()
    expect(counters.get_by_role("link", name="новые 1")).to_be_visible()
    admin.get_by_role("link", name=re.compile("Не печатаются счета")).click()
    admin.wait_for_url(re.compile(rf"/admin/tickets/ticket/{ticket.pk}/change/$"))
    expect(admin.locator(".field-dialog")).to_contain_text("Браузер Chrome, с утра.")

    # Reply and wait for the client: one button, and the manager stays on the card.
    admin.get_by_label(re.compile(r"^Ответ:?$")).fill(REPLY)
    admin.get_by_role("button", name="…и ждать ответа клиента").click()
    admin.wait_for_url(re.compile(rf"/admin/tickets/ticket/{ticket.pk}/change/$"))
    expect(admin.locator(".messagelist")).to_have_text(
        "Ответ отправлен клиенту. Заявка ждёт ответа клиента.")
    expect(admin.locator(".field-dialog")).to_contain_text(REPLY)
    expect(admin.get_by_label(re.compile(r"^Статус:?$"))).to_have_value("waiting")

    reply = Message.objects.get(ticket=ticket, author_kind=Message.AuthorKind.MANAGER)
    assert (reply.text, reply.author_name, reply.author_user, reply.is_internal) == (
        REPLY, "Ирина Смирнова", manager, False)
    # The first reply took the ticket in progress and gave it to her; the button, waiting.
    changes = StatusChange.objects.filter(ticket=ticket).order_by("id")
    assert [(c.to_status, c.actor_name) for c in changes] == [
        (Ticket.Status.IN_PROGRESS, "Ирина Смирнова"), (Ticket.Status.WAITING, "Ирина Смирнова")]
    assert Ticket.objects.get(pk=ticket.pk).assignee == manager

    # The client, in a browser context of their own, sees the answer and the status.
    client = new_page()
    log_in(client)
    client.goto(f"/tickets/{ticket.pk}/")
    expect(client.locator("#status")).to_have_text("Ждём вашего ответа")  # the client's words for it
    answer = client.locator("#dialog .msg--manager")
    expect(answer).to_have_count(1)
    expect(answer).to_contain_text("Ирина Смирнова")
    expect(answer).to_contain_text(REPLY)
    expect(client.locator(".history")).to_contain_text("В работе → Ждём вашего ответа")
