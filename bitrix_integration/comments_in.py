"""A comment a manager wrote in a lead's or deal's timeline becomes a manager message on the ticket.

Fed by ``ONCRMTIMELINECOMMENTADD`` (a read job) and by reconciliation. Each
comment arrives once (``external_id``); the portal's own comments (they carry
its marker) and comments on leads or deals no ticket knows are skipped.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from tickets import services as ticket_services
from tickets.models import Message, Ticket
from tickets.selectors import id_from_text
from tickets.services.tickets import TEXT_MAX_LENGTH

from . import bbcode, outbox


def external_id(comment_id) -> str:
    return f"comment:{comment_id}"


def author_name(users) -> str:
    """``user.get`` answers a list; the first user's full name."""
    user = users[0] if isinstance(users, list) and users else users
    if not isinstance(user, dict):
        return ""
    return " ".join(str(user.get(key) or "").strip() for key in ("NAME", "LAST_NAME")).strip()


def ticket_for(comment: dict) -> Ticket | None:
    entity_type = str(comment.get("ENTITY_TYPE") or "").upper()
    entity_id = id_from_text(comment.get("ENTITY_ID"))
    if entity_type not in ("LEAD", "DEAL") or entity_id is None:
        return None
    return Ticket.objects.filter(bitrix_entity_type=entity_type,
                                 bitrix_entity_id=entity_id).first()


@transaction.atomic
def take(comment: dict, *, author: str = "") -> dict:
    """Add the comment to its ticket unless it is ours, unknown or already there."""
    comment_id = str((comment or {}).get("ID") or "")
    raw = str((comment or {}).get("COMMENT") or "")
    if outbox.is_own_comment(raw):
        return {"comment": comment_id, "skipped": "own"}
    ticket = ticket_for(comment or {})
    if ticket is None:
        return {"comment": comment_id, "skipped": "no ticket"}
    text = bbcode.to_text(raw)[:TEXT_MAX_LENGTH]
    if not text:
        return {"comment": comment_id, "skipped": "empty", "ticket_id": ticket.pk}
    message = ticket_services.message_add(
        ticket=ticket, author_kind=Message.AuthorKind.MANAGER,
        author_name=author or _("Менеджер (Битрикс24)"), text=text,
        source=Message.Source.BITRIX, external_id=external_id(comment_id))
    return {"comment": comment_id, "ticket_id": ticket.pk, "message_id": message.pk}
