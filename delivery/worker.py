"""One delivery pass of a channel: lease due jobs, hand them to its sender, record outcomes.

Retryable failures back off exponentially with jitter up to an hour; after
the sender's ``max_attempts`` a job is dead. A configuration error stops the
pass and spends no attempt; so does a provider that cannot be reached (the
jobs not yet tried wait for the next pass). A provider's "wait" holds the job (and, with a
scope, its kind) until then. Nothing a sender raises stops the worker: the
jobs it was sending count a failed attempt each.
"""

import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import queue
from .models import Job, Pause
from .senders import Delivered, Failed, Postponed

logger = logging.getLogger(__name__)

State = Job.State
MAX_BACKOFF_SECONDS = 3600
MIN_WAIT_SECONDS = 10
ERROR_MAX_CHARS = 2000


class RateLimiter:
    """At most ``rate`` requests per second, evenly spaced, for one process."""

    def __init__(self, rate, *, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self.next_at = 0.0
        self.requests = 0

    def wait(self):
        self.requests += 1
        now = self.clock()
        if self.next_at > now:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


@dataclass
class PassSummary:
    label: str = ""
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    requests: int = 0
    config_error: str = ""
    unreachable: bool = False

    @property
    def failed(self):
        return self.retrying + self.dead

    def line(self):
        text = (f"{self.label}: доставлено {self.sent}, повтор позже {self.retrying}, "
                f"не доставлено {self.dead}, запросов {self.requests}")
        if self.config_error:
            text += f"; ОШИБКА НАСТРОЙКИ: {self.config_error}"
        return text


def backoff_seconds(attempts: int, base: float) -> float:
    delay = base * (2 ** max(min(attempts, 40) - 1, 0))
    # Cap before the jitter (at cap / 1.25) so retries near an hour stay spread out.
    return min(delay, MAX_BACKOFF_SECONDS / 1.25) * random.uniform(0.75, 1.25)


def _update(job, **fields):
    """Record an outcome, only while this worker still holds the job's lease: a job whose
    lease ran out was taken over by another worker, and its outcome is that worker's."""
    if not Job.objects.filter(pk=job.pk, locked_until=job.locked_until).update(**fields):
        logger.warning("Job %s: its lease ran out before its outcome was recorded", job.pk)


def _storable(result):
    return result if isinstance(result, dict | list | int | str | bool | None) else str(result)


def _delivered(sender, job, outcome, now, summary):
    try:
        with transaction.atomic():
            result = sender.delivered(job, outcome.result)
            _update(job, state=State.DONE, done_at=now, locked_until=None, last_error="",
                    result=_storable(result))
    except Exception as exc:  # noqa: BLE001  local effects failed: the job is tried again
        logger.exception("%s job %s: delivered, but recording it failed", sender.label, job.pk)
        _failed(sender, job, Failed(f"{type(exc).__name__}: {exc}"), now, summary)
        return
    summary.sent += 1


def _failed(sender, job, outcome: Failed, now, summary):
    error = outcome.error[:ERROR_MAX_CHARS]
    summary.unreachable = summary.unreachable or outcome.unreachable
    if outcome.config:
        summary.config_error = summary.config_error or outcome.error
        if not outcome.wait_until:
            _update(job, locked_until=None, last_error=error)
            return
    if outcome.wait_until:
        # A time already past (clocks differ) would have this pass call again at once.
        until = max(outcome.wait_until, now + timedelta(seconds=MIN_WAIT_SECONDS))
        if outcome.pause_scope is not None:
            Pause.objects.update_or_create(channel=sender.channel, scope=outcome.pause_scope,
                                           defaults={"until": until, "reason": error})
        _update(job, locked_until=None, next_attempt_at=until, last_error=error)
        summary.retrying += 0 if outcome.config else 1
        return
    attempts = job.attempts + 1
    uncertain = max(filter(None, [outcome.uncertain_until, job.uncertain_until]), default=None)
    if not outcome.retryable or attempts >= sender.max_attempts:
        _update(job, state=State.DEAD, attempts=attempts, locked_until=None, last_error=error,
                uncertain_until=uncertain)
        summary.dead += 1
        logger.error("%s job %s is dead after %s attempts: %s", sender.label, job.pk, attempts,
                     error)
        return
    delay = backoff_seconds(attempts, sender.retry_base_seconds)
    _update(job, attempts=attempts, locked_until=None, last_error=error,
            next_attempt_at=now + timedelta(seconds=delay), uncertain_until=uncertain)
    summary.retrying += 1
    logger.warning("%s job %s failed (attempt %s), retry in %.0f s: %s", sender.label, job.pk,
                   attempts, delay, error)


def settle(sender, job, outcome, summary: PassSummary) -> None:
    now = timezone.now()
    if isinstance(outcome, Delivered):
        _delivered(sender, job, outcome, now, summary)
    elif isinstance(outcome, Postponed):
        _update(job, locked_until=None, next_attempt_at=max(outcome.until, now))
    elif isinstance(outcome, Failed):
        _failed(sender, job, outcome, now, summary)
    else:
        _failed(sender, job, Failed(f"sender answered {outcome!r}"), now, summary)


def _send(sender, jobs, limiter, summary) -> int:
    """Hand leased jobs to the sender and record each outcome; returns how many it left out."""
    pending = {job.pk: job for job in jobs}
    before = limiter.requests
    try:
        for job, outcome in sender.send(jobs, limiter=limiter):
            if pending.pop(job.pk, None) is not None:
                settle(sender, job, outcome, summary)
                # A sender that calls once per job (Telegram) may take longer than one lease
                # for the batch: the jobs still waiting get a fresh lease after each answer.
                queue.renew(sender, pending.values())
            if summary.config_error:
                break
    except Exception as exc:  # noqa: BLE001  a sender's bug must never stop the worker
        logger.exception("%s: sending %s jobs failed unexpectedly", sender.label, len(pending))
        for job in pending.values():
            settle(sender, job, Failed(f"{type(exc).__name__}: {exc}"), summary)
        pending = {}
    finally:
        summary.requests += limiter.requests - before
    queue.release(pending.values())
    return len(pending)


def deliver(sender, *, limiter=None, max_jobs=None, batch_size=None) -> PassSummary:
    """One pass: send every job of this channel that is due now (at most ``max_jobs``)."""
    limiter = limiter or RateLimiter(sender.rate_per_second)
    batch_size = batch_size or sender.batch_size
    summary = PassSummary(label=sender.label)
    if error := sender.config_error():
        summary.config_error = error
        return summary
    handled = 0
    started = timezone.now()  # a pass takes what was due when it began, then ends
    while max_jobs is None or handled < max_jobs:
        size = batch_size if max_jobs is None else min(batch_size, max_jobs - handled)
        jobs = queue.claim(sender, size, due_before=started)
        if not jobs:
            break
        handled += len(jobs)
        left_out = _send(sender, jobs, limiter, summary)
        # Jobs the sender left out are due again at once: claiming them again would never end.
        if left_out or summary.config_error or summary.unreachable:
            break
    return summary
