"""An erased client (tickets.signals.client_erased) is forgotten by notifications too."""

import pytest
from django.contrib.auth import get_user_model

from delivery.models import Job
from notifications.models import ClientPreference, LinkToken, Notification, TelegramChat
from notifications.services import link_token_issue
from tickets import services

from .conftest import telegram_pass

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(db):
    return get_user_model().objects.create_user(username="lead", is_staff=True)


def test_the_chat_is_unlinked_and_what_was_said_is_blanked(
        portal_client, make_client, make_ticket, make_message, linked_chat, lead,
        fake_telegram):
    other = make_client(name="Борис")
    linked_chat(client=portal_client)
    linked_chat(client=other, chat_id=5550002)
    link_token_issue(client=portal_client)
    ticket = make_ticket(portal_client, title="Принтер Алексея")
    make_message(ticket, "Первый ответ")
    telegram_pass()  # sent: its job is done, its text stays in our tables
    make_message(ticket, "Второй ответ")  # waits out its window: pending
    make_message(make_ticket(other), "Ответ Борису")
    assert Job.objects.filter(state=Job.State.PENDING).exists()

    services.client_erase(erasure=services.erasure_request(client=portal_client), by=lead)

    assert not TelegramChat.objects.filter(client=portal_client).exists()
    assert not LinkToken.objects.filter(client=portal_client).exists()
    assert ClientPreference.objects.get(client=portal_client).channel == "off"
    mine = Notification.objects.filter(ticket=ticket)
    assert mine.count() == 2
    assert set(mine.values_list("text", "address")) == {("Удалено по запросу клиента", "")}
    jobs = Job.objects.filter(pk__in=mine.values("job_id"))
    assert set(jobs.values_list("state", flat=True)) == {Job.State.DONE, Job.State.DEAD}
    assert all(job.payload == {} for job in jobs)
    # Борис still hears from us.
    assert TelegramChat.objects.filter(client=other).exists()
    assert "Ответ Борису" in Notification.objects.get(client=other).text


def test_nothing_more_reaches_the_old_chat(portal_client, make_ticket, make_message,
                                           linked_chat, lead, fake_telegram):
    linked_chat(client=portal_client)
    ticket = make_ticket(portal_client)
    services.client_erase(erasure=services.erasure_request(client=portal_client), by=lead)

    make_message(ticket, "Ответ после удаления")
    telegram_pass()

    assert not Notification.objects.filter(ticket=ticket, state="sent").exists()
