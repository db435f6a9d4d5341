"""Fixtures of the «Мои данные» tests: attachments stored in a throwaway storage.

Import the fixtures into a test module: ``from .data_fixtures import attachments, store``.
The Attachment fields bind their storage when the model is defined, so the test swaps
it on the fields themselves (and in ``storages``, for code that asks there).
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages

from tickets.models import Attachment


def use_storage(monkeypatch, storage):
    for name in ("file", "thumbnail"):
        monkeypatch.setattr(Attachment._meta.get_field(name), "storage", storage)
    monkeypatch.setitem(storages._storages, "attachments", storage)


@pytest.fixture
def store(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path / "attachments", base_url=None)
    use_storage(monkeypatch, storage)
    return storage


@pytest.fixture
def attachments(store):
    """``attachments(ticket, message=None, name=…, content=…)``: a stored file on a ticket."""

    def make(ticket, message=None, *, name="screen.png", content=b"\x89PNG fake image",
             content_type="image/png", thumbnail=b""):
        attachment = Attachment(ticket=ticket, message=message, name=name,
                                content_type=content_type, size=len(content))
        attachment.file.save(name, ContentFile(content), save=False)
        if thumbnail:
            attachment.thumbnail.save("thumb.webp", ContentFile(thumbnail), save=False)
        attachment.save()
        ticket.has_files = True  # as attachments_store marks it
        type(ticket).objects.filter(pk=ticket.pk).update(has_files=True)
        return attachment

    return make


def many_files(ticket, *, count=200, messages=40):
    """``count`` files (rows only) on ``ticket``: spread over ``messages`` client messages,
    every tenth on the description; for the query-count tests of the cards."""
    from tickets.models import Attachment, Message

    written = [Message.objects.create(ticket=ticket, author_kind="client", text=f"m{n}",
                                      source="portal") for n in range(messages)]
    Attachment.objects.bulk_create([
        Attachment(ticket=ticket, message=written[n % messages] if n % 10 else None,
                   name=f"{n}.png", content_type="image/png", size=10,
                   file=f"x/{n}.png", thumbnail=f"x/{n}t.jpg") for n in range(count)])
    type(ticket).objects.filter(pk=ticket.pk).update(has_files=True)  # as attachments_store
