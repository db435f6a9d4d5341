"""What happened in ``tickets`` and who is told: called by the signal receivers.

Clients: a manager's public reply (merged within the burst window), and a
status change to waiting, resolved or closed (said by a reply still in its window
instead, when there is one). Internal notes never. Telegram
when linked; otherwise SMS for the events ``NOTIFY_SMS_EVENTS`` lists, unless
the client chose otherwise. Managers (Telegram only): a new ticket in their
departments (critical ones at once, others after the window) and a client's
reply on a ticket assigned to them.
"""

from django.conf import settings
from django.db.models import Q

from tickets.models import Message, StatusChange, Ticket

from . import outbox, texts
from .models import Channel, ClientPreference, Event, TelegramChat

CLIENT_STATUS_EVENTS = {Ticket.Status.WAITING: Event.WAITING,
                        Ticket.Status.RESOLVED: Event.RESOLVED,
                        Ticket.Status.CLOSED: Event.CLOSED}


def telegram_on() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN)


def _message_texts(ids):
    by_id = dict(Message.objects.filter(pk__in=ids).values_list("pk", "text"))
    return [by_id[pk] for pk in ids if pk in by_id]


def _client_channel(client_id, event):
    """(channel, address) a client hears this event through, or None."""
    choice = (ClientPreference.objects.filter(client_id=client_id)
              .values_list("channel", flat=True).first() or ClientPreference.Choice.AUTO)
    if choice == ClientPreference.Choice.OFF:
        return None
    if telegram_on():
        chat_id = (TelegramChat.objects.filter(client_id=client_id)
                   .values_list("chat_id", flat=True).first())
        if chat_id is not None:
            return Channel.TELEGRAM, chat_id
    if choice == ClientPreference.Choice.AUTO and event in settings.NOTIFY_SMS_EVENTS:
        return Channel.SMS, None
    return None


def _tell_client(ticket, event, *, text, sms_text, message_id=None, delay=0.0):
    route = _client_channel(ticket.client_id, event)
    if route is None:
        return
    channel, address = route
    if channel == Channel.SMS:
        address, text = ticket.client.phone.as_e164, sms_text
    outbox.notify(channel=channel, address=address, event=event, text=text, ticket=ticket,
                  client=ticket.client, message_id=message_id, delay=delay)


def _reply(message, event, render, *, address, channel=Channel.TELEGRAM, **who):
    ticket = message.ticket
    if outbox.merge_into_pending(channel=channel, address=address, event=event, ticket=ticket,
                                 message_id=message.pk, render=render):
        return
    outbox.notify(channel=channel, address=address, event=event, ticket=ticket,
                  text=render([message.pk]), message_id=message.pk,
                  delay=outbox.BURST_SECONDS, **who)


def message_added(message: Message) -> None:
    if message.is_internal:
        return
    ticket = message.ticket
    if message.author_kind == Message.AuthorKind.MANAGER:
        route = _client_channel(ticket.client_id, Event.REPLY)
        if route is None:
            return
        if route[0] == Channel.SMS:
            _tell_client(ticket, Event.REPLY, text="", sms_text=texts.sms(ticket, Event.REPLY),
                         message_id=message.pk)
            return
        _reply(message, Event.REPLY, lambda ids: texts.reply(ticket, _message_texts(ids)),
               address=route[1], client=ticket.client)
    elif message.author_kind == Message.AuthorKind.CLIENT and ticket.assignee_id and telegram_on():
        chat_id = (TelegramChat.objects.filter(user_id=ticket.assignee_id)
                   .values_list("chat_id", flat=True).first())
        if chat_id is not None:
            _reply(message, Event.CLIENT_REPLY,
                   lambda ids: texts.client_reply(ticket, _message_texts(ids)),
                   address=chat_id, user_id=ticket.assignee_id)


def status_changed(change: StatusChange) -> None:
    event = CLIENT_STATUS_EVENTS.get(change.to_status)
    if event is None:
        return
    ticket = change.ticket
    # A reply still waiting out its window («…и ждать ответа клиента», «…и решить»)
    # says the new status itself (texts.reply): one message instead of two.
    route = _client_channel(ticket.client_id, Event.REPLY)
    if route is not None and route[0] == Channel.TELEGRAM and outbox.merge_into_pending(
            channel=Channel.TELEGRAM, address=route[1], event=Event.REPLY, ticket=ticket,
            message_id=None, render=lambda ids: texts.reply(ticket, _message_texts(ids))):
        return
    _tell_client(ticket, event, text=texts.status(ticket, change.to_status),
                 sms_text=texts.sms(ticket, change.to_status))


def ticket_created(ticket: Ticket) -> None:
    if not telegram_on():
        return
    chats = (TelegramChat.objects.filter(user__isnull=False, user__is_active=True)
             .filter(Q(departments=ticket.department_id) | Q(departments__isnull=True))
             .distinct().values_list("chat_id", "user_id"))
    delay = 0.0 if ticket.criticality == Ticket.Criticality.CRITICAL else outbox.BURST_SECONDS
    text = texts.new_ticket(ticket)
    for chat_id, user_id in chats:
        outbox.notify(channel=Channel.TELEGRAM, address=chat_id, event=Event.NEW_TICKET,
                      text=text, ticket=ticket, user_id=user_id, delay=delay)


def sla_breach(breach) -> int:
    """Tell the ticket's assignee and the department's lead (each once) that a target
    was missed; Telegram only. Returns how many were told: the others read it in admin."""
    if not telegram_on():
        return 0
    ticket = breach.ticket
    people = {ticket.assignee_id, ticket.department.lead_id} - {None}
    chats = (TelegramChat.objects.filter(user_id__in=people, user__is_active=True)
             .values_list("chat_id", "user_id"))
    text = texts.sla_breach(ticket, breach)
    told = 0
    for chat_id, user_id in chats:
        outbox.notify(channel=Channel.TELEGRAM, address=chat_id, event=Event.SLA_BREACH,
                      text=text, ticket=ticket, user_id=user_id)
        told += 1
    return told
