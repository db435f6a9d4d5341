"""Saved replies: a template's text with the ticket's facts put in."""

import re

from ..models import ReplyTemplate, Ticket

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def reply_template_render(*, template: ReplyTemplate, ticket: Ticket, manager_name: str) -> str:
    """Known ``{name}`` placeholders only, by plain replacement: never ``str.format``,
    which would let a template reach attributes (``{ticket_id.__class__}``). Unknown
    ones stay as written, so a typo shows instead of vanishing. Plain text: the page
    escapes it like anything typed."""
    values = {
        "client_name": ticket.client.name or ticket.client.phone.as_international,
        "ticket_id": str(ticket.pk),
        "ticket_title": ticket.title,
        "manager_name": manager_name,
    }
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template.text)
