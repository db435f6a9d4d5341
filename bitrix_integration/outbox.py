"""What Bitrix24 must receive for each change in the tickets app: outbox rows.

Called by the signal receivers inside the transaction of the change, so a job
exists if and only if the change was committed. Nothing here does HTTP.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from delivery.models import Job
from delivery.services import job_enqueue
from tickets.models import Message, StatusChange, Ticket

from . import methods
from .models import CHANNEL, OutboxJob

Kind = OutboxJob.Kind


def enabled() -> bool:
    return bool(settings.BITRIX_WEBHOOK_URL)


def status_id_for(status: str) -> str | None:
    return settings.BITRIX_STATUS_MAP.get(status) or None


def statuses_for(status_id: str) -> list[str]:
    """Local statuses that map to a lead's STATUS_ID (several may share one)."""
    return [local for local, remote in settings.BITRIX_STATUS_MAP.items() if remote == status_id]


def lead_fields(ticket: Ticket) -> dict:
    client = ticket.client
    phone = client.phone_e164
    comments = "\n".join([
        ticket.description,
        "",
        f"Критичность: {ticket.get_criticality_display()}",
        f"Отдел: {ticket.department.name}",
        f"Тег: {ticket.tag.name if ticket.tag else '—'}",
    ])
    fields = {
        "TITLE": f"{ticket.title} (заявка №{ticket.pk})",
        "NAME": client.name or phone,
        "PHONE": [{"VALUE": phone, "VALUE_TYPE": "MOBILE"}],
        "COMMENTS": comments,
        "SOURCE_ID": settings.BITRIX_SOURCE_ID,
        "SOURCE_DESCRIPTION": f"Портал поддержки, заявка №{ticket.pk}",
        "STATUS_DESCRIPTION": ticket.get_status_display(),
        "ORIGINATOR_ID": methods.ORIGINATOR_ID,
        "ORIGIN_ID": methods.origin_id(ticket.pk),
    }
    if status_id := status_id_for(ticket.status):
        fields["STATUS_ID"] = status_id
    return fields


def comment_marker(message_id) -> str:
    """Names the portal message in its Bitrix comment, so a retry after a lost
    answer can find the comment instead of posting it twice."""
    return f"(сообщение портала №{message_id})"


OWN_MARKER = re.compile(r"\((сообщение|вложения заявки) портала №\d+\)")


QUOTE = re.compile(r"\[quote.*?\[/quote\]", re.IGNORECASE | re.DOTALL)


def is_own_comment(text: str) -> bool:
    """A comment the portal posted itself (Bitrix fires the event for those too): our
    marker ends its first line. A manager's reply that quotes one of ours is theirs."""
    first_line = QUOTE.sub("", text or "").lstrip().split("\n", 1)[0]
    return bool(OWN_MARKER.search(first_line))


def comment_text(message: Message) -> str:
    who = message.author_name or message.get_author_kind_display()
    head = f"{message.get_author_kind_display()}: {who}" if message.author_name else who
    if message.is_internal:
        head += " [внутренняя заметка]"
    return f"{head} {comment_marker(message.pk)}\n{message.text}"


def _ensure_lead_job(ticket: Ticket) -> None:
    """A ticket created while Bitrix was off gets its lead before anything else."""
    if ticket.bitrix_entity_id is None and not OutboxJob.objects.filter(
        ticket=ticket, kind=Kind.LEAD_ADD
    ).exists():
        enqueue_lead_add(ticket)


def _enqueue(kind, *, ticket_id, payload, key=None):
    """A Bitrix job, ordered with every other job of its ticket (default) or of ``key``."""
    return job_enqueue(channel=CHANNEL, key=key or f"ticket:{ticket_id}", kind=kind,
                       payload=payload, ticket_id=ticket_id)


def enqueue_lead_add(ticket: Ticket):
    return _enqueue(Kind.LEAD_ADD, ticket_id=ticket.pk,
                    payload={"fields": lead_fields(ticket),
                             "params": {"REGISTER_SONET_EVENT": "Y"}})


def enqueue_comment(message: Message) -> Job | None:
    if message.source == Message.Source.BITRIX:
        return None  # came from Bitrix: never echoed back
    if message.is_internal and not settings.BITRIX_SEND_INTERNAL_NOTES:
        return None
    _ensure_lead_job(message.ticket)
    return _enqueue(Kind.COMMENT_ADD, ticket_id=message.ticket_id,
                    payload={"COMMENT": comment_text(message), "message_id": message.pk})


def description_files_marker(ticket_id) -> str:
    return f"(вложения заявки портала №{ticket_id})"


def enqueue_description_files(ticket: Ticket) -> Job:
    """Files on a new ticket's description: a timeline comment of their own after the
    lead (``crm.lead.add`` takes no files); the sender reads them when it sends."""
    _ensure_lead_job(ticket)
    marker = description_files_marker(ticket.pk)
    return _enqueue(Kind.COMMENT_ADD, ticket_id=ticket.pk, payload={
        "COMMENT": f"Клиент: файлы к описанию заявки {marker}", "marker": marker,
        "description_files": ticket.pk})


def enqueue_status(change: StatusChange) -> Job | None:
    if change.source == Message.Source.BITRIX:
        return None
    _ensure_lead_job(change.ticket)
    fields = {"STATUS_DESCRIPTION": str(Ticket.Status(change.to_status).label)}
    if status_id := status_id_for(change.to_status):
        fields["STATUS_ID"] = status_id
    return _enqueue(Kind.LEAD_UPDATE, ticket_id=change.ticket_id, payload={"fields": fields})


def enqueue_lead_read(ticket: Ticket, *, lead_id: int) -> Job:
    """An ONCRMLEADUPDATE event: read the lead in the worker, not in the request.

    Reads have a key of their own: a read that fails never holds the ticket's outgoing jobs.
    """
    return _enqueue(Kind.LEAD_READ, ticket_id=ticket.pk, payload={"id": lead_id},
                    key=f"ticket:{ticket.pk}:in")


def lead_read_recent(ticket: Ticket, *, lead_id: int, seconds: float) -> Job | None:
    """A read of this lead still waiting to be sent, or queued in the last ``seconds``."""
    since = timezone.now() - timedelta(seconds=seconds)
    return (OutboxJob.objects.filter(ticket=ticket, kind=Kind.LEAD_READ, payload__id=lead_id)
            .filter(Q(state=Job.State.PENDING) | Q(created_at__gte=since))
            .order_by("-id").first())


def enqueue_comment_read(comment_id: int) -> Job:
    """An ONCRMTIMELINECOMMENTADD event: which ticket it belongs to is known once it is read."""
    return _enqueue(Kind.COMMENT_READ, ticket_id=None, payload={"id": comment_id},
                    key=f"comment:{comment_id}:in")
