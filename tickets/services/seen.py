"""What the client has seen: the moment they last opened a ticket's card."""

from datetime import timedelta

from django.utils import timezone

from ..models import Ticket

# A card opened again within this time is not written again (unless a reply came in):
# reloads and back buttons cost no write, and the moment stays accurate to a minute.
SEEN_PRECISION = timedelta(seconds=60)


def ticket_mark_seen(*, ticket: Ticket, at=None) -> None:
    """The client opened the card: replies up to now are no longer «Новый ответ».

    One UPDATE of one column: ``updated_at`` stays (looking is not a change) and no
    signal fires (Bitrix and notifications have nothing to say about it)."""
    at = at or timezone.now()
    seen = ticket.client_seen_at
    if not ticket.has_new_reply and seen is not None and at - seen < SEEN_PRECISION:
        return
    Ticket.objects.filter(pk=ticket.pk).update(client_seen_at=at)
    ticket.client_seen_at = at
