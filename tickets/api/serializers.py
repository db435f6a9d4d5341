"""Plain dicts for the manager API; times are ISO 8601 with the portal's offset."""

from django.utils import timezone

from ..selectors import display_name


def iso(value):
    return timezone.localtime(value).isoformat() if value else None


def message_data(message) -> dict:
    return {
        "id": message.pk,
        "author_kind": message.author_kind,
        "author_name": message.author_name,
        "text": message.text,
        "is_internal": message.is_internal,
        "source": message.source,
        "created_at": iso(message.created_at),
        "attachments": [attachment_data(a) for a in _files(message)],
    }


def _files(message):
    # Prefetched by the selectors as ``files``; a message just added reads its own.
    files = getattr(message, "files", None)
    return files if files is not None else message.attachments.all()


def attachment_data(attachment) -> dict:
    return {"id": attachment.pk, "name": attachment.name,
            "content_type": attachment.content_type, "size": attachment.size}


def ticket_data(ticket, *, messages=None) -> dict:
    data = {
        "id": ticket.pk,
        "title": ticket.title,
        "description": ticket.description,
        "status": ticket.status,
        "status_label": ticket.get_status_display(),
        "criticality": ticket.criticality,
        "criticality_label": ticket.get_criticality_display(),
        "department": ticket.department.name,
        "tag": ticket.tag.name if ticket.tag else None,
        "client_phone": ticket.client.phone_e164,
        "client_name": ticket.client.name,
        "assignee": display_name(ticket.assignee) if ticket.assignee else None,
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.updated_at),
        "first_response_at": iso(ticket.first_response_at),
        "resolved_at": iso(ticket.resolved_at),
        "rating": ticket.rating,
        "rating_comment": ticket.rating_comment,
        "bitrix_entity_type": ticket.bitrix_entity_type or None,
        "bitrix_entity_id": ticket.bitrix_entity_id,
        "first_response_due_at": iso(ticket.first_response_due_at),
        "resolution_due_at": iso(ticket.resolution_due_at),
        "sla_breached": ticket.sla_breached,
    }
    if messages is not None:
        data["messages"] = [message_data(message) for message in messages]
    return data
