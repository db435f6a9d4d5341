"""What a channel gives the delivery queue: a sender, and what each job came to.

A channel is a ``Sender`` subclass named in ``settings.DELIVERY_SENDERS``
(``{"bitrix": "bitrix_integration.sender.BitrixSender"}``). Its ``send()``
gets the jobs the queue leased (at most ``batch_size``, each the oldest
unfinished job of its key) and yields ``(job, outcome)`` pairs, one of the
outcomes below each. A job it leaves out was not tried and goes back to the
queue as it was; an exception fails the jobs not yet answered (an attempt each).
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Delivered:
    """The provider has it; ``result`` is kept on the job (an id, an answer)."""

    result: object = None


@dataclass(frozen=True)
class Failed:
    """The call did not go through.

    - ``retryable``: back off and try again (else the job is dead at once);
    - ``config``: the channel is misconfigured: the pass stops, no attempt is spent
      (with ``wait_until`` too, the job and scope also wait until then);
    - ``wait_until``: the provider said when to come back (no attempt is spent);
      with ``pause_scope`` every job of that scope waits too ("" = the channel);
    - ``uncertain_until``: the provider may still be carrying the call out
      (a timeout): until then the sender looks, it does not send again;
    - ``unreachable``: the provider could not be reached (down, timing out):
      the pass ends here, the jobs not yet tried wait for the next one.
    """

    error: str
    retryable: bool = True
    config: bool = False
    wait_until: datetime | None = None
    pause_scope: str | None = None
    uncertain_until: datetime | None = None
    unreachable: bool = False


@dataclass(frozen=True)
class Postponed:
    """Nothing to send yet (looked for an earlier call's result, found none while
    the provider may still be carrying it out): come back at ``until``, no attempt spent."""

    until: datetime
    note: str = ""


class Sender:
    """Base of every channel's sender. Subclasses set the class attributes and
    implement ``send``; the rest has working defaults."""

    channel = ""          # the jobs' ``channel``
    label = ""            # how the summary line names the channel
    batch_size = 1        # jobs handed to one ``send`` call
    max_attempts = 10
    retry_base_seconds = 5.0
    rate_per_second = 0.0  # 0: no limit
    lease_seconds = 120.0  # longer than any call can take, so a live worker never loses its lease

    def config_error(self) -> str:
        """Why this channel cannot send now ("" when it can)."""
        return ""

    def paused_kinds(self, scopes) -> list[str]:
        """Kinds of job a provider's pause of these scopes holds back (see ``Pause.scope``)."""
        return list(scopes)

    def send(self, jobs, *, limiter):
        """Make the calls, ``limiter.wait()`` before each request; yield ``(job, outcome)``
        as each is known. A job never yielded was not tried."""
        raise NotImplementedError

    def delivered(self, job, result):
        """Local effects of a delivered job, in the transaction that marks it done.

        Returns what is kept as the job's result.
        """
        return result


@cache
def _sender_class(path):
    return import_string(path)


def sender_for(channel: str) -> Sender:
    return _sender_class(settings.DELIVERY_SENDERS[channel])()


def channels() -> list[str]:
    return list(settings.DELIVERY_SENDERS)
