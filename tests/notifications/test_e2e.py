"""End to end: the real webhook view and the real worker against the fake Bot API
(tests/fakes/telegram_server.py) over HTTP on 127.0.0.1."""

import pytest
from django.utils import timezone

from delivery.models import Job, Pause
from notifications import services as notification_services
from notifications.models import Notification
from tickets import services
from tickets.models import Message, Ticket

from .conftest import chat_of, jobs, telegram_pass

pytestmark = pytest.mark.django_db(transaction=True)
CHAT = 7001


def _link_through_bot(webhook, fake, client):
    token = notification_services.link_token_issue(client=client)
    assert webhook(fake.update(CHAT, f"/start {token}")).status_code == 200
    telegram_pass()


def manager_says(ticket, text, **fields):
    return services.message_add(ticket=ticket, author_kind=Message.AuthorKind.MANAGER, text=text,
                                source=Message.Source.ADMIN, author_name="Ирина", **fields)


def test_linking_from_the_page_then_start_links_the_chat_and_says_so(
        logged_in, portal_client, fake_telegram, webhook):
    page = logged_in.get("/notifications/").content.decode()
    link = page.split('id="telegram-link" href="')[1].split('"')[0]
    assert link.startswith("https://t.me/portal_test_bot?start=")

    assert webhook(fake_telegram.update(CHAT, "/start " + link.split("start=")[1])).status_code == 200
    summary = telegram_pass()

    assert chat_of(portal_client).chat_id == CHAT
    assert summary.sent == 1
    assert fake_telegram.sent_to(CHAT)[0].startswith("Готово")
    assert "Telegram привязан" in logged_in.get("/notifications/").content.decode()


def test_a_reply_reaches_the_chat_and_an_internal_note_never_does(
        portal_client, make_ticket, fake_telegram, webhook):
    _link_through_bot(webhook, fake_telegram, portal_client)
    ticket = make_ticket(portal_client, title="Не печатает <принтер> & *сканер*")

    manager_says(ticket, "Проверяем драйвер.", is_internal=True)
    manager_says(ticket, "Переустановите драйвер, пожалуйста.")
    telegram_pass()

    texts = fake_telegram.sent_to(CHAT)[1:]
    assert len(texts) == 1
    assert f"#{ticket.pk} «Не печатает <принтер> & *сканер*»" in texts[0]
    assert "Переустановите драйвер" in texts[0] and "Проверяем драйвер" not in texts[0]
    assert f"https://support.example.ru/tickets/{ticket.pk}/" in texts[0]
    notification = Notification.objects.get(ticket=ticket)
    assert notification.state == Notification.State.SENT
    assert notification.external_id == fake_telegram.message(CHAT)["message_id"]


def test_three_quick_messages_become_one_notification(portal_client, make_ticket,
                                                      fake_telegram, webhook):
    _link_through_bot(webhook, fake_telegram, portal_client)
    ticket = make_ticket(portal_client)

    for text in ("Добрый день.", "Проверили ваш принтер.", "Драйвер обновлён."):
        manager_says(ticket, text)
    telegram_pass()

    (text,) = fake_telegram.sent_to(CHAT)[1:]
    assert text.index("Добрый день.") < text.index("Проверили") < text.index("Драйвер обновлён.")
    assert Notification.objects.get(ticket=ticket).message_ids == list(
        ticket.messages.order_by("id").values_list("id", flat=True))


def test_a_reply_from_telegram_reaches_the_card(logged_in, portal_client, make_ticket,
                                                fake_telegram, webhook):
    _link_through_bot(webhook, fake_telegram, portal_client)
    ticket = make_ticket(portal_client)
    manager_says(ticket, "Какая модель принтера?")
    telegram_pass()
    notification_message = fake_telegram.message(CHAT)

    webhook(fake_telegram.update(CHAT, "HP LaserJet 1020", reply_to=notification_message))
    telegram_pass()

    message = ticket.messages.latest("id")
    assert (message.text, message.source, message.author_kind) == (
        "HP LaserJet 1020", "telegram", "client")
    assert "HP LaserJet 1020" in logged_in.get(f"/tickets/{ticket.pk}/").content.decode()
    assert fake_telegram.sent_to(CHAT)[-1] == f"Добавил ваше сообщение в заявку #{ticket.pk}."


