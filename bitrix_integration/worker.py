"""Bitrix24's delivery pass, for ``bitrix_worker``, ``bitrix_sync`` and the tests.

The queue itself (leases, order, backoff, dead state) is ``delivery``; what a
Bitrix job becomes is ``sender.BitrixSender``.
"""

from django.conf import settings

from delivery import queue
from delivery import worker as delivery_worker
from delivery.worker import PassSummary, RateLimiter  # noqa: F401  (the commands' names)

from .client import BATCH_LIMIT
from .sender import BitrixSender


def deliver(client=None, *, limiter=None, max_jobs=None, batch_size=BATCH_LIMIT) -> PassSummary:
    """One pass: send every Bitrix job that is due now (at most ``max_jobs``)."""
    return delivery_worker.deliver(BitrixSender(client), limiter=limiter, max_jobs=max_jobs,
                                   batch_size=batch_size)


def claim(limit, *, now=None, due_before=None):
    return queue.claim(BitrixSender(), limit, now=now, due_before=due_before)


def backoff_seconds(attempts: int) -> float:
    return delivery_worker.backoff_seconds(attempts, settings.BITRIX_RETRY_BASE_SECONDS)

