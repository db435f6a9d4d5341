"""Reads and leases of the outbox: which jobs are due, and who holds them.

Only the oldest unfinished job of a key (its *head*) may be sent, so jobs of
one ticket or chat go strictly in order, and a dead job holds its key's later
jobs until someone retries it. Jobs are leased in a short transaction and sent
outside any, so no lock is held while a provider answers; several workers
never send the same job (PostgreSQL: ``SKIP LOCKED``).
"""

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext

from .models import Job, Pause

State = Job.State


def lease_expired_error() -> str:
    return gettext("Воркер остановился во время отправки (истёк срок аренды): "
                   "вызов мог дойти, перед повтором проверим, что он сделал.")


def _recover_expired(sender, now) -> None:
    """A lease that ran out with no outcome recorded: the worker died mid-call.

    The call may have been made, so it counts as a failed attempt (which makes
    the sender look before sending again); one try too many makes it dead.
    Each UPDATE re-checks ``locked_until``, so two workers count it once.
    """
    expired = Job.objects.filter(channel=sender.channel, state=State.PENDING,
                                 locked_until__lt=now)
    changes = {"attempts": F("attempts") + 1, "locked_until": None,
               "last_error": lease_expired_error()}
    expired.filter(attempts__gte=sender.max_attempts - 1).update(state=State.DEAD, **changes)
    expired.update(**changes)


def due_heads(sender, now, *, due_before=None):
    earlier_unfinished = Job.objects.filter(
        channel=OuterRef("channel"), key=OuterRef("key"), id__lt=OuterRef("id"),
        state__in=[State.PENDING, State.DEAD],
    )
    scopes = set(Pause.objects.filter(channel=sender.channel, until__gt=now)
                 .values_list("scope", flat=True))
    heads = Job.objects.filter(channel=sender.channel, state=State.PENDING,
                               next_attempt_at__lte=due_before or now, locked_until__isnull=True)
    if "" in scopes:  # the whole channel waits
        return heads.none()
    return (heads.exclude(kind__in=sender.paused_kinds(scopes))
            .exclude(Exists(earlier_unfinished))
            .order_by("next_attempt_at", "id"))


def claim(sender, limit, *, now=None, due_before=None) -> list[Job]:
    """Lease up to ``limit`` heads due by ``due_before`` (default: now) for this worker."""
    now = now or timezone.now()
    with transaction.atomic():
        _recover_expired(sender, now)
        heads = due_heads(sender, now, due_before=due_before)
        if connection.features.has_select_for_update_skip_locked:
            heads = heads.select_for_update(skip_locked=True, of=("self",))
        ids = list(heads.values_list("id", flat=True)[:limit])
        if ids:
            Job.objects.filter(id__in=ids).update(
                locked_until=now + timedelta(seconds=sender.lease_seconds))
    return list(Job.objects.filter(id__in=ids).select_related("ticket").order_by("id"))


def release(jobs) -> None:
    """Give leased jobs back untried (those this worker still holds)."""
    for job in jobs:
        Job.objects.filter(pk=job.pk, locked_until=job.locked_until).update(locked_until=None)


def renew(sender, jobs) -> None:
    """A fresh lease for leased jobs this worker still holds (``job.locked_until`` follows)."""
    until = timezone.now() + timedelta(seconds=sender.lease_seconds)
    for job in jobs:
        if Job.objects.filter(pk=job.pk, locked_until=job.locked_until).update(
                locked_until=until):
            job.locked_until = until


def next_due_in(channels, now=None) -> float | None:
    """Seconds until the next pending job of these channels is due (``None``: none pending)."""
    now = now or timezone.now()
    upcoming = (Job.objects.filter(channel__in=channels, state=State.PENDING)
                .order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first())
    if upcoming is None:
        return None
    return max((upcoming - now).total_seconds(), 0.0)
