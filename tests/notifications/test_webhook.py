"""The webhook view and the bot: secret, duplicates, linking, commands. What the bot says
is read from the outbox (no Telegram here)."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from delivery.models import Job
from notifications import services
from notifications.models import BotDialog, Notification, TelegramUpdate
from tests.fakes.telegram_server import make_update
from tickets import services as ticket_services
from tickets.models import Message, Ticket

from .conftest import chat_of

pytestmark = pytest.mark.django_db
CHAT = 9001
_update_ids = itertools.count(500)


class updates:  # noqa: N801  reads like the fake server's builder in test_e2e.py
    @staticmethod
    def update(chat_id, text, **fields):
        return make_update(next(_update_ids), chat_id, text, **fields)


def said(chat_id=CHAT):
    return [job.payload["text"] for job in Job.objects.filter(channel="telegram",
                                                              key=f"chat:{chat_id}")]


def test_a_wrong_or_missing_secret_is_401_json_and_nothing_is_stored(webhook):
    for secret in ("wrong", None):
        response = webhook(updates.update(CHAT, "/help"), secret=secret)
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"
    assert not TelegramUpdate.objects.exists() and not Job.objects.exists()


def test_an_unset_secret_refuses_everything(webhook, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    assert webhook(updates.update(CHAT, "/help"), secret="").status_code == 401


def test_a_repeated_update_id_is_a_no_op(webhook, portal_client, linked_chat):
    linked_chat(client=portal_client, chat_id=CHAT)
    update = updates.update(CHAT, "/help")

    assert webhook(update).json() == {"ok": True}
    assert webhook(update).status_code == 200

    assert len(said()) == 1


def test_start_with_a_token_links_the_chat_once(webhook, portal_client):
    token = services.link_token_issue(client=portal_client)

    webhook(updates.update(CHAT, f"/start {token}"))
    webhook(updates.update(CHAT + 1, f"/start {token}"))  # a second use

    assert chat_of(portal_client).chat_id == CHAT
    assert said()[0].startswith("Готово")
    assert "устарела или уже использована" in said(CHAT + 1)[0]


def test_an_unlinked_chat_is_only_told_how_to_link(webhook):
    for text in ("/tickets", "/new", "привет", "/start"):
        webhook(updates.update(CHAT, text))

    assert len(said()) == 4
    assert all("https://support.example.ru/notifications/" in text for text in said())


def test_tickets_lists_open_ones_with_a_button_to_the_card(webhook, portal_client, linked_chat,
                                                           make_ticket):
    linked_chat(client=portal_client, chat_id=CHAT)
    open_one = make_ticket(portal_client, title="Принтер")
    closed = make_ticket(portal_client, title="Сканер")
    ticket_services.ticket_change_status(ticket=closed, status="closed", source="admin")

    webhook(updates.update(CHAT, "/tickets"))

    job = Job.objects.filter(kind="bot_reply").latest("id")
    assert f"#{open_one.pk} Принтер — Новая" in job.payload["text"]
    assert "Сканер" not in job.payload["text"]
    assert job.payload["reply_markup"] == {"inline_keyboard": [[{
        "text": f"#{open_one.pk} Принтер",
        "url": f"https://support.example.ru/tickets/{open_one.pk}/"}]]}


def _notified(ticket, chat_id, message_id=77):
    notification = Notification.objects.filter(ticket=ticket).latest("id")
    Notification.objects.filter(pk=notification.pk).update(external_id=message_id)
    return {"message_id": message_id, "chat": {"id": chat_id, "type": "private"}, "text": "…"}


def test_a_reply_to_a_notification_adds_the_clients_message(webhook, portal_client, linked_chat,
                                                            make_ticket, make_message):
    linked_chat(client=portal_client, chat_id=CHAT)
    ticket = make_ticket(portal_client)
    make_message(ticket, "Какая модель?")
    update = updates.update(CHAT, "HP 1020", reply_to=_notified(ticket, CHAT))

    webhook(update)
    webhook(update)  # Telegram retried: still one message

    messages = ticket.messages.filter(source=Message.Source.TELEGRAM)
    assert [(m.text, m.author_kind) for m in messages] == [("HP 1020", "client")]
    assert said()[-1] == f"Добавил ваше сообщение в заявку #{ticket.pk}."


def test_a_reply_on_a_waiting_ticket_takes_it_back_in_progress(webhook, portal_client,
                                                               linked_chat, make_ticket):
    # The conversation drives the status whatever the channel: the turn is ours again.
    linked_chat(client=portal_client, chat_id=CHAT)
    ticket = make_ticket(portal_client)
    ticket_services.ticket_change_status(ticket=ticket, status="waiting", source="admin")

    webhook(updates.update(CHAT, "Модель HP 1020", reply_to=_notified(ticket, CHAT)))

    ticket.refresh_from_db()
    assert (ticket.status, ticket.last_public_by) == (Ticket.Status.IN_PROGRESS, "client")
    change = ticket.status_changes.order_by("-at", "-pk").first()
    assert (change.from_status, change.source) == ("waiting", Message.Source.TELEGRAM)


def test_a_reply_on_a_closed_ticket_says_it_is_closed(webhook, portal_client, linked_chat,
                                                      make_ticket):
    linked_chat(client=portal_client, chat_id=CHAT)
    ticket = make_ticket(portal_client)
    ticket_services.ticket_change_status(ticket=ticket, status="closed", source="admin")

    webhook(updates.update(CHAT, "Ещё вопрос", reply_to=_notified(ticket, CHAT)))

    assert not ticket.messages.exists()
    assert said()[-1] == f"Заявка #{ticket.pk} закрыта, ответить в ней нельзя. Создайте новую: /new."


def test_a_reply_to_another_clients_notification_is_refused(webhook, portal_client, make_client,
                                                           linked_chat, make_ticket):
    linked_chat(client=portal_client, chat_id=CHAT)
    other = make_ticket(make_client())
    Notification.objects.create(event="reply", channel="telegram", address=str(CHAT), text="…",
                                ticket=other, external_id=5)

    webhook(updates.update(CHAT, "Чужое", reply_to={"message_id": 5}))

    assert not other.messages.exists()


def test_anything_else_gets_the_help(webhook, portal_client, linked_chat):
    linked_chat(client=portal_client, chat_id=CHAT)

    webhook(updates.update(CHAT, "Здравствуйте!"))

    assert "/tickets" in said()[-1] and "/new" in said()[-1]


def test_new_files_a_ticket_in_a_short_dialog(webhook, portal_client, linked_chat, department):
    linked_chat(client=portal_client, chat_id=CHAT)

    for text in ("/new", "1", "Не работает почта", "Письма не уходят с утра."):
        webhook(updates.update(CHAT, text))

    ticket = Ticket.objects.get(client=portal_client)
    assert (ticket.title, ticket.description, ticket.department) == (
        "Не работает почта", "Письма не уходят с утра.", department)
    assert f"Заявка #{ticket.pk} создана" in said()[-1]
    assert department.name in said()[0]
    assert not BotDialog.objects.exists()


def test_cancel_stops_the_dialog(webhook, portal_client, linked_chat, department):
    linked_chat(client=portal_client, chat_id=CHAT)

    for text in ("/new", "/cancel"):
        webhook(updates.update(CHAT, text))

    assert said()[-1] == "Хорошо, заявку не создаю." and not Ticket.objects.exists()


def test_webhook_never_calls_telegram(webhook, portal_client, linked_chat, settings):
    settings.TELEGRAM_API_URL = "http://127.0.0.1:9"  # nothing listens: a call would fail
    linked_chat(client=portal_client, chat_id=CHAT)

    assert webhook(updates.update(CHAT, "/tickets")).status_code == 200


def test_a_malformed_update_still_answers_200(webhook):
    assert webhook({"update_id": 1, "message": {"chat": "x"}}).status_code == 200
    assert webhook({"message": {}}).status_code == 400


def test_with_telegram_off_the_bot_queues_nothing(webhook, settings):
    settings.TELEGRAM_BOT_TOKEN = ""

    assert webhook(updates.update(CHAT, "/help")).status_code == 200

    assert not Job.objects.exists()


def test_start_without_a_code_in_a_linked_chat_gives_the_help(webhook, portal_client, linked_chat):
    linked_chat(client=portal_client, chat_id=CHAT)

    webhook(updates.update(CHAT, "/start"))

    assert "/tickets" in said()[-1]


def test_an_abandoned_dialog_does_not_take_the_next_message(webhook, portal_client, linked_chat,
                                                           department):
    linked_chat(client=portal_client, chat_id=CHAT)
    webhook(updates.update(CHAT, "/new"))
    BotDialog.objects.update(updated_at=timezone.now() - timedelta(hours=1))

    webhook(updates.update(CHAT, "1"))

    assert not BotDialog.objects.exists() and "/tickets" in said()[-1]
