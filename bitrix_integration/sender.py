"""Bitrix24 as a delivery channel: how each job becomes a call, and what an answer means.

Up to 50 heads go in one ``batch``. A lead or comment an earlier try may have
created (a lost answer, a timeout, a worker killed mid-call) is looked for
before it is sent again: leads by ORIGIN_ID, comments by the message number
they carry. After a timeout Bitrix may still be carrying the call out for up
to ``BITRIX_REQUEST_MAX_SECONDS``: until then the sender looks, never resends.
An answer that is not what the method returns (an add without the new id) is a
failed attempt that says what came, and is looked for like a lost one.
"""

import json
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from delivery.senders import Delivered, Failed, Sender
from tickets.models import Ticket

from . import comments_in, entity, files, lead_state, lookups, methods, refusals
from .client import BATCH_LIMIT, BitrixClient, BitrixError
from .models import CHANNEL, OutboxJob

Kind = OutboxJob.Kind
METHOD_OF = {Kind.LEAD_ADD: methods.LEAD_ADD, Kind.COMMENT_ADD: methods.TIMELINE_COMMENT_ADD,
             Kind.LEAD_UPDATE: methods.LEAD_UPDATE, Kind.LEAD_READ: methods.LEAD_GET,
             Kind.COMMENT_READ: methods.TIMELINE_COMMENT_GET}
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
        return [kind for kind, method in METHOD_OF.items()
                if method in scopes or methods.FOR_DEAL.get(method) in scopes]

    def send(self, jobs, *, limiter):
        refused = {}  # one pause (and one step of its growing wait) per pass, not per job
        went_through = False
        for job, outcome in self._send(jobs, limiter=limiter):
            if isinstance(outcome, RefusedBy):
                if "until" not in refused:
                    refused["until"] = refusals.pause_until(outcome.bitrix_error)
                error = outcome.bitrix_error
                outcome = Failed(refusals.line(error), config=refusals.is_config(error),
                                 wait_until=refused["until"], pause_scope="")
            elif isinstance(outcome, Delivered) and not went_through:
                went_through = True
                refusals.went_through()
            yield job, outcome

    def _send(self, jobs, *, limiter):
        new_entity = entity.configured()
        if new_entity is None and any(job.kind == Kind.LEAD_ADD for job in jobs):
            limiter.wait()
            try:
                new_entity = entity.current(self.client)  # once per portal, then remembered
            except BitrixError as error:  # only new tickets needed it; the rest wait untried
                for job in jobs:
                    if job.kind == Kind.LEAD_ADD:
                        yield job, outcome_of(job, error, called=False)
                return
        looked = [job for job in jobs if job.kind in LOOKED_FOR_FIRST and job.may_have_been_sent]
        found, lookup_errors = {}, {}
        if looked:
            limiter.wait()
            try:
                found, lookup_errors = lookups.look_for(self.client, looked)
            except BitrixError as error:
                # Bitrix is unreachable or refuses: the rest of this pass would fare no better.
                for job in looked:
                    yield job, outcome_of(job, error, called=False)
                return
        calls = {}
        for job in jobs:
            if job.pk in lookup_errors:
                yield job, outcome_of(job, lookup_errors[job.pk], called=False)
                continue
            if found.get(job.pk) is not None:
                yield job, Delivered(found[job.pk])
                continue
            if job in looked and (still := lookups.still_running(job)) is not None:
                yield job, still
                continue
            try:
                calls[job.pk] = (job, _call_for(job, new_entity))
            except BitrixError as error:
                yield job, outcome_of(job, error)
        for pk in [pk for pk, (_job, call) in calls.items() if files.has_files(call)]:
            job, (method, params) = calls.pop(pk)  # files travel in a call of their own
            limiter.wait()
            try:
                yield job, answered(job, self.client.call(method, params))
            except BitrixError as error:
                outcome = outcome_of(job, error)
                yield job, outcome
                if isinstance(outcome, Failed) and (outcome.unreachable or outcome.config):
                    return  # the rest of this pass would fare no better
        if not calls:
            return
        commands = {}
        for pk, (job, call) in calls.items():
            extra = _companion(job)
            if len(commands) + 1 + len(extra) > BATCH_LIMIT:
                break  # the rest is left out, untried, for the next batch
            commands[f"j{pk}"] = call
            commands.update(extra)
        limiter.wait()
        if len(commands) == 1:
            job, (method, params) = calls[int(next(iter(commands))[1:])]
            try:
                yield job, answered(job, self.client.call(method, params))
            except BitrixError as error:
                yield job, outcome_of(job, error)
            return
        try:
            results, errors = self.client.batch(commands)
        except BitrixError as error:
            for job, _call in calls.values():
                yield job, outcome_of(job, error)
            return
        for pk, (job, _call) in calls.items():
            key = f"j{pk}"
            if key not in commands:
                continue
            if key in errors:
                yield job, outcome_of(job, errors[key])
            elif job.kind == Kind.COMMENT_READ:
                # The author's name is a courtesy: without the user scope the comment still counts.
                yield job, Delivered({"comment": results[key], "users": results.get(f"u{pk}")})
            else:
                yield job, answered(job, results[key])

    def delivered(self, job, result):
        if job.kind == Kind.LEAD_ADD:
            Ticket.objects.filter(pk=job.ticket_id).update(
                bitrix_entity_type=entity.configured() or entity.LEAD, bitrix_entity_id=int(result))
        elif job.kind == Kind.LEAD_READ:
            return lead_state.apply(job, result)
        elif job.kind == Kind.COMMENT_READ:
            taken = comments_in.take(result["comment"],
                                     author=comments_in.author_name(result.get("users")))
            if taken.get("ticket_id"):
                OutboxJob.objects.filter(pk=job.pk).update(ticket_id=taken["ticket_id"])
            return taken
        return result


