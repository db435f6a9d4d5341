"""Bitrix24's own outgoing events, by name (compared case-insensitively): each becomes a read
job for the worker; nothing is read inside the request."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tickets.models import Ticket
from tickets.selectors import id_from_text

from . import outbox, services
from .models import InboundEvent

COMMENT_ADD = "ONCRMTIMELINECOMMENTADD"
DEAL_UPDATE = "ONCRMDEALUPDATE"


def entity_id_of(form) -> int | None:
    """``data[FIELDS][ID]``, or ``data[ID]`` as some comment events send it."""
    return id_from_text(form.get("data[FIELDS][ID]") or form.get("data[ID]"))


def comment_event_receive(*, comment_id: int | None, event: InboundEvent) -> dict:
    event.action = COMMENT_ADD
    if not outbox.enabled():
        return {"ok": True, "ignored": _("Битрикс24 выключен: BITRIX_WEBHOOK_URL не задан.")}
    if comment_id is None:
        raise ValidationError({"data[FIELDS][ID]": _("Нет data[FIELDS][ID] — ID комментария.")})
    job = outbox.enqueue_comment_read(comment_id)
    return {"ok": True, "job_id": job.pk}


def deal_event_receive(*, deal_id: int | None, event: InboundEvent) -> dict:
    """A deal moved (simple CRM): read it in the worker, as a lead is read."""
    event.action = DEAL_UPDATE
    if not outbox.enabled():
        return {"ok": True, "ignored": _("Битрикс24 выключен: BITRIX_WEBHOOK_URL не задан.")}
    if deal_id is None:
        raise ValidationError({"data[FIELDS][ID]": _("Нет data[FIELDS][ID] — ID сделки.")})
    ticket = Ticket.objects.filter(bitrix_entity_type="DEAL", bitrix_entity_id=deal_id).first()
    if ticket is None:
        return {"ok": True, "ignored": _("Сделка %(id)s не связана с заявкой.") % {"id": deal_id}}
    event.ticket = ticket
    job = outbox.enqueue_lead_read(ticket, lead_id=deal_id)
    return {"ok": True, "ticket_id": ticket.pk, "job_id": job.pk}


def receive(*, event_name: str, form, event: InboundEvent) -> dict:
    """Route one event to what handles it."""
    entity_id = entity_id_of(form)
    if event_name.upper() == COMMENT_ADD:
        return comment_event_receive(comment_id=entity_id, event=event)
    if event_name.upper() == DEAL_UPDATE:
        return deal_event_receive(deal_id=entity_id, event=event)
    return services.lead_event_receive(event_name=event_name, lead_id=entity_id, event=event)
