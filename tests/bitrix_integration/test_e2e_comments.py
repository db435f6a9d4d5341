"""End to end: a comment a manager writes in Bitrix shows on the client's card once."""

import pytest

from tickets.models import Message

from .helpers import client_says, drain, post_events

pytestmark = pytest.mark.django_db(transaction=True)


def _from_bitrix(ticket):
    return list(Message.objects.filter(ticket=ticket, source=Message.Source.BITRIX)
                .values_list("author_name", "text"))


def test_manager_comment_in_bitrix_reaches_the_client_once(fake_bitrix, ticket):
    portal = fake_bitrix
    client_says(ticket, "Когда починят?")
    drain()
    post_events(portal)  # our own lead and comment come back as events: nothing happens
    drain()
    ticket.refresh_from_db()
    assert _from_bitrix(ticket) == []

    portal.manager_writes("lead", ticket.bitrix_entity_id, "[b]Завтра[/b] к обеду")
    post_events(portal, repeat=2)  # Bitrix posted the event twice
    drain()

    assert _from_bitrix(ticket) == [("Ирина Петрова", "Завтра к обеду")]
    # nothing went back to Bitrix: the lead has only the client's comment and the manager's
    assert len(portal.comments_on("lead", ticket.bitrix_entity_id)) == 2
