"""Review fixes of the SLA clock (edges the first tests did not reach)."""

import io

import pytest
from django.core.management import call_command

from tickets import services
from tickets.models import SlaTarget, Ticket

from .sla_helpers import msk

pytestmark = pytest.mark.django_db


def _reload(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def test_an_edited_general_target_applies_to_a_new_ticket_of_any_department(
        clock, portal_client, make_ticket):
    SlaTarget.objects.update_or_create(
        criticality="normal", department=None,
        defaults={"first_response_hours": 2, "resolution_hours": 4})
    clock.now = msk(2026, 3, 10, 9)
    ticket = make_ticket(portal_client)  # its department has no target of its own
    assert (ticket.first_response_due_at, ticket.resolution_due_at) == (
        msk(2026, 3, 10, 11), msk(2026, 3, 10, 13))
    call_command("sla_recalculate", stdout=io.StringIO())  # and the recalculation agrees
    ticket = _reload(ticket)
    assert (ticket.first_response_due_at, ticket.resolution_due_at) == (
        msk(2026, 3, 10, 11), msk(2026, 3, 10, 13))
    services.ticket_update(ticket=ticket, criticality=Ticket.Criticality.CRITICAL)
    services.ticket_update(ticket=_reload(ticket), criticality=Ticket.Criticality.NORMAL)
    assert _reload(ticket).resolution_due_at == msk(2026, 3, 10, 13)
