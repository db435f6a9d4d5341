"""Every notifications admin page answers 200 for a superuser; a manager reads the record."""

import pytest
from django.urls import reverse

from notifications import outbox
from notifications.models import Notification, TelegramChat

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    chat = TelegramChat.objects.create(chat_id=5, client=portal_client)
    notification = outbox.notify(channel="telegram", address=5, event="waiting",
                                 text="<b>Ждём</b>", ticket=ticket, client=portal_client)
    Notification.objects.filter(pk=notification.pk).update(state="failed", error="400: Bad")
    return notification, chat


@pytest.mark.parametrize("model", [Notification, TelegramChat], ids=lambda m: m._meta.model_name)
def test_changelist_and_change_pages_answer_200(admin_client, rows, model):
    name = f"admin:notifications_{model._meta.model_name}"
    obj = model.objects.get()

    assert admin_client.get(reverse(f"{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200


def test_the_record_shows_channel_state_and_error(admin_client, rows):
    page = admin_client.get(reverse("admin:notifications_notification_changelist")).content

    assert b"400: Bad" in page and "не отправлено".encode() in page
