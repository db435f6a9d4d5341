"""What earlier tries of a job may have made: found before anything is sent again.

Leads by ORIGIN_ID (and only rows whose ORIGIN_ID is ours: a portal that ignored
the filter would list other leads), comments by the message number they carry.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from delivery.senders import Postponed
from delivery.worker import backoff_seconds

from . import entity, methods, outbox
from .models import OutboxJob

Kind = OutboxJob.Kind


def still_running(job) -> Postponed | None:
    """Not found, but Bitrix may still be carrying the timed-out call out: look again later."""
    now = timezone.now()
    if job.uncertain_until is None or job.uncertain_until <= now:
        return None
    again = now + timedelta(seconds=backoff_seconds(job.attempts, settings.BITRIX_RETRY_BASE_SECONDS))
    return Postponed(min(again, job.uncertain_until),
                     "not found yet; Bitrix24 may still be carrying the call out")


def _lookup_for(job):
    """(method, params) that finds what an earlier try of this job made, or ``None``."""
    if job.kind == Kind.LEAD_ADD:
        on_deal = entity.configured() == entity.DEAL
        return (methods.DEAL_LIST if on_deal else methods.LEAD_LIST), {
            "filter": {"ORIGINATOR_ID": methods.ORIGINATOR_ID,
                       "ORIGIN_ID": methods.origin_id(job.ticket_id)},
            "select": ["ID", "ORIGIN_ID"], "order": {"ID": "ASC"},
        }
    if (job.payload.get("message_id") or job.payload.get("marker")) \
            and job.ticket.bitrix_entity_id:
        # Our comments carry their message number; look among the lead's latest 50.
        return methods.TIMELINE_COMMENT_LIST, {
            "filter": {"ENTITY_ID": job.ticket.bitrix_entity_id,
                       "ENTITY_TYPE": entity.type_name(entity.of_ticket(job.ticket))},
            "select": ["ID", "COMMENT"], "order": {"ID": "DESC"},
        }
    return None


def _found_in(job, rows) -> int | None:
    """The id of the lead or comment this job made, among the rows its lookup read."""
    for row in rows if isinstance(rows, list) else []:
        if job.kind == Kind.LEAD_ADD:
            # A portal that ignored the filter would list other leads: only ours count.
            if str(row.get("ORIGIN_ID") or "") == methods.origin_id(job.ticket_id):
                return int(row["ID"])
            continue
        marker = job.payload.get("marker") or outbox.comment_marker(job.payload["message_id"])
        if marker in str(row.get("COMMENT", "")):
            return int(row["ID"])
    return None


def look_for(client, jobs) -> tuple[dict, dict]:
    """What earlier tries of these jobs made: ``({job.pk: id or None}, {job.pk: BitrixError})``,
    in one request (a plain call for one job, a batch for several)."""
    lookups = {job.pk: (job, call) for job in jobs if (call := _lookup_for(job))}
    if len(lookups) == 1:
        ((pk, (job, (method, params))),) = lookups.items()
        return {pk: _found_in(job, client.call(method, params))}, {}
    if not lookups:
        return {}, {}
    results, errors = client.batch({f"j{pk}": call for pk, (_job, call) in lookups.items()})
    found = {pk: _found_in(job, results.get(f"j{pk}")) for pk, (job, _call) in lookups.items()
             if f"j{pk}" not in errors}
    return found, {pk: errors[f"j{pk}"] for pk in lookups if f"j{pk}" in errors}
