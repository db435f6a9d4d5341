"""End to end on a simple-mode portal: one deal per ticket and the dialog both ways."""

import pytest

from bitrix_integration import outbox
from tickets.models import Message, Ticket

from .helpers import change, client_says, drain, post_events

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def simple_portal(fake_bitrix, settings):
    fake_bitrix.mode = 2
    settings.BITRIX_ENTITY = "auto"
    settings.BITRIX_STATUS_MAP = {"in_progress": "EXECUTING", "resolved": "WON"}
    return fake_bitrix


def test_simple_mode_portal_gets_one_deal_per_ticket_and_the_dialog_both_ways(
        simple_portal, make_ticket, make_client):
    portal = simple_portal
    tickets = [make_ticket(make_client()) for _ in range(2)]
    client_says(tickets[0], "Жду ответа")
    change(tickets[0], Ticket.Status.IN_PROGRESS)
    drain()
    post_events(portal)  # our own deal updates and comments come back: nothing changes
    drain()

    assert portal.stats()["leads"] == 0 and portal.stats()["requests"]["crm.settings.mode.get"] == 1
    for ticket in tickets:
        ticket.refresh_from_db()
        (deal,) = portal.deals_by_origin(f"ticket-{ticket.pk}")
        assert (ticket.bitrix_entity_type, ticket.bitrix_entity_id) == ("DEAL", deal["ID"])
    ticket = tickets[0]
    assert portal.deal(ticket.bitrix_entity_id)["STAGE_ID"] == "EXECUTING"
    assert [c["COMMENT"] for c in portal.comments_on("deal", ticket.bitrix_entity_id)] == [
        outbox.comment_text(Message.objects.get(ticket=ticket, text="Жду ответа"))]
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.IN_PROGRESS

    portal.manager_writes("deal", ticket.bitrix_entity_id, "Готово, проверьте")
    portal.set_deal_stage(ticket.bitrix_entity_id, "WON")
    post_events(portal)
    drain()

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert Message.objects.filter(ticket=ticket, source=Message.Source.BITRIX,
                                  text="Готово, проверьте").count() == 1
