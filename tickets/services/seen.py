"""What the client has seen: the moment they last opened a ticket's card."""

from django.utils import timezone

from ..models import Ticket


def ticket_mark_seen(*, ticket: Ticket, at=None) -> None:
    """The client opened the card: replies up to now are no longer «Новый ответ».

    One UPDATE of one column: ``updated_at`` stays (looking is not a change) and no
    signal fires (Bitrix and notifications have nothing to say about it)."""
    at = at or timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(client_seen_at=at)
    ticket.client_seen_at = at
