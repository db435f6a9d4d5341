"""Files in the attachments storage that no row names: what a process killed between
writing a file and committing its message leaves (or an outer transaction rolled
back after ``message_add`` returned). A chore of the worker deletes those older
than ``ORPHAN_GRACE`` (a request still writing its message is never that slow)."""

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from ..models import Attachment
from ..models.attachments import attachments_storage

logger = logging.getLogger("tickets.attachments")
ORPHAN_GRACE = timedelta(hours=1)


def _walk(storage, folder=""):
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def orphans_prune() -> str:
    """Delete stored files no ``Attachment`` names, once older than ``ORPHAN_GRACE``."""
    storage = attachments_storage()
    cutoff = timezone.now() - ORPHAN_GRACE
    try:
        stored = list(_walk(storage))
    except FileNotFoundError:
        return ""  # nothing was ever stored
    known = set()
    for start in range(0, len(stored), 500):
        chunk = stored[start:start + 500]
        known.update(name for pair in Attachment.objects.filter(
            Q(file__in=chunk) | Q(thumbnail__in=chunk)).values_list("file", "thumbnail")
            for name in pair)
    removed = 0
    for name in stored:
        if name in known or storage.get_modified_time(name) > cutoff:
            continue
        storage.delete(name)
        removed += 1
    if removed:
        logger.warning("removed %d attachment files no message or ticket names", removed)
    return f"Вложения: удалено файлов без записи {removed}" if removed else ""
