"""``sla_recalculate`` and ``sla_escalate`` as ops run them: batches, one summary line,
queries that do not grow with the tickets."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import services
from tickets.models import Ticket
from tickets.sla import escalation, sla_recalculate

from .sla_helpers import msk

pytestmark = pytest.mark.django_db


def _tickets(make_ticket, portal_client, n):
    for _ in range(n):
        ticket = make_ticket(portal_client)
        services.ticket_change_status(ticket=ticket, status=Ticket.Status.WAITING, source="admin")


def _queries(action):
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def test_recalculate_queries_do_not_grow_with_tickets(clock, make_client, make_ticket):
    clock.now = msk(2026, 3, 10, 9)
    _tickets(make_ticket, make_client(), 2)
    few = _queries(sla_recalculate)
    _tickets(make_ticket, make_client(), 6)
    assert _queries(sla_recalculate) == few


def test_recalculate_goes_in_batches_and_changes_nothing_already_right(clock, make_client,
                                                                      make_ticket):
    clock.now = msk(2026, 3, 10, 9)
    _tickets(make_ticket, make_client(), 5)
    seen = []
    assert sla_recalculate(batch=2, progress=seen.append) == (5, 0)
    assert seen == [2, 4, 5]


def test_escalate_says_one_line_and_finds_nothing_before_the_due_time(clock, portal_client,
                                                                     make_ticket):
    clock.now = msk(2026, 3, 10, 9)
    make_ticket(portal_client, criticality=Ticket.Criticality.CRITICAL)
    out = io.StringIO()
    call_command("sla_escalate", stdout=out)
    assert out.getvalue() == "SLA: новых нарушений 0, уведомлений 0.\n"
    assert escalation.run_chore() == ""  # the worker's log stays quiet


def test_escalate_queries_do_not_grow_with_tickets_already_escalated(clock, make_client,
                                                                    make_ticket):
    clock.now = msk(2026, 3, 10, 9)
    client = make_client()
    for _ in range(3):
        make_ticket(client, criticality=Ticket.Criticality.CRITICAL)
    clock.now = msk(2026, 3, 11, 9)
    escalation.sla_escalate()
    few = _queries(escalation.sla_escalate)
    for _ in range(5):
        make_ticket(client, criticality=Ticket.Criticality.CRITICAL)
    clock.now = msk(2026, 3, 12, 9)
    escalation.sla_escalate()
    assert _queries(escalation.sla_escalate) == few
    assert Ticket.objects.filter(sla_breached=True).count() == 8
