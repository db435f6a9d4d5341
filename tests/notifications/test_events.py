"""Which changes become notifications, through which channel, and the burst window."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from delivery.models import Job
from notifications.models import ClientPreference, Notification, TelegramChat
from tickets import services
from tickets.models import Department, Message, Ticket

from .conftest import sms_pass

pytestmark = pytest.mark.django_db
CHAT = 1234


@pytest.fixture
def ticket(portal_client, make_ticket):
    return make_ticket(portal_client)


@pytest.fixture
def linked(portal_client):
    return TelegramChat.objects.create(chat_id=CHAT, client=portal_client)


def manager_says(ticket, text, **fields):
    return services.message_add(ticket=ticket, author_kind=Message.AuthorKind.MANAGER, text=text,
                                source=Message.Source.ADMIN, author_name="Ирина", **fields)


def test_an_internal_note_is_never_told(ticket, linked):
    manager_says(ticket, "Клиент путает модели", is_internal=True)

    assert not Notification.objects.exists() and not Job.objects.exists()


def test_telegram_off_queues_nothing(ticket, linked, settings):
    settings.TELEGRAM_BOT_TOKEN = ""

    manager_says(ticket, "Ответ")
    services.ticket_change_status(ticket=ticket, status="waiting", source="admin")

    assert not Job.objects.exists()


def test_a_reply_waits_the_5_second_window_and_later_messages_join_it(ticket, linked):
    before = timezone.now()
    manager_says(ticket, "Раз")
    manager_says(ticket, "Два")

    (job,) = Job.objects.filter(channel="telegram")
    assert before + timedelta(seconds=4) < job.next_attempt_at <= timezone.now() + timedelta(
        seconds=5)
    assert "Раз\n\nДва" in job.payload["text"]
    assert Notification.objects.get().text == job.payload["text"]


def test_a_message_after_a_worker_took_the_job_gets_its_own(ticket, linked):
    manager_says(ticket, "Раз")
    Job.objects.update(locked_until=timezone.now() + timedelta(seconds=60))  # being sent

    manager_says(ticket, "Два")

    assert Notification.objects.count() == 2
    assert "Раз" not in Job.objects.latest("id").payload["text"]


def test_status_changes_told_are_waiting_resolved_closed(ticket, linked):
    for status in ("in_progress", "waiting", "in_progress", "resolved", "closed"):
        services.ticket_change_status(ticket=ticket, status=status, source="admin")

    assert list(Notification.objects.order_by("id").values_list("event", flat=True)) == [
        "waiting", "resolved", "closed"]


def test_a_client_who_chose_off_hears_nothing(ticket, linked, portal_client):
    ClientPreference.objects.create(client=portal_client, channel="off")

    services.ticket_change_status(ticket=ticket, status="waiting", source="admin")

    assert not Notification.objects.exists()


def test_sms_only_for_listed_events_and_without_telegram(ticket, settings, sms_outbox,
                                                         portal_client):
    settings.NOTIFY_SMS_EVENTS = ["waiting"]

    manager_says(ticket, "Ответ")  # "reply" is not listed
    services.ticket_change_status(ticket=ticket, status="waiting", source="admin")
    summary = sms_pass()

    assert summary.sent == 1
    ((phone, text),) = sms_outbox()
    assert phone == "+79991234567" and f"#{ticket.pk}" in text and "Ждём вашего ответа" in text
    assert Notification.objects.get().state == "sent"


def test_a_linked_client_gets_telegram_not_sms(ticket, linked, settings):
    settings.NOTIFY_SMS_EVENTS = ["waiting"]

    services.ticket_change_status(ticket=ticket, status="waiting", source="admin")

    assert Notification.objects.get().channel == "telegram"


def test_telegram_only_means_no_sms(ticket, settings, portal_client):
    settings.NOTIFY_SMS_EVENTS = ["waiting"]
    ClientPreference.objects.create(client=portal_client, channel="telegram")

    services.ticket_change_status(ticket=ticket, status="waiting", source="admin")

    assert not Notification.objects.exists()


@pytest.fixture
def manager(db):
    user = get_user_model().objects.create_user("irina", password="x", is_staff=True)
    TelegramChat.objects.create(chat_id=777, user=user)
    return user


def test_managers_hear_of_new_tickets_critical_at_once(manager, portal_client, make_ticket):
    make_ticket(portal_client, criticality=Ticket.Criticality.CRITICAL, title="Всё упало")
    make_ticket(portal_client, title="Вопрос")

    critical, normal = Job.objects.filter(key="chat:777").order_by("id")
    assert critical.next_attempt_at <= timezone.now() < normal.next_attempt_at
    assert "Новая заявка" in critical.payload["text"] and "Критическая" in critical.payload["text"]


def test_a_manager_with_departments_hears_only_of_theirs(manager, portal_client, make_ticket):
    other = Department.objects.create(name="Бухгалтерия", slug="buh")
    manager.telegram_chat.departments.add(other)

    make_ticket(portal_client)  # the fixture's department

    assert not Notification.objects.exists()


def test_the_assignee_hears_a_clients_reply(manager, ticket):
    services.ticket_assign(ticket=ticket, assignee=manager)
    services.message_add(ticket=ticket, author_kind="client", text="Не помогло", source="portal")

    notification = Notification.objects.get(event="client_reply")
    assert notification.user == manager and "Не помогло" in notification.text
