"""What the tickets tests share: the manager API's expected keys and requests, and
small service-test helpers."""

import json
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError

from tickets.models import Ticket

# What DESIGN promises in a ticket and in a message of the manager API.
TICKET_KEYS = {
    "id", "title", "description", "status", "status_label", "criticality",
    "criticality_label", "department", "tag", "client_phone", "assignee", "created_at",
    "updated_at", "first_response_at", "resolved_at", "rating", "bitrix_entity_type",
    "bitrix_entity_id",
}
MESSAGE_KEYS = {"id", "author_kind", "author_name", "text", "is_internal", "source", "created_at",
                "attachments"}


def is_iso_with_offset(value):
    return datetime.fromisoformat(value).utcoffset() is not None


def api_post(api, path, body, content_type="application/json"):
    """POST ``body`` (a dict is sent as JSON; str or bytes as they are)."""
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return api.post(path, data, content_type=content_type)


def api_comment(api, ticket, body, **kwargs):
    return api_post(api, f"/manager/tickets/{ticket.pk}/comment", body, **kwargs)


def api_status(api, ticket, body):
    return api_post(api, f"/manager/tickets/{ticket.pk}/status", body)


def refused(call, **kwargs):
    """The ``message_dict`` of the ``ValidationError`` that ``call(**kwargs)`` raises."""
    with pytest.raises(ValidationError) as excinfo:
        call(**kwargs)
    return excinfo.value.message_dict


def set_state(ticket, **fields):
    """Put the ticket into a state without going through the services."""
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    ticket.refresh_from_db()
    return ticket


def ids_of(response):
    """The ids of a manager API list answer, in order."""
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def set_updated_at(ticket, moment):
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=moment)
