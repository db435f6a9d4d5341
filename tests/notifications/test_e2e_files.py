"""End to end: a photo or document sent to the bot as a reply to a notification reaches
the ticket through the real webhook, the outbox and the real worker (getFile and the
download against the fake Bot API); nothing is downloaded inside the webhook request."""

import pytest

from delivery.models import Job
from tests.tickets.files_helpers import exe_bytes, has_gps, image_bytes, pdf_bytes
from tickets.models import Attachment, Message, Ticket

from .conftest import telegram_pass
from .test_e2e import CHAT, _link_through_bot, manager_says

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def notified(portal_client, make_ticket, fake_telegram, webhook):
    """A linked chat and a notification of the ticket to reply to: (ticket, its message)."""
    _link_through_bot(webhook, fake_telegram, portal_client)
    ticket = make_ticket(portal_client, title="Принтер")
    manager_says(ticket, "Пришлите фото экрана принтера.")
    telegram_pass()
    return ticket, fake_telegram.message(CHAT)


def test_a_photo_reply_becomes_the_clients_message_with_the_photo(notified, fake_telegram,
                                                                   webhook):
    ticket, notification = notified
    photo = image_bytes("JPEG")
    assert webhook(fake_telegram.photo_update(CHAT, photo, reply_to=notification,
                                              caption="Вот экран")).status_code == 200
    assert fake_telegram.downloads == []  # the webhook only queued it
    assert Job.objects.filter(kind="file_fetch", state="pending").count() == 1

    telegram_pass()
    message = ticket.messages.latest("id")
    assert (message.text, message.source, message.author_kind) == ("Вот экран", "telegram",
                                                                   "client")
    attachment = message.attachments.get()
    assert attachment.content_type == "image/jpeg" and attachment.thumbnail
    assert not has_gps(attachment.file.read())
    assert "getFile" in fake_telegram.methods() and len(fake_telegram.downloads) == 1
    telegram_pass()
    assert fake_telegram.sent_to(CHAT)[-1] == f"Добавил файл в заявку #{ticket.pk}."


def test_a_document_without_caption_is_named_in_the_text(notified, fake_telegram, webhook):
    ticket, notification = notified
    webhook(fake_telegram.document_update(CHAT, pdf_bytes(), "Акт сверки.pdf",
                                          reply_to=notification, mime_type="application/pdf"))
    telegram_pass()
    message = ticket.messages.latest("id")
    assert message.text == "📎 Акт сверки.pdf"
    assert message.attachments.get().name == "Акт сверки.pdf"


def test_a_renamed_program_is_refused_and_the_client_is_told(notified, fake_telegram, webhook):
    ticket, notification = notified
    webhook(fake_telegram.document_update(CHAT, exe_bytes(), "фото.jpg", reply_to=notification))
    telegram_pass()
    telegram_pass()
    assert not Attachment.objects.exists()
    assert not ticket.messages.filter(source=Message.Source.TELEGRAM).exists()
    said = fake_telegram.sent_to(CHAT)[-1]
    assert said.startswith(f"Файл не добавлен в заявку #{ticket.pk}.") and "программа" in said


def test_a_file_over_the_limit_is_refused_at_once_without_a_download(notified, fake_telegram,
                                                                     webhook):
    _ticket, notification = notified
    webhook(fake_telegram.document_update(CHAT, b"x", "big.zip", reply_to=notification,
                                          size=30 * 1024 * 1024))
    assert not Job.objects.filter(kind="file_fetch").exists()
    telegram_pass()
    assert "больше 10 МБ" in fake_telegram.sent_to(CHAT)[-1]
    assert "getFile" not in fake_telegram.methods()


def test_a_download_that_fails_is_retried_then_added_once(notified, fake_telegram, webhook):
    ticket, notification = notified
    webhook(fake_telegram.document_update(CHAT, pdf_bytes(), "a.pdf", reply_to=notification))
    fake_telegram.file_faults.append(502)
    telegram_pass()
    job = Job.objects.get(kind="file_fetch")
    assert (job.state, job.attempts) == ("pending", 1)
    telegram_pass(seconds=600)
    telegram_pass()
    assert ticket.messages.filter(source="telegram").count() == 1
    assert Attachment.objects.count() == 1


def test_a_file_telegram_no_longer_has_is_explained(notified, fake_telegram, webhook):
    ticket, notification = notified
    update = fake_telegram.document_update(CHAT, pdf_bytes(), "a.pdf", reply_to=notification)
    webhook(update)
    fake_telegram.files.clear()  # getFile: "invalid file_id"
    telegram_pass()
    telegram_pass()
    assert Job.objects.get(kind="file_fetch").state == "done"
    assert "Не удалось получить файл «a.pdf»" in fake_telegram.sent_to(CHAT)[-1]
    assert not Attachment.objects.exists()


def test_a_file_to_a_closed_ticket_is_refused_at_once(notified, fake_telegram, webhook):
    ticket, notification = notified
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED)
    webhook(fake_telegram.photo_update(CHAT, image_bytes("JPEG"), reply_to=notification))
    telegram_pass()
    assert "закрыта" in fake_telegram.sent_to(CHAT)[-1]
    assert not Job.objects.filter(kind="file_fetch").exists()


def test_a_file_that_replies_to_nothing_gets_a_hint(notified, fake_telegram, webhook):
    webhook(fake_telegram.photo_update(CHAT, image_bytes("JPEG")))
    telegram_pass()
    assert "ответьте им (Reply)" in fake_telegram.sent_to(CHAT)[-1]
