"""The services keep ``first_response_seconds`` and ``resolution_seconds`` with the dates
they are measured from; migration 0005 fills them in for the rows written before."""

import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from tickets import services
from tickets.models import Message, Ticket
from tickets.services import tickets as ticket_services

pytestmark = pytest.mark.django_db

Status = Ticket.Status
CREATED = datetime(2026, 3, 2, 7, 0, 0, 250_000, tzinfo=UTC)  # a fraction of a second too


class Clock:
    def __init__(self):
        self.when = CREATED

    def __call__(self):
        return self.when

    def at(self, seconds):
        self.when = CREATED + timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(ticket_services.timezone, "now", fake)
    return fake


@pytest.fixture
def ticket(clock, make_ticket, portal_client):
    return make_ticket(portal_client)


def _reply(clock, ticket, seconds, make_message, **fields):
    clock.at(seconds)
    make_message(ticket, "Ответ", **fields)
    ticket.refresh_from_db()
    return ticket


def _status(clock, ticket, seconds, status):
    clock.at(seconds)
    services.ticket_change_status(ticket=ticket, status=status, source=Message.Source.ADMIN)
    ticket.refresh_from_db()
    return ticket


def test_a_new_ticket_has_no_durations(ticket):
    assert (ticket.first_response_seconds, ticket.resolution_seconds) == (None, None)


def test_first_public_manager_reply_sets_first_response_seconds(clock, ticket, make_message):
    ticket = _reply(clock, ticket, 90.5, make_message)

    assert ticket.first_response_seconds == 90.5
    assert ticket.first_response_at == ticket.created_at + timedelta(seconds=90.5)


@pytest.mark.parametrize("fields", [
    {"is_internal": True}, {"author_kind": "client", "source": "portal"},
], ids=["internal-note", "client-message"])
def test_internal_note_or_client_message_leaves_first_response_seconds_empty(
        clock, ticket, make_message, fields):
    ticket = _reply(clock, ticket, 30, make_message, **fields)

    assert ticket.first_response_seconds is None


def test_second_reply_does_not_change_first_response_seconds(clock, ticket, make_message):
    _reply(clock, ticket, 30, make_message, is_internal=True)
    _reply(clock, ticket, 120, make_message)
    ticket = _reply(clock, ticket, 600, make_message)

    assert ticket.first_response_seconds == 120.0


def test_resolve_sets_resolution_seconds_and_reopen_clears_it(clock, ticket):
    ticket = _status(clock, ticket, 3600, Status.RESOLVED)
    assert ticket.resolution_seconds == 3600.0

    ticket = _status(clock, ticket, 4000, Status.IN_PROGRESS)
    assert (ticket.resolved_at, ticket.resolution_seconds) == (None, None)

    ticket = _status(clock, ticket, 7200, Status.RESOLVED)
    assert ticket.resolution_seconds == 7200.0


def test_client_message_on_a_resolved_ticket_reopens_and_clears_it(clock, ticket,
                                                                   make_message):
    _status(clock, ticket, 1800, Status.RESOLVED)

    ticket = _reply(clock, ticket, 2000, make_message, author_kind="client", source="portal")

    assert (ticket.status, ticket.resolution_seconds) == (Status.IN_PROGRESS, None)


def test_closing_an_open_ticket_sets_resolution_seconds(clock, ticket):
    ticket = _status(clock, ticket, 500, Status.CLOSED)

    assert ticket.resolution_seconds == 500.0


def test_closing_a_resolved_ticket_keeps_resolution_seconds(clock, ticket):
    _status(clock, ticket, 500, Status.RESOLVED)

    ticket = _status(clock, ticket, 9000, Status.CLOSED)

    assert ticket.resolution_seconds == 500.0
    assert ticket.resolved_at == ticket.created_at + timedelta(seconds=500)


def test_waiting_is_open_and_clears_resolution_seconds(clock, ticket):
    _status(clock, ticket, 500, Status.RESOLVED)

    ticket = _status(clock, ticket, 600, Status.WAITING)

    assert ticket.resolution_seconds is None


def test_backfill_migration_fills_the_rows_written_before_the_columns(ticket):
    """The migration's RunPython on rows with the dates but no seconds."""
    migration = importlib.import_module("tickets.migrations.0005_ticket_durations")
    answered = Ticket.objects.filter(pk=ticket.pk)
    answered.update(first_response_at=CREATED + timedelta(seconds=61.5),
                    resolved_at=CREATED + timedelta(hours=2), status=Status.RESOLVED)
    untouched = Ticket.objects.create(client=ticket.client, title="Т", description="О",
                                      department=ticket.department, created_at=CREATED)
    already = Ticket.objects.create(client=ticket.client, title="Т", description="О",
                                    department=ticket.department, created_at=CREATED,
                                    first_response_at=CREATED + timedelta(seconds=10),
                                    first_response_seconds=10.0)

    # It only uses the editor's connection (SQLite refuses a schema editor inside
    # the test's transaction).
    migration.backfill_durations(apps, SimpleNamespace(connection=connection))

    answered = answered.get()
    # SQLite's julianday() keeps milliseconds; PostgreSQL is exact.
    assert answered.first_response_seconds == pytest.approx(61.5, abs=0.001)
    assert answered.resolution_seconds == pytest.approx(7200.0, abs=0.001)
    untouched.refresh_from_db()
    assert (untouched.first_response_seconds, untouched.resolution_seconds) == (None, None)
    already.refresh_from_db()
    assert (already.first_response_seconds, already.resolution_seconds) == (10.0, None)
