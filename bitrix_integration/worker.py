"""Delivers the outbox to Bitrix24.

- Jobs of one ticket go strictly in order: only the oldest unfinished job of a
  ticket (its *head*) may be sent, so comments wait for the lead and a dead
  job holds the ticket's later jobs until someone retries it in admin.
- Jobs are *leased* in a short transaction (``locked_until``) and sent outside
  any transaction, so no database lock is held while Bitrix answers and
  several workers never send the same job (PostgreSQL: ``SKIP LOCKED``).
- One request per ``1 / BITRIX_RATE_PER_SECOND`` seconds at most; up to 50
  heads go in one ``batch`` when more than one is due.
- Retryable failures back off exponentially with jitter up to an hour; after
  ``BITRIX_MAX_ATTEMPTS`` a job is dead. Configuration errors stop the pass
  and consume no attempt. ``OPERATION_TIME_LIMIT`` pauses that method.
"""

import logging
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from tickets import services as ticket_services
from tickets.models import Message, Ticket

from . import methods, outbox
from .client import BATCH_LIMIT, BitrixClient, BitrixError
from .models import MethodPause, OutboxJob

logger = logging.getLogger(__name__)

Kind, State = OutboxJob.Kind, OutboxJob.State
MAX_BACKOFF_SECONDS = 3600
MIN_PAUSE_SECONDS = 10
METHOD_OF = {Kind.LEAD_ADD: methods.LEAD_ADD, Kind.COMMENT_ADD: methods.TIMELINE_COMMENT_ADD,
             Kind.LEAD_UPDATE: methods.LEAD_UPDATE, Kind.LEAD_READ: methods.LEAD_GET}


