"""Files clients and managers attach to a ticket. Kept in private storage, never public."""

import uuid
from pathlib import PurePosixPath

from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .messages import Message
from .tickets import Ticket


def attachments_storage():
    """The ``attachments`` storage of ``STORAGES``: a private folder, or S3 in production."""
    return storages["attachments"]


def attachment_path(instance, filename: str) -> str:
    """Where a file is stored: a random name, so nothing about it can be guessed or clash."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """One file on a ticket: on a message, or (``message`` empty) on the ticket's description."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("заявка")
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments",
        verbose_name=_("сообщение"),
    )
    file = models.FileField(
        _("файл"), storage=attachments_storage, upload_to=attachment_path, max_length=255,
        blank=True,
    )
    thumbnail = models.FileField(
        _("миниатюра"), storage=attachments_storage, upload_to=attachment_path, max_length=255,
        blank=True,
    )
    name = models.CharField(_("имя файла"), max_length=255)
    content_type = models.CharField(_("тип"), max_length=100)
    size = models.PositiveBigIntegerField(_("размер, байт"))
    created_at = models.DateTimeField(_("загружен"), default=timezone.now)
    # Set when the file itself is gone (erasure, retention): the row stays for the dialog.
    removed_at = models.DateTimeField(_("файл удалён"), null=True, blank=True)

    class Meta:
        verbose_name = _("вложение")
        verbose_name_plural = _("вложения")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="attachment_ticket_created"),
        ]

    def __str__(self):
        return self.name
