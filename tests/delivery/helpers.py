"""A second channel made of a sender and nothing else, over an in-memory provider.

``ScriptedSender`` is registered per test as the ``test`` channel (see
conftest.py). The provider answers each job with the next outcome scripted
for it (``PROVIDER.script[job.pk]``), else ``Delivered``; an exception in the
script is raised from ``send``.
"""

from dataclasses import dataclass, field

from delivery.models import Job
from delivery.senders import Delivered, Sender

CHANNEL = "test"
LABEL = "Тест"


@dataclass(frozen=True)
class Call:
    """One job as the provider received it."""

    pk: int
    key: str
    attempts: int
    may_have_been_sent: bool


@dataclass
class Provider:
    calls: list = field(default_factory=list)
    batches: list = field(default_factory=list)
    script: dict = field(default_factory=dict)
    config_error: str = ""
    broken_effects: set = field(default_factory=set)  # pks whose ``delivered()`` raises

    def answer(self, job):
        self.calls.append(Call(job.pk, job.key, job.attempts, job.may_have_been_sent))
        outcomes = self.script.get(job.pk)
        outcome = outcomes.pop(0) if outcomes else Delivered({"sent": job.pk})
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def sent(self):
        return [call.pk for call in self.calls]


PROVIDER = Provider()


class ScriptedSender(Sender):
    channel = CHANNEL
    label = LABEL
    batch_size = 10
    max_attempts = 3
    retry_base_seconds = 5

    def config_error(self) -> str:
        return PROVIDER.config_error

    def send(self, jobs, *, limiter):
        PROVIDER.batches.append([job.pk for job in jobs])
        for job in jobs:
            limiter.wait()
            yield job, PROVIDER.answer(job)

    def delivered(self, job, result):
        if job.pk in PROVIDER.broken_effects:
            # A local effect written, then a failure: the effect must not stay.
            Job.objects.filter(pk=job.pk).update(result="half-done")
            raise RuntimeError("local effect failed")
        return result


def refreshed(*jobs):
    """The jobs as the database has them now."""
    return [Job.objects.get(pk=job.pk) for job in jobs]