def test_status_changes_to_resolved_invite_to_rate(portal_client, make_ticket, fake_telegram,
                                                  webhook):
    _link_through_bot(webhook, fake_telegram, portal_client)
    ticket = make_ticket(portal_client)

    services.ticket_change_status(ticket=ticket, status=Ticket.Status.IN_PROGRESS, source="admin")
    services.ticket_change_status(ticket=ticket, status=Ticket.Status.RESOLVED, source="admin")
    telegram_pass()

    (text,) = fake_telegram.sent_to(CHAT)[1:]  # in_progress is not told
    assert "Решена" in text and "Оцените" in text


def test_order_is_kept_per_chat_across_a_5xx(portal_client, make_ticket, fake_telegram, webhook):
    _link_through_bot(webhook, fake_telegram, portal_client)
    ticket = make_ticket(portal_client)
    services.ticket_change_status(ticket=ticket, status=Ticket.Status.WAITING, source="admin")
    services.ticket_change_status(ticket=ticket, status=Ticket.Status.IN_PROGRESS, source="admin")
    services.ticket_change_status(ticket=ticket, status=Ticket.Status.CLOSED, source="admin")
    fake_telegram.fail_next(1, 502)

    first = telegram_pass()
    assert (first.sent, first.retrying) == (0, 1)  # the pass ends: Telegram is in trouble
    while Job.objects.filter(state=Job.State.PENDING).exists():
        telegram_pass()

    texts = fake_telegram.sent_to(CHAT)[1:]
    assert ["Ждём вашего ответа" in texts[0], "Закрыта" in texts[1]] == [True, True]


def test_429_makes_the_channel_wait_retry_after_then_it_is_sent(
        portal_client, make_ticket, fake_telegram, webhook):
    _link_through_bot(webhook, fake_telegram, portal_client)
    ticket = make_ticket(portal_client)
    services.ticket_change_status(ticket=ticket, status=Ticket.Status.WAITING, source="admin")
    fake_telegram.fail_next(1, 429, retry_after=30)

    summary = telegram_pass()

    job = jobs()[-1]
    assert (summary.retrying, job.attempts) == (1, 0)  # a wait spends no attempt
    assert "retry after 30" in job.last_error
    assert telegram_pass(wait=False).sent == 0  # paused for 30 s
    Pause.objects.update(until=timezone.now())  # the 30 s are over
    assert telegram_pass(seconds=31).sent == 1


def test_403_unlinks_the_chat_and_nothing_more_is_sent(portal_client, make_ticket,
                                                      fake_telegram, webhook):
    _link_through_bot(webhook, fake_telegram, portal_client)
    ticket = make_ticket(portal_client)
    fake_telegram.blocked.add(CHAT)
    services.ticket_change_status(ticket=ticket, status=Ticket.Status.WAITING, source="admin")

    summary = telegram_pass()

    assert summary.dead == 1 and chat_of(portal_client) is None
    assert Notification.objects.get(ticket=ticket).state == Notification.State.FAILED
    services.ticket_change_status(ticket=ticket, status=Ticket.Status.CLOSED, source="admin")
    assert Notification.objects.filter(ticket=ticket).count() == 1  # nothing queued any more
    assert fake_telegram.methods().count("sendMessage") == 2  # "Готово" and the refused one


def test_timeout_is_retried_and_may_arrive_twice(portal_client, make_ticket, fake_telegram,
                                                  webhook, settings):
    # DESIGN: timeouts are retried. The Bot API cannot look a message up, so one whose
    # answer was lost arrives again: twice beats never.
    _link_through_bot(webhook, fake_telegram, portal_client)
    ticket = make_ticket(portal_client)
    settings.TELEGRAM_TIMEOUT = 0.5
    fake_telegram.latency = 2.0  # sent, but the answer comes after the client gave up
    services.ticket_change_status(ticket=ticket, status=Ticket.Status.WAITING, source="admin")

    summary = telegram_pass()
    fake_telegram.latency = 0
    assert fake_telegram.wait_idle()
    again = telegram_pass()

    assert (summary.retrying, again.sent) == (1, 1)
    assert len(fake_telegram.sent_to(CHAT)) == 3  # "Готово" and the notification, twice
    assert Notification.objects.get(ticket=ticket).state == Notification.State.SENT