def answered(job, result):
    """What the job's own call answered. An add answers the new id, a read the lead; anything
    else is a failed attempt that says what came (the call may still have made something:
    the next try looks for it first)."""
    if job.kind in LOOKED_FOR_FIRST:
        if (new_id := _as_id(result)) is not None:
            return Delivered(new_id)
    elif job.kind != Kind.LEAD_READ or isinstance(result, dict):
        return Delivered(result)
    return Failed(f"unexpected answer to {METHOD_OF[job.kind]}: {_brief(result)}")


def _as_id(value) -> int | None:
    """A Bitrix id (a positive integer, or its ASCII digits), else ``None``."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _brief(result) -> str:
    text = json.dumps(result, ensure_ascii=False, default=str)
    return text if len(text) <= 200 else text[:199] + "…"


class RefusedBy(Failed):
    """The portal refused the webhook itself: ``send`` turns it into a pause of the channel."""

    def __init__(self, error: BitrixError):
        super().__init__(str(error))
        object.__setattr__(self, "bitrix_error", error)


def outcome_of(job, error: BitrixError, *, called=True) -> Failed:
    """What a Bitrix error means for this job. ``called``: the failed request was the
    job's own call (a timeout then may have made it), not a lookup."""
    text = f"{error.code or 'error'}: {error.description}"
    if error.refusal:
        return RefusedBy(error)
    if error.config:
        return Failed(str(error), config=True)
    if error.pause_until:
        return Failed(text, wait_until=datetime.fromtimestamp(error.pause_until, tz=UTC),
                      pause_scope=error.method or METHOD_OF[job.kind])
    uncertain = None
    if called and error.code == "TIMEOUT" and job.kind in LOOKED_FOR_FIRST:
        uncertain = timezone.now() + timedelta(seconds=settings.BITRIX_REQUEST_MAX_SECONDS)
    unreachable = error.code in ("TIMEOUT", "CONNECTION") or (error.http_status or 0) >= 500
    return Failed(text, retryable=not error.permanent, uncertain_until=uncertain,
                  unreachable=unreachable)


def _companion(job) -> dict:
    """Calls that go with a job's own call in the same batch: a comment's author."""
    if job.kind == Kind.COMMENT_READ:
        return {f"u{job.pk}": (methods.USER_GET, {"ID": f"$result[j{job.pk}][AUTHOR_ID]"})}
    return {}


def _call_for(job, new_entity=None):
    """(method, params) for a job; raises a permanent BitrixError if it cannot be made.
    ``new_entity``: what a new ticket becomes (``LEAD``/``DEAL``)."""
    if job.kind == Kind.LEAD_ADD:
        if new_entity == entity.DEAL:
            return methods.DEAL_ADD, {"fields": entity.deal_fields(job.payload["fields"]),
                                      "params": job.payload.get("params") or {}}
        return methods.LEAD_ADD, job.payload
    if job.kind == Kind.COMMENT_READ:
        return methods.TIMELINE_COMMENT_GET, {"id": job.payload["id"]}
    kind_of = entity.of_ticket(job.ticket)
    on_deal = kind_of == entity.DEAL
    if job.kind == Kind.LEAD_READ:
        return (methods.DEAL_GET if on_deal else methods.LEAD_GET), {"id": job.payload["id"]}
    lead_id = job.ticket.bitrix_entity_id
    if lead_id is None:
        raise BitrixError("NO_LEAD", "the ticket has no lead or deal in Bitrix24 yet")
    if job.kind == Kind.COMMENT_ADD:
        fields = {"ENTITY_ID": lead_id, "ENTITY_TYPE": entity.type_name(kind_of),
                  "COMMENT": job.payload["COMMENT"]}
        if job.payload.get("message_id") or job.payload.get("description_files"):
            fields = files.with_files(fields, message_id=job.payload.get("message_id"),
                                      ticket_id=job.payload.get("description_files"))
        return methods.TIMELINE_COMMENT_ADD, {"fields": fields}
    if on_deal:
        return methods.DEAL_UPDATE, {"id": lead_id,
                                     "fields": entity.deal_update_fields(job.payload["fields"])}
    return methods.LEAD_UPDATE, {"id": lead_id, "fields": job.payload["fields"]}
