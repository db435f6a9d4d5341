"""Writes to the outbox: a job in the caller's transaction, and a retry from admin."""

from django.utils import timezone

from tickets.models import Ticket

from .models import Job
from .queue import lease_expired_error


def job_enqueue(*, channel: str, key: str, kind: str, payload: dict | None = None,
                ticket: Ticket | None = None, ticket_id: int | None = None) -> Job:
    """Record a call to make. Call it inside the transaction of the change that
    causes it, so the job exists if and only if the change was committed."""
    return Job.objects.create(channel=channel, key=key, kind=kind, payload=payload or {},
                              ticket=ticket, ticket_id=ticket.pk if ticket else ticket_id)


def job_retry(jobs) -> int:
    """Put failed or waiting jobs back to be sent now, with a fresh count of tries.

    A job a worker holds right now is left alone (it is being sent). The last
    error stays, so the sender still looks for what an earlier try may have
    made before sending again.
    """
    now = timezone.now()
    retried = jobs.exclude(state=Job.State.DONE)
    # A lease that ran out: its worker died mid-call. Freed here, and marked as maybe sent
    # (the sender looks before it sends again), as the next claim would have marked it.
    free = retried.filter(locked_until__isnull=True).update(
        state=Job.State.PENDING, attempts=0, next_attempt_at=now)
    return free + retried.filter(locked_until__lt=now).update(
        state=Job.State.PENDING, attempts=0, next_attempt_at=now, locked_until=None,
        last_error=lease_expired_error())