class RateLimiter:
    """At most ``rate`` requests per second, evenly spaced, for one process."""

    def __init__(self, rate, *, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self.next_at = 0.0

    def wait(self):
        now = self.clock()
        if self.next_at > now:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


@dataclass
class PassSummary:
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    requests: int = 0
    config_error: str = ""

    @property
    def failed(self):
        return self.retrying + self.dead

    def line(self):
        text = (f"Битрикс24: доставлено {self.sent}, повтор позже {self.retrying}, "
                f"не доставлено {self.dead}, запросов {self.requests}")
        if self.config_error:
            text += f"; ОШИБКА НАСТРОЙКИ: {self.config_error}"
        return text


def backoff_seconds(attempts: int) -> float:
    base = settings.BITRIX_RETRY_BASE_SECONDS * (2 ** max(min(attempts, 40) - 1, 0))
    # Cap before the jitter (at cap / 1.25) so retries near an hour stay spread out.
    return min(base, MAX_BACKOFF_SECONDS / 1.25) * random.uniform(0.75, 1.25)


def due_heads(now, *, due_before=None):
    earlier_unfinished = OutboxJob.objects.filter(
        ticket_id=OuterRef("ticket_id"), id__lt=OuterRef("id"),
        state__in=[State.PENDING, State.DEAD],
    )
    paused = MethodPause.objects.filter(until__gt=now).values_list("method", flat=True)
    paused_kinds = [kind for kind, method in METHOD_OF.items() if method in set(paused)]
    return (
        OutboxJob.objects.filter(state=State.PENDING, next_attempt_at__lte=due_before or now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .filter(Q(uncertain_until__isnull=True) | Q(uncertain_until__lte=now))
        .exclude(kind__in=paused_kinds)
        .exclude(Exists(earlier_unfinished))
        .order_by("next_attempt_at", "id")
    )


def claim(limit, *, now=None, due_before=None) -> list[OutboxJob]:
    """Lease up to ``limit`` heads due by ``due_before`` (default: now) for this worker."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.BITRIX_TIMEOUT * 2 + 60)
    with transaction.atomic():
        heads = due_heads(now, due_before=due_before)
        if connection.features.has_select_for_update_skip_locked:
            heads = heads.select_for_update(skip_locked=True, of=("self",))
        ids = list(heads.values_list("id", flat=True)[:limit])
        if ids:
            OutboxJob.objects.filter(id__in=ids).update(locked_until=now + lease)
    jobs = OutboxJob.objects.filter(id__in=ids).select_related(
        "ticket", "ticket__client", "ticket__department", "ticket__tag").order_by("id")
    return list(jobs)


def _call_for(job: OutboxJob):
    """(method, params) for a job; raises a permanent BitrixError if it cannot be made."""
    lead_id = job.ticket.bitrix_entity_id
    if job.kind == Kind.LEAD_ADD:
        return methods.LEAD_ADD, job.payload
    if job.kind == Kind.LEAD_READ:
        return methods.LEAD_GET, {"id": job.payload["id"]}
    if lead_id is None:
        raise BitrixError("NO_LEAD", "the ticket has no lead in Bitrix24 yet")
    if job.kind == Kind.COMMENT_ADD:
        return methods.TIMELINE_COMMENT_ADD, {"fields": {
            "ENTITY_ID": lead_id, "ENTITY_TYPE": "lead", "COMMENT": job.payload["COMMENT"]}}
    return methods.LEAD_UPDATE, {"id": lead_id, "fields": job.payload["fields"]}


def _find_lost_lead(client, job) -> int | None:
    """A lead created earlier whose answer was lost: found by ORIGIN_ID."""
    leads = client.call(methods.LEAD_LIST, {
        "filter": {"ORIGINATOR_ID": methods.ORIGINATOR_ID,
                   "ORIGIN_ID": methods.origin_id(job.ticket_id)},
        "select": ["ID"], "order": {"ID": "ASC"},
    })
    return int(leads[0]["ID"]) if leads else None


def _succeed(job, result, now):
    if job.kind == Kind.LEAD_ADD:
        Ticket.objects.filter(pk=job.ticket_id).update(bitrix_entity_type="LEAD",
                                                       bitrix_entity_id=int(result))
    elif job.kind == Kind.LEAD_READ:
        result = _apply_lead_state(job, result)
    OutboxJob.objects.filter(pk=job.pk).update(
        state=State.DONE, done_at=now, locked_until=None, last_error="",
        result=result if isinstance(result, dict | list | int | str | bool) else str(result))


def _known_stage(job) -> str | None:
    """The lead's STATUS_ID as this ticket's jobs last sent or read it (``None``: unknown)."""
    earlier = (OutboxJob.objects.filter(ticket_id=job.ticket_id, id__lt=job.id, state=State.DONE,
                                        kind__in=[Kind.LEAD_ADD, Kind.LEAD_UPDATE, Kind.LEAD_READ])
               .order_by("-id").only("kind", "payload", "result"))
    for done in earlier.iterator():
        source = done.result if done.kind == Kind.LEAD_READ else (done.payload or {}).get("fields")
        if isinstance(source, dict) and source.get("STATUS_ID"):
            return str(source["STATUS_ID"])
    return None


def _apply_lead_state(job, lead) -> dict:
    """ONCRMLEADUPDATE: take the lead's stage into the ticket when it maps to another status.

    Only a stage that moved in Bitrix counts: our own update coming back (e.g. only
    STATUS_DESCRIPTION for an unmapped status) leaves the stage we know, and a local
    change still waiting to be sent is newer than what we read.
    """
    status_id = str((lead or {}).get("STATUS_ID") or "")
    candidates = outbox.statuses_for(status_id)
    ticket = Ticket.objects.get(pk=job.ticket_id)
    newer_local = OutboxJob.objects.filter(ticket_id=job.ticket_id, id__gt=job.id,
                                           kind=Kind.LEAD_UPDATE,
                                           state__in=[State.PENDING, State.DEAD]).exists()
    if (not candidates or ticket.status in candidates or newer_local
            or status_id == _known_stage(job)):
        return {"STATUS_ID": status_id, "changed": False}
    ticket_services.ticket_change_status(ticket=ticket, status=candidates[0],
                                         source=Message.Source.BITRIX, actor_name="Битрикс24")
    return {"STATUS_ID": status_id, "changed": True, "status": candidates[0]}


def _fail(job, error: BitrixError, now, summary: PassSummary):
    text = f"{error.code or 'error'}: {error.description}"[:2000]
    if error.config:
        OutboxJob.objects.filter(pk=job.pk).update(locked_until=None, last_error=text)
        return
    if error.pause_until:
        # A reset time already past (clocks differ) would have this pass call again at once.
        until = max(datetime.fromtimestamp(error.pause_until, tz=UTC),
                    now + timedelta(seconds=MIN_PAUSE_SECONDS))
        MethodPause.objects.update_or_create(method=METHOD_OF[job.kind], defaults={"until": until})
        OutboxJob.objects.filter(pk=job.pk).update(locked_until=None, next_attempt_at=until,
                                                   last_error=text)
        summary.retrying += 1
        return
    attempts = job.attempts + 1
    uncertain_until = None
    if error.code == "TIMEOUT" and job.kind in (Kind.LEAD_ADD, Kind.COMMENT_ADD):
        uncertain_until = now + timedelta(seconds=settings.BITRIX_REQUEST_MAX_SECONDS)
    if error.permanent or attempts >= settings.BITRIX_MAX_ATTEMPTS:
        OutboxJob.objects.filter(pk=job.pk).update(state=State.DEAD, attempts=attempts,
                                                   locked_until=None, last_error=text,
                                                   uncertain_until=uncertain_until)
        summary.dead += 1
        logger.error("Bitrix job %s is dead after %s attempts: %s", job.pk, attempts, text)
    else:
        retry_at = now + timedelta(seconds=backoff_seconds(attempts))
        if uncertain_until:
            retry_at = max(retry_at, uncertain_until)
        delay = (retry_at - now).total_seconds()
        OutboxJob.objects.filter(pk=job.pk).update(
            attempts=attempts, locked_until=None, last_error=text, next_attempt_at=retry_at,
            uncertain_until=uncertain_until)
        summary.retrying += 1
        logger.warning("Bitrix job %s failed (attempt %s), retry in %.0f s: %s",
                       job.pk, attempts, delay, text)


def _settle(job, outcome, summary):
    now = timezone.now()
    if isinstance(outcome, BitrixError):
        _fail(job, outcome, now, summary)
        if outcome.config:
            summary.config_error = summary.config_error or str(outcome)
    else:
        _succeed(job, outcome, now)
        summary.sent += 1


def _maybe_sent_before(job) -> bool:
    """An earlier try may have reached Bitrix and lost its answer (admin retry
    resets attempts but keeps last_error)."""
    return job.attempts > 0 or bool(job.last_error)


def _find_lost(client, job):
    """The lead or comment an earlier try created, or ``None``."""
    if job.kind == Kind.LEAD_ADD:
        return _find_lost_lead(client, job)
    if job.kind == Kind.COMMENT_ADD and job.message_id and job.ticket.bitrix_entity_id:
        return _find_lost_comment(client, job)
    return None


def _find_lost_comment(client, job) -> int | None:
    """Our comments carry their message number; look among the lead's latest 50."""
    marker = outbox.comment_marker(job.message_id)
    comments = client.call(methods.TIMELINE_COMMENT_LIST, {
        "filter": {"ENTITY_ID": job.ticket.bitrix_entity_id, "ENTITY_TYPE": "lead"},
        "select": ["ID", "COMMENT"], "order": {"ID": "DESC"},
    })
    for comment in comments or []:
        if marker in str(comment.get("COMMENT", "")):
            return int(comment["ID"])
    return None


def _release(jobs):
    OutboxJob.objects.filter(pk__in=[job.pk for job in jobs]).update(locked_until=None)


def send(client: BitrixClient, jobs, limiter: RateLimiter, summary: PassSummary):
    """Send leased jobs: one call, or a batch when there are several."""
    calls = {}
    for index, job in enumerate(jobs):
        try:
            if job.kind in (Kind.LEAD_ADD, Kind.COMMENT_ADD) and _maybe_sent_before(job):
                limiter.wait()
                summary.requests += 1
                if (found := _find_lost(client, job)) is not None:
                    _settle(job, found, summary)
                    continue
            calls[job.pk] = (job, _call_for(job))
        except BitrixError as error:
            _settle(job, error, summary)
            if error.config:  # stop here; the other leased jobs go back to the queue
                _release([*jobs[index + 1:], *(job for job, _call in calls.values())])
                return
    if not calls:
        return
    limiter.wait()
    summary.requests += 1
    if len(calls) == 1:
        ((job, (method, params)),) = calls.values()
        try:
            _settle(job, client.call(method, params), summary)
        except BitrixError as error:
            _settle(job, error, summary)
        return
    try:
        results, errors = client.batch({f"j{pk}": call for pk, (_job, call) in calls.items()})
    except BitrixError as error:
        for job, _call in calls.values():
            _settle(job, error, summary)
        return
    for pk, (job, _call) in calls.items():
        key = f"j{pk}"
        _settle(job, errors[key] if key in errors else results[key], summary)


def deliver(client=None, *, limiter=None, max_jobs=None, batch_size=BATCH_LIMIT) -> PassSummary:
    """One pass: send every job that is due now (at most ``max_jobs``)."""
    client = client or BitrixClient()
    limiter = limiter or RateLimiter(settings.BITRIX_RATE_PER_SECOND)
    summary = PassSummary()
    if not client.configured:
        summary.config_error = "BITRIX_WEBHOOK_URL не задан"
        return summary
    handled = 0
    started = timezone.now()  # a pass takes what was due when it began, then ends
    while max_jobs is None or handled < max_jobs:
        size = batch_size if max_jobs is None else min(batch_size, max_jobs - handled)
        jobs = claim(size, due_before=started)
        if not jobs:
            break
        handled += len(jobs)
        send(client, jobs, limiter, summary)
        if summary.config_error:
            break
    return summary


def next_due_in(now=None) -> float | None:
    """Seconds until the next pending job is due (``None``: nothing pending)."""
    now = now or timezone.now()
    upcoming = (OutboxJob.objects.filter(state=State.PENDING)
                .order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first())
    if upcoming is None:
        return None
    return max((upcoming - now).total_seconds(), 0.0)
