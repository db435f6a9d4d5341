"""What an inbound call from Bitrix24 does. Views parse; these apply."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import services as ticket_services
from tickets.api.serializers import message_data, ticket_data
from tickets.models import Message, Ticket

from . import outbox
from .models import InboundEvent

ACTIONS = ("comment", "status")
LEAD_READ_REPEAT_SECONDS = 60  # an event for a lead read this recently queues nothing


def inbound_action_check(action: str) -> str:
    if action not in ACTIONS:
        raise ValidationError({"action": ValidationError(
            _("Неизвестное действие «%(action)s». Допустимые: comment, status."),
            code="invalid_choice", params={"action": action, "allowed": list(ACTIONS)})})
    return action


def inbound_ticket_find(*, local_id: int | None, lead_id: int | None) -> Ticket:
    """The ticket a call names; ``Ticket.DoesNotExist`` with a Russian message if none."""
    if local_id is None and lead_id is None:
        raise ValidationError(
            {"local_ticket_id": _("Укажите local_ticket_id или bitrix_entity_id.")})
    tickets = Ticket.objects.select_related("client", "department", "tag", "assignee")
    ticket = (tickets.filter(pk=local_id).first() if local_id is not None
              else tickets.filter(bitrix_entity_id=lead_id).first())
    if ticket is None:
        which = (f"local_ticket_id={local_id}" if local_id is not None
                 else f"bitrix_entity_id={lead_id}")
        raise Ticket.DoesNotExist(_("Заявка не найдена: %(which)s.") % {"which": which})
    return ticket


@transaction.atomic
def inbound_comment(*, ticket: Ticket, text: str, author: str, internal: bool,
                    event: InboundEvent) -> dict:
    """A comment from a robot or business process; its event id makes a retry harmless."""
    message = ticket_services.message_add(
        ticket=ticket, author_kind=Message.AuthorKind.MANAGER, author_name=author,
        text=text, is_internal=internal, source=Message.Source.BITRIX,
        external_id=f"inbound:{event.event_id}" if event.event_id else None,
    )
    return {"ok": True, "ticket_id": ticket.pk, "message": message_data(message)}


@transaction.atomic
def inbound_status(*, ticket: Ticket, status: str, author: str) -> dict:
    """A status (code or Russian label) from a robot or business process."""
    code = ticket_services.parse_choice(status, Ticket.Status, field="status")
    change = ticket_services.ticket_change_status(
        ticket=ticket, status=code, source=Message.Source.BITRIX,
        actor_name=author or _("Битрикс24"))
    ticket.refresh_from_db()
    return {"ok": True, "changed": change is not None, "ticket": ticket_data(ticket)}


def event_previous(channel, event_id) -> InboundEvent | None:
    """The successful handling of this event id, if it happened already."""
    if not event_id:
        return None
    return InboundEvent.objects.filter(channel=channel, event_id=event_id,
                                       status_code=200).first()


def event_record(event: InboundEvent, *, status_code, result=None, error="") -> InboundEvent:
    """Keep the call. A repeat of a handled event id keeps its body, without the id."""
    if status_code != 200 and event.event_id:
        # Only a handled event holds its id: a failed try must not take the id from the
        # retry that works (which then would not be recognised when repeated).
        error, event.event_id = f"{error} (event_id={event.event_id})", None
    event.status_code, event.result, event.error = status_code, result, error[:5000]
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        event.error = (event.error + f" (повтор event_id={event.event_id})").strip()
        event.event_id = None
        event.save()
    return event


def event_prune(*, older_than_days: int) -> int:
    """Forget inbound calls received more than ``older_than_days`` ago; how many."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _by_model = InboundEvent.objects.filter(received_at__lt=cutoff).delete()
    return deleted


def lead_event_receive(*, event_name: str, lead_id: int | None, event: InboundEvent) -> dict:
    """A native CRM event: remember it and let the worker read the lead."""
    event.action = event_name
    if event_name.upper() != "ONCRMLEADUPDATE":
        return {"ok": True, "ignored": _("Событие %(e)s не обрабатывается.") % {"e": event_name}}
    if not outbox.enabled():
        return {"ok": True, "ignored": _("Битрикс24 выключен: BITRIX_WEBHOOK_URL не задан.")}
    if lead_id is None:
        raise ValidationError({"data[FIELDS][ID]": _("Нет data[FIELDS][ID] — ID лида.")})
    ticket = Ticket.objects.filter(bitrix_entity_id=lead_id).first()
    if ticket is None:
        return {"ok": True, "ignored": _("Лид %(id)s не связан с заявкой.") % {"id": lead_id}}
    event.ticket = ticket
    # A replayed (or twice-sent) event must not queue the same read again and again:
    # a read still waiting, or queued within the minute, will see the same lead.
    if earlier := outbox.lead_read_recent(ticket, lead_id=lead_id,
                                          seconds=LEAD_READ_REPEAT_SECONDS):
        return {"ok": True, "ticket_id": ticket.pk, "job_id": earlier.pk, "duplicate": True}
    job = outbox.enqueue_lead_read(ticket, lead_id=lead_id)
    return {"ok": True, "ticket_id": ticket.pk, "job_id": job.pk}
