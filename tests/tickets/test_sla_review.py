"""Review fixes of the SLA clock (edges the first tests did not reach)."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection

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


def test_a_ticket_paused_after_its_resolution_due_time_counts_as_breached(
        clock, portal_client, make_ticket, make_message):
    clock.now = msk(2026, 3, 10, 9)
    ticket = make_ticket(portal_client, criticality=Ticket.Criticality.CRITICAL)  # due 17:00
    clock.now = msk(2026, 3, 10, 9, 30)
    make_message(ticket, "Смотрим")  # the first response is met
    clock.now = msk(2026, 3, 11, 10)  # two working hours past the resolution due time
    services.ticket_change_status(ticket=ticket, status=Ticket.Status.WAITING, source="admin")
    ticket = _reload(ticket)
    assert (ticket.resolution_left_seconds, ticket.sla_breached) == (-2 * 3600, True)
    call_command("sla_recalculate", stdout=io.StringIO())
    assert _reload(ticket).sla_breached is True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_sla_recalculate_does_not_undo_a_reply_made_while_it_ran(
        clock, portal_client, make_ticket):
    clock.now = msk(2026, 3, 10, 9)
    ticket = make_ticket(portal_client)
    SlaTarget.objects.create(criticality="normal", department=ticket.department,
                             first_response_hours=2, resolution_hours=4)

    def reply_elsewhere():
        try:
            services.message_add(ticket=ticket, author_kind="manager", text="Смотрим",
                                 source="admin", author_name="Ирина")
        finally:
            connection.close()

    worker = threading.Thread(target=reply_elsewhere)

    def meddle(execute, sql, params, many, context):
        if sql.startswith('UPDATE "tickets_ticket"') and not worker.is_alive() \
                and worker.ident is None:
            worker.start()  # a manager answers between the reading and the writing
            worker.join(timeout=2)  # (with the rows locked it waits for the recalculation)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(meddle):
        call_command("sla_recalculate", stdout=io.StringIO())
    worker.join()

    ticket = _reload(ticket)
    assert (ticket.sla_first_response_met, ticket.first_response_due_at) == (True, None)
    assert ticket.sla_due_at == ticket.resolution_due_at == msk(2026, 3, 10, 13)
