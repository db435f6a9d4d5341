"""The worker process around delivery passes: every channel, a loop, a clean stop."""

import logging
import signal
import threading
import time

from . import chores, queue, worker
from .models import Job
from .senders import channels, sender_for

logger = logging.getLogger(__name__)

IDLE_SECONDS = 2.0
CONFIG_ERROR_PAUSE_SECONDS = 60.0


class Channels:
    """Each configured channel's sender and its own rate limiter, for a whole run."""

    def __init__(self, names=None, *, clock=time.monotonic):
        self.senders = [sender_for(name) for name in (names or channels())]
        self.limiters = {sender.channel: worker.RateLimiter(sender.rate_per_second)
                         for sender in self.senders}
        self.clock = clock
        self.resting_until = {}  # channel → when a channel with a configuration error is tried again

    @property
    def names(self):
        return [sender.channel for sender in self.senders]

    def active_names(self):
        """The channels not resting after a configuration error: their due jobs set the pace."""
        now = self.clock()
        return [name for name in self.names if self.resting_until.get(name, 0) <= now]

    def deliver(self, *, max_jobs=None) -> list[worker.PassSummary]:
        """One pass of every channel. An unconfigured channel with nothing to send is
        quiet (Bitrix off records nothing); with jobs waiting it is a configuration error,
        and that channel alone rests CONFIG_ERROR_PAUSE_SECONDS: the others go on."""
        summaries = []
        for sender in self.senders:
            if sender.channel not in self.active_names():
                continue
            if sender.config_error() and not Job.objects.filter(
                    channel=sender.channel, state=Job.State.PENDING).exists():
                continue
            summary = worker.deliver(sender, limiter=self.limiters[sender.channel],
                                     max_jobs=max_jobs)
            if summary.config_error:
                self.resting_until[sender.channel] = self.clock() + CONFIG_ERROR_PAUSE_SECONDS
            summaries.append(summary)
        return summaries


def summary_line(summaries) -> str:
    return "; ".join(summary.line() for summary in summaries) or "Очередь пуста: нечего доставлять."


def exit_code(summaries) -> int:
    """0 all delivered, 1 some failed, 2 a configuration error (cron reads it)."""
    if any(summary.config_error for summary in summaries):
        return 2
    return 1 if any(summary.failed for summary in summaries) else 0


def stop_on_signals() -> threading.Event:
    """An event SIGTERM and SIGINT set: the current call finishes, then the loop ends.

    Installed before the worker says it started, so a signal is never missed."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def run_forever(step, *, stop, names, write, idle_seconds=IDLE_SECONDS,
                config_pause_seconds=CONFIG_ERROR_PAUSE_SECONDS):
    """Call ``step()`` (a list of pass summaries) until ``stop`` is set. ``names``: the
    channels whose next due job sets the wait (a list, or a function giving it)."""
    while not stop.is_set():
        try:
            summaries = step()
        except Exception:  # noqa: BLE001  e.g. the database restarting: wait, then go on
            logger.exception("Delivery pass failed; the worker goes on")
            stop.wait(idle_seconds)
            continue
        if any(s.sent or s.failed or s.config_error for s in summaries):
            write(summary_line(summaries))
        for line in chores.run_due():
            write(line)
        config_error = any(s.config_error for s in summaries)
        wait = config_pause_seconds if config_error else idle_seconds
        due = queue.next_due_in(names() if callable(names) else names)
        if due is not None and not config_error:
            wait = min(max(due, 0.2), idle_seconds)
        stop.wait(wait)
