"""Files on a message or a ticket's description: what is accepted, and how it is stored.

- At most ``MAX_FILES`` files a message, each at most ``ATTACHMENT_MAX_MB``.
- The kind is read from the bytes (``tickets.files.sniff``), never the name;
  programs are refused, and so is anything not in the list of kinds.
- Names are made safe; images are re-encoded without EXIF and get a thumbnail.
- With ``CLAMD_SOCKET`` set, every file is scanned; an infected one is refused
  and logged, and an unanswered scan refuses the upload (fail closed).
- Stored together with their message: ``removed_on_failure`` deletes what
  was written when the transaction that was to record it fails, so there is
  never a message without its files nor a file without its row.
"""

import logging
import struct
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _

from .. import signals
from ..files import clamd, heif, images, names, sniff
from ..models import Attachment, Ticket
from ..models.attachments import attachments_storage

logger = logging.getLogger("tickets.attachments")

MAX_FILES = 5
FIELD = "files"
def allowed_text() -> str:
    return _("Подойдут изображения (JPEG, PNG, WebP, HEIC), PDF, документы Word, Excel, "
                 "PowerPoint и OpenDocument, текст, CSV и ZIP.")


@dataclass
class Upload:
    """A file that passed every check, ready to store."""

    name: str
    kind: sniff.Kind
    content: File
    size: int
    thumbnail: bytes | None = None


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_MB * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def _shown(raw_name: str) -> str:
    """The name as a refusal quotes it: the last part, no control characters, short."""
    return names.clean_base(raw_name)[:60] or _("без имени")


def _refuse(raw_name, reason):
    return ValidationError(_("Файл «%(name)s»: %(reason)s") % {"name": _shown(raw_name),
                                                               "reason": reason},
                           code="file_refused")


def _scan(upload_file, raw_name):
    if not settings.CLAMD_SOCKET:
        return
    try:
        signature = clamd.scan(upload_file, socket_path=settings.CLAMD_SOCKET,
                               timeout=settings.CLAMD_TIMEOUT)
    except clamd.ScanUnavailable as exc:
        logger.error("clamd did not answer for %r: %s", _shown(raw_name), exc)
        raise _refuse(raw_name, _("не удалось проверить его на вирусы (сервис проверки не "
                                  "отвечает). Попробуйте отправить ещё раз через несколько "
                                  "минут.")) from exc
    if signature:
        logger.warning("infected upload refused: %r, clamd found %s", _shown(raw_name),
                       signature)
        raise _refuse(raw_name, _("в нём найден вирус (%(signature)s), файл не принят. "
                                  "Проверьте компьютер антивирусом.") % {"signature": signature})


def _check_one(upload_file) -> Upload:
    raw_name = getattr(upload_file, "name", "") or ""
    size = upload_file.size
    if not size:
        raise _refuse(raw_name, _("файл пустой. Выберите его ещё раз."))
    if size > max_bytes():
        raise _refuse(raw_name, _("весит %(size)s МБ, а можно не больше %(max)d МБ. "
                                  "Уменьшите его или разбейте на части.")
                      % {"size": _megabytes(size), "max": settings.ATTACHMENT_MAX_MB})
    code = sniff.detect(upload_file, name=raw_name)
    if code == sniff.EXECUTABLE:
        raise _refuse(raw_name, _("это программа, такие файлы не принимаются. ") + allowed_text())
    if code is None:
        raise _refuse(raw_name, _("такой тип файла не принимается. ") + allowed_text())
    _scan(upload_file, raw_name)
    kind = sniff.kind_of(code)
    name = names.safe_name(raw_name, kind)
    if kind.code == "heic":
        upload_file.seek(0)
        try:
            data = heif.strip_metadata(upload_file.read())
        except (heif.HeifError, IndexError, struct.error) as exc:
            raise _refuse(raw_name, _("не удалось убрать из фото сведения о месте съёмки. "
                                      "Пришлите его в JPEG или PNG (например, скриншотом).")) \
                from exc
        return Upload(name=name, kind=kind, content=ContentFile(data, name=name), size=len(data))
    if not kind.image:
        upload_file.seek(0)
        return Upload(name=name, kind=kind, content=File(upload_file, name=name), size=size)
    upload_file.seek(0)
    try:
        data, thumbnail = images.clean(upload_file.read())
    except images.ImageError as exc:
        raise _refuse(raw_name, _("не открывается как изображение: файл повреждён или "
                                  "слишком велик в пикселях (больше 50 мегапикселей).")) from exc
    return Upload(name=name, kind=kind, content=ContentFile(data, name=name), size=len(data),
                  thumbnail=thumbnail)


def attachments_check(files) -> list[Upload]:
    """Check and clean uploaded files; ``ValidationError({"files": [...]})`` names each
    refused one. Already checked ``Upload`` objects pass through as they are."""
    files = [f for f in files or () if f]
    if len(files) > MAX_FILES:
        raise ValidationError({FIELD: _("Можно приложить не больше %(max)d файлов к одному "
                                        "сообщению, а выбрано %(n)d.")
                               % {"max": MAX_FILES, "n": len(files)}}, code="too_many")
    uploads, errors = [], []
    for upload_file in files:
        if isinstance(upload_file, Upload):
            uploads.append(upload_file)
            continue
        try:
            uploads.append(_check_one(upload_file))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError({FIELD: errors})
    return uploads


def _remove(stored_names):
    storage = attachments_storage()
    for name in stored_names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("could not remove %s after a failed save", name)


@contextmanager
def removed_on_failure():
    """Yields a list ``attachments_store`` writes stored names into; if the block
    fails (the transaction that records them rolls back), those files are deleted."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        _remove(stored)
        raise


def attachments_store(*, ticket, message, uploads, stored: list) -> list[Attachment]:
    """Write the files and their rows (call inside the transaction of ``message``).

    A storage failure (disk full, permissions, S3 down) is a ``ValidationError``
    on ``files`` that says so; the caller's transaction then rolls back.
    """
    rows = []
    for upload in uploads:
        row = Attachment(ticket=ticket, message=message, name=upload.name,
                         content_type=upload.kind.content_type, size=upload.size)
        try:
            row.file.save(upload.name, upload.content, save=False)
            stored.append(row.file.name)
            if upload.thumbnail:
                row.thumbnail.save("thumb.jpg", ContentFile(upload.thumbnail), save=False)
                stored.append(row.thumbnail.name)
        except OSError as exc:
            logger.exception("could not store an attachment of ticket %s", ticket.pk)
            raise ValidationError(
                {FIELD: _("Не удалось сохранить файлы на сервере (нет места или хранилище "
                          "недоступно). Сообщение не отправлено: попробуйте ещё раз позже "
                          "или отправьте текст без файлов.")}, code="storage") from exc
        rows.append(row)
    Attachment.objects.bulk_create(rows)
    if rows and not ticket.has_files:
        Ticket.objects.filter(pk=ticket.pk).update(has_files=True)
        ticket.has_files = True
    if message is None and rows:
        signals.description_files_stored.send(sender=Ticket, ticket=ticket, attachments=rows)
    return rows


def summary_text(uploads) -> str:
    """The text of a message that is only files."""
    return "📎 " + ", ".join(upload.name for upload in uploads)
