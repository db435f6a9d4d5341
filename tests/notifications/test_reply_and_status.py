"""«…и ждать ответа клиента» / «…и решить»: the client hears one message, not a reply and
then a status; a status change with no reply in its window is still told on its own."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from delivery.models import Job
from notifications import services as notification_services
from notifications.models import Notification, TelegramChat
from tests.helpers import logged_in_as
from tests.tickets.admin_helpers import change_url
from tests.tickets.test_admin_workspace import rendered_form_data
from tickets import services
from tickets.models import Message, Ticket
from tickets.permissions import MANAGERS_GROUP

from .conftest import telegram_pass

CHAT = 7002
Status = Ticket.Status


@pytest.fixture
def ticket(portal_client, make_ticket):
    return make_ticket(portal_client, title="Не печатаются счета")


@pytest.fixture
def linked(portal_client):
    return TelegramChat.objects.create(chat_id=CHAT, client=portal_client)


def manager_says(ticket, text):
    return services.message_add(ticket=ticket, author_kind=Message.AuthorKind.MANAGER, text=text,
                                source=Message.Source.ADMIN, author_name="Ирина")


@pytest.mark.django_db
@pytest.mark.parametrize("status, says", [
    (Status.WAITING, "Ждём вашего ответа."),
    (Status.RESOLVED, "Заявка решена. Оцените, пожалуйста, как мы помогли"),
])
def test_a_status_set_right_after_a_reply_is_said_by_the_reply(ticket, linked, status, says):
    manager_says(ticket, "Обновите драйвер, пожалуйста.")
    services.ticket_change_status(ticket=ticket, status=status, source="admin")

    (notification,) = Notification.objects.all()
    assert notification.event == "reply"
    text = Job.objects.get(channel="telegram").payload["text"]
    assert text == notification.text
    assert text.index("Обновите драйвер") < text.index(says) < text.index("Ответьте на это")


@pytest.mark.django_db
def test_a_reply_joining_it_later_keeps_the_status_and_closed_takes_no_replies(ticket, linked):
    manager_says(ticket, "Раз")
    services.ticket_change_status(ticket=ticket, status=Status.WAITING, source="admin")
    manager_says(ticket, "Два")  # a manager's reply leaves a waiting ticket waiting

    text = Notification.objects.get().text
    assert "Раз\n\nДва\n\nЖдём вашего ответа." in text

    services.ticket_change_status(ticket=ticket, status=Status.CLOSED, source="admin")
    text = Notification.objects.get().text
    assert "Заявка закрыта." in text and "Ответьте на это" not in text


@pytest.mark.django_db
def test_a_status_after_the_reply_left_is_told_on_its_own(ticket, linked):
    manager_says(ticket, "Ответ")
    Job.objects.update(locked_until=timezone.now() + timedelta(seconds=60))  # being sent

    services.ticket_change_status(ticket=ticket, status=Status.WAITING, source="admin")

    assert list(Notification.objects.order_by("id").values_list("event", flat=True)) == [
        "reply", "waiting"]
    assert "Ждём вашего ответа" not in Notification.objects.get(event="reply").text


@pytest.mark.django_db(transaction=True)
def test_send_and_wait_in_admin_reaches_telegram_as_one_message(
        portal_client, ticket, fake_telegram, webhook):
    token = notification_services.link_token_issue(client=portal_client)
    assert webhook(fake_telegram.update(CHAT, f"/start {token}")).status_code == 200
    telegram_pass()
    manager = get_user_model().objects.create_user(username="irina", first_name="Ирина",
                                                   is_staff=True)
    manager.groups.add(Group.objects.get(name=MANAGERS_GROUP))
    http = logged_in_as(manager)

    response = http.post(change_url(ticket), {
        **rendered_form_data(http, ticket), "reply_text": "Какой у вас браузер?",
        "_reply": "wait"})
    assert response.status_code == 302
    telegram_pass()

    (text,) = fake_telegram.sent_to(CHAT)[1:]  # after the bot's «linked»
    assert "Какой у вас браузер?" in text and "Ждём вашего ответа." in text
    assert Ticket.objects.get(pk=ticket.pk).status == Status.WAITING
