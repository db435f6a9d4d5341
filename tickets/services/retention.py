"""Attachment files that go away: with an erased client, or ``ATTACHMENT_RETENTION_DAYS``
after their ticket was closed.

Two steps, so nothing is half-done: ``removed_at`` is set in the database first (from
then on the file is not offered or served), then the stored objects are deleted and the
names cleared. An object the storage failed to delete keeps its name, and the next
``attachments_prune`` tries it again.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Attachment, StatusChange, Ticket

logger = logging.getLogger(__name__)
BATCH_SIZE = 500


def attachment_files_delete(attachments: QuerySet | None = None) -> tuple[int, int]:
    """Delete the stored objects of removed attachments (all of them, or of these),
    batch by batch. Returns (deleted, failed); a failed one is kept for the next run."""
    pending = (attachments if attachments is not None else Attachment.objects.all()).filter(
        removed_at__isnull=False).exclude(file="", thumbnail="")
    deleted = failed = 0
    last_pk = 0
    while batch := list(pending.filter(pk__gt=last_pk).order_by("pk")
                        .only("pk", "file", "thumbnail")[:BATCH_SIZE]):
        last_pk = batch[-1].pk
        gone = []
        for attachment in batch:
            try:
                for stored in (attachment.file, attachment.thumbnail):
                    if stored.name:
                        stored.storage.delete(stored.name)
            except Exception:  # noqa: BLE001  any storage failure (disk, S3): retried later
                logger.exception("Attachment %s: its file could not be deleted", attachment.pk)
                failed += 1
            else:
                gone.append(attachment.pk)
        Attachment.objects.filter(pk__in=gone).update(file="", thumbnail="")
        deleted += len(gone)
    return deleted, failed


def expired_attachments(*, cutoff) -> QuerySet[Attachment]:
    """Files still kept on tickets closed before ``cutoff`` (closing time: the last
    change to «Закрыта»; a ticket with no such record counts from its last update)."""
    closed_at = (StatusChange.objects.filter(ticket=OuterRef("ticket"),
                                             to_status=Ticket.Status.CLOSED)
                 .order_by("-at").values("at")[:1])
    return (Attachment.objects.filter(removed_at__isnull=True, ticket__status=Ticket.Status.CLOSED)
            .annotate(closed_at=Coalesce(Subquery(closed_at), F("ticket__updated_at")))
            .filter(closed_at__lt=cutoff))


@dataclass
class PruneResult:
    days: int | None
    deleted: int = 0
    failed: int = 0

    def summary(self) -> str:
        if self.days is None:
            return _("ATTACHMENT_RETENTION_DAYS не задан: файлы хранятся бессрочно, "
                     "ничего не удалено.")
        line = _("Файлы заявок, закрытых больше %(days)d дн. назад: удалено %(deleted)d, "
                 "не удалось удалить %(failed)d.") % {
            "days": self.days, "deleted": self.deleted, "failed": self.failed}
        if self.failed:
            line += " " + _("Причина — в логе; следующий запуск попробует снова.")
        return line


def attachments_prune(*, days: int | None = None, now=None) -> PruneResult:
    """Delete the files of tickets closed more than ``days`` (default
    ``ATTACHMENT_RETENTION_DAYS``; None = keep everything) ago, in batches."""
    days = settings.ATTACHMENT_RETENTION_DAYS if days is None else days
    result = PruneResult(days=days)
    if days is None:
        return result
    if days < 0:  # a cutoff in the future would take the files of every closed ticket
        raise ValueError(f"ATTACHMENT_RETENTION_DAYS / --days must be 0 or more, not {days}")
    now = now or timezone.now()
    # What an earlier run (or an erasure) marked but could not delete comes first.
    result.deleted, result.failed = attachment_files_delete()
    expired = expired_attachments(cutoff=now - timedelta(days=days))
    while ids := list(expired.order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE]):
        Attachment.objects.filter(pk__in=ids, removed_at__isnull=True).update(removed_at=now)
        deleted, failed = attachment_files_delete(Attachment.objects.filter(pk__in=ids))
        result.deleted += deleted
        result.failed += failed
    return result


def attachments_prune_chore() -> str:
    """``DELIVERY_CHORES`` task: the same pruning from the worker, one line or none."""
    result = attachments_prune()
    return result.summary() if result.deleted or result.failed else ""
