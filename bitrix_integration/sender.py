"""Bitrix24 as a delivery channel: how each job becomes a call, and what an answer means.

Up to 50 heads go in one ``batch``. A lead or comment an earlier try may have
created (a lost answer, a timeout, a worker killed mid-call) is looked for
before it is sent again: leads by ORIGIN_ID, comments by the message number
they carry. After a timeout Bitrix may still be carrying the call out for up
to ``BITRIX_REQUEST_MAX_SECONDS``: until then the sender looks, never resends.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from delivery.senders import Delivered, Failed, Postponed, Sender
from delivery.worker import backoff_seconds
from tickets.models import Ticket

from . import lead_state, methods, outbox
from .client import BATCH_LIMIT, BitrixClient, BitrixError
from .models import CHANNEL, OutboxJob

Kind = OutboxJob.Kind
METHOD_OF = {Kind.LEAD_ADD: methods.LEAD_ADD, Kind.COMMENT_ADD: methods.TIMELINE_COMMENT_ADD,
             Kind.LEAD_UPDATE: methods.LEAD_UPDATE, Kind.LEAD_READ: methods.LEAD_GET}
LOOKED_FOR_FIRST = (Kind.LEAD_ADD, Kind.COMMENT_ADD)


class BitrixSender(Sender):
    channel = CHANNEL
    label = "Битрикс24"
    batch_size = BATCH_LIMIT

    def __init__(self, client=None):
        self.client = client or BitrixClient()

    @property
    def max_attempts(self):
        return settings.BITRIX_MAX_ATTEMPTS

    @property
    def retry_base_seconds(self):
        return settings.BITRIX_RETRY_BASE_SECONDS

    @property
    def rate_per_second(self):
        return settings.BITRIX_RATE_PER_SECOND

    @property
    def lease_seconds(self):
        # Past any answer the client waits for, and past the time Bitrix may run one call.
        timeout = settings.BITRIX_TIMEOUT
        return max(timeout * 2 + 60, settings.BITRIX_REQUEST_MAX_SECONDS + timeout)

    def config_error(self) -> str:
        return "" if self.client.configured else "BITRIX_WEBHOOK_URL не задан"

    def paused_kinds(self, scopes) -> list[str]:
        return [kind for kind, method in METHOD_OF.items() if method in scopes]

    def send(self, jobs, *, limiter):
        calls = {}
        for job in jobs:
            try:
                if job.kind in LOOKED_FOR_FIRST and job.may_have_been_sent:
                    limiter.wait()
                    if (found := _find_lost(self.client, job)) is not None:
                        yield job, Delivered(found)
                        continue
                    if (still := _still_running(job)) is not None:
                        yield job, still
                        continue
                calls[job.pk] = (job, _call_for(job))
            except BitrixError as error:
                yield job, outcome_of(job, error)
                if error.config:
                    return
        if not calls:
            return
        limiter.wait()
        if len(calls) == 1:
            ((job, (method, params)),) = calls.values()
            try:
                yield job, Delivered(self.client.call(method, params))
            except BitrixError as error:
                yield job, outcome_of(job, error)
            return
        try:
            results, errors = self.client.batch({f"j{pk}": call
                                                 for pk, (_job, call) in calls.items()})
        except BitrixError as error:
            for job, _call in calls.values():
                yield job, outcome_of(job, error)
            return
        for pk, (job, _call) in calls.items():
            key = f"j{pk}"
            yield job, (outcome_of(job, errors[key]) if key in errors
                        else Delivered(results[key]))

    def delivered(self, job, result):
        if job.kind == Kind.LEAD_ADD:
            Ticket.objects.filter(pk=job.ticket_id).update(bitrix_entity_type="LEAD",
                                                           bitrix_entity_id=int(result))
        elif job.kind == Kind.LEAD_READ:
            return lead_state.apply(job, result)
        return result


def outcome_of(job, error: BitrixError) -> Failed:
    text = f"{error.code or 'error'}: {error.description}"
    if error.config:
        return Failed(str(error), config=True)
    if error.pause_until:
        return Failed(text, wait_until=datetime.fromtimestamp(error.pause_until, tz=UTC),
                      pause_scope=METHOD_OF[job.kind])
    uncertain = None
    if error.code == "TIMEOUT" and job.kind in LOOKED_FOR_FIRST:
        uncertain = timezone.now() + timedelta(seconds=settings.BITRIX_REQUEST_MAX_SECONDS)
    return Failed(text, retryable=not error.permanent, uncertain_until=uncertain)


def _still_running(job) -> Postponed | None:
    """Not found, but Bitrix may still be carrying the timed-out call out: look again later."""
    now = timezone.now()
    if job.uncertain_until is None or job.uncertain_until <= now:
        return None
    again = now + timedelta(seconds=backoff_seconds(job.attempts, settings.BITRIX_RETRY_BASE_SECONDS))
    return Postponed(min(again, job.uncertain_until),
                     "not found yet; Bitrix24 may still be carrying the call out")


def _call_for(job):
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


def _find_lost(client, job):
    """The lead or comment an earlier try created, or ``None``."""
    if job.kind == Kind.LEAD_ADD:
        return _find_lost_lead(client, job)
    message_id = job.payload.get("message_id")
    if message_id and job.ticket.bitrix_entity_id:
        return _find_lost_comment(client, job.ticket.bitrix_entity_id, message_id)
    return None


def _find_lost_lead(client, job) -> int | None:
    leads = client.call(methods.LEAD_LIST, {
        "filter": {"ORIGINATOR_ID": methods.ORIGINATOR_ID,
                   "ORIGIN_ID": methods.origin_id(job.ticket_id)},
        "select": ["ID"], "order": {"ID": "ASC"},
    })
    return int(leads[0]["ID"]) if leads else None


def _find_lost_comment(client, lead_id, message_id) -> int | None:
    """Our comments carry their message number; look among the lead's latest 50."""
    marker = outbox.comment_marker(message_id)
    comments = client.call(methods.TIMELINE_COMMENT_LIST, {
        "filter": {"ENTITY_ID": lead_id, "ENTITY_TYPE": "lead"},
        "select": ["ID", "COMMENT"], "order": {"ID": "DESC"},
    })
    for comment in comments or []:
        if marker in str(comment.get("COMMENT", "")):
            return int(comment["ID"])
    return None
