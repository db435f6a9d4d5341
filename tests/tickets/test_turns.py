"""Whose turn it is: the last public message decides, and internal notes never do."""

import pytest

from tickets import services
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(portal_client, department):
    return services.ticket_create(client=portal_client, title="Т", description="О",
                                  department=department)


def reply(ticket, kind, *, internal=False):
    services.message_add(ticket=ticket, author_kind=kind, text="…", source="admin",
                         author_name="Ирина", is_internal=internal)
    return Ticket.objects.get(pk=ticket.pk)


def test_a_new_ticket_waits_on_us_since_it_was_filed(ticket):
    assert ticket.last_public_by == Message.AuthorKind.CLIENT
    assert ticket.last_public_at == ticket.created_at
    assert ticket.client_seen_at == ticket.created_at


def test_the_last_public_message_passes_the_turn_and_a_note_does_not(ticket):
    answered = reply(ticket, Message.AuthorKind.MANAGER)
    assert answered.last_public_by == "manager"
    assert answered.last_public_at > ticket.last_public_at

    noted = reply(ticket, Message.AuthorKind.MANAGER, internal=True)
    assert (noted.last_public_by, noted.last_public_at) == ("manager", answered.last_public_at)

    back = reply(ticket, Message.AuthorKind.CLIENT)
    assert back.last_public_by == "client"
    assert back.last_public_at > answered.last_public_at
