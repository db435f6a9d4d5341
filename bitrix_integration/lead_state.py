"""ONCRMLEADUPDATE / ONCRMDEALUPDATE, after the worker read the lead or deal: take its
stage into the ticket."""

from delivery.models import Job
from tickets import services as ticket_services
from tickets.models import Message, Ticket

from . import outbox
from .models import OutboxJob

Kind, State = OutboxJob.Kind, Job.State


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


def apply(job, lead) -> dict:
    """Only a stage that moved in Bitrix counts: our own update coming back (e.g. only
    STATUS_DESCRIPTION for an unmapped status) leaves the stage we know, and a local
    change still waiting to be sent is newer than what we read.
    """
    lead = lead or {}
    status_id = str(lead.get("STATUS_ID") or lead.get("STAGE_ID") or "")  # a lead or a deal
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
