"""The worker's chore that deletes stored files no attachment row names."""

import os
import time

import pytest
from django.core.files.base import ContentFile

from delivery import chores
from tickets import services
from tickets.models import Attachment, Message
from tickets.models.attachments import attachments_storage
from tickets.services.attachment_orphans import orphans_prune

from .files_helpers import png_upload

pytestmark = pytest.mark.django_db


def _age(name, seconds):
    path = attachments_storage().path(name)
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_an_old_file_no_row_names_is_deleted_and_named_files_stay(portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    message = services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT,
                                   text="Фото", source=Message.Source.PORTAL,
                                   files=[png_upload()])
    attachment = message.attachments.get()
    storage = attachments_storage()
    orphan = storage.save("2026/01/orphan.png", ContentFile(b"left behind"))
    fresh = storage.save("2026/01/fresh.png", ContentFile(b"being written now"))
    for name in (orphan, attachment.file.name, attachment.thumbnail.name):
        _age(name, 2 * 3600)

    assert orphans_prune() == "Вложения: удалено файлов без записи 1"

    assert not storage.exists(orphan)
    assert storage.exists(fresh)  # younger than the grace period: its message may come
    assert storage.exists(attachment.file.name) and storage.exists(attachment.thumbnail.name)
    assert Attachment.objects.count() == 1
    storage.delete(fresh)


def test_the_worker_runs_it_as_a_chore():
    orphan = attachments_storage().save("2026/02/orphan.pdf", ContentFile(b"left behind"))
    _age(orphan, 2 * 3600)
    # Files earlier tests aged may go too (their rows were rolled back): count at least ours.
    [line] = [line for line in chores.run_due() if line.startswith("Вложения")]
    assert int(line.rsplit(" ", 1)[1]) >= 1
    assert not attachments_storage().exists(orphan)
