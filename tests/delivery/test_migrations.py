"""bitrix_integration 0004: Bitrix jobs and method pauses move to the delivery outbox."""

from datetime import timedelta

import pytest
from django.utils import timezone

from delivery.models import Job, Pause
from tests.helpers import migrate, migration_leaves

BEFORE = [("bitrix_integration", "0003_job_uncertain_until"), ("delivery", "0001_initial")]
MIGRATION = ("bitrix_integration", "0004_jobs_to_delivery")


@pytest.fixture
def old_schema(transactional_db):
    """The database as it was before 0004; back at the newest migrations afterwards."""
    leaves = migration_leaves()
    try:
        yield migrate(BEFORE)
    finally:
        migrate(leaves)


def old_jobs(apps, first, second, messages):
    """Jobs of two tickets interleaved by id, in every state, one leased and paused-for."""
    OutboxJob = apps.get_model("bitrix_integration", "OutboxJob")
    now = timezone.now().replace(microsecond=0)
    rows = [
        dict(ticket_id=first.pk, kind="lead_add", payload={"TITLE": "1"}, state="done",
             attempts=1, result=501, done_at=now),
        dict(ticket_id=second.pk, kind="lead_add", payload={"TITLE": "2"}, state="dead",
             attempts=3, last_error="400: bad"),
        dict(ticket_id=first.pk, kind="comment_add", payload={"COMMENT": "a"},
             message_id=messages[0].pk, locked_until=now + timedelta(minutes=2),
             uncertain_until=now + timedelta(seconds=60)),
        dict(ticket_id=second.pk, kind="comment_add", payload={"COMMENT": "b"},
             message_id=messages[1].pk, next_attempt_at=now + timedelta(seconds=30)),
        dict(ticket_id=first.pk, kind="lead_update", payload={"fields": {"STATUS_ID": "NEW"}},
             attempts=2, last_error="503: later"),
    ]
    return [OutboxJob.objects.create(created_at=now, **row) for row in rows]


def moved(old):
    payload = dict(old.payload)
    if old.message_id:
        payload["message_id"] = old.message_id
    return ("bitrix", f"ticket:{old.ticket_id}", old.ticket_id, old.kind, payload, old.state,
            old.attempts, old.next_attempt_at, old.locked_until, old.uncertain_until,
            old.last_error, old.result, old.created_at, old.done_at)


FIELDS = ["channel", "key", "ticket_id", "kind", "payload", "state", "attempts",
          "next_attempt_at", "locked_until", "uncertain_until", "last_error", "result",
          "created_at", "done_at"]


@pytest.fixture
def tickets(make_client, make_ticket, make_message, settings):
    settings.BITRIX_WEBHOOK_URL = ""  # nothing queued by the tickets themselves
    first, second = make_ticket(make_client()), make_ticket(make_client())
    return first, second, [make_message(first, "a"), make_message(second, "b")]


@pytest.mark.django_db(transaction=True)
def test_every_bitrix_job_arrives_in_the_delivery_outbox_as_it_was(tickets, old_schema):
    first, second, messages = tickets
    jobs = old_jobs(old_schema, first, second, messages)

    migrate([MIGRATION])

    assert list(Job.objects.order_by("id").values_list(*FIELDS)) == [moved(job) for job in jobs]


@pytest.mark.django_db(transaction=True)
def test_each_tickets_jobs_keep_their_order(tickets, old_schema):
    first, second, messages = tickets
    jobs = old_jobs(old_schema, first, second, messages)

    migrate([MIGRATION])

    for ticket in (first, second):
        kinds = [job.kind for job in jobs if job.ticket_id == ticket.pk]
        assert list(Job.objects.filter(key=f"ticket:{ticket.pk}").order_by("id")
                    .values_list("kind", flat=True)) == kinds


@pytest.mark.django_db(transaction=True)
def test_method_pauses_become_bitrix_pauses_of_that_scope(old_schema):
    until = timezone.now().replace(microsecond=0) + timedelta(minutes=5)
    old_schema.get_model("bitrix_integration", "MethodPause").objects.create(
        method="crm.lead.add", until=until)

    migrate([MIGRATION])

    assert list(Pause.objects.values_list("channel", "scope", "until")) == [
        ("bitrix", "crm.lead.add", until)]


@pytest.mark.django_db(transaction=True)
def test_migrating_back_returns_the_jobs_to_the_bitrix_outbox(tickets, old_schema):
    first, second, messages = tickets
    jobs = old_jobs(old_schema, first, second, messages)
    migrate(migration_leaves())  # 0005 drops the old tables

    apps = migrate(BEFORE)

    OutboxJob = apps.get_model("bitrix_integration", "OutboxJob")
    assert [(job.ticket_id, job.kind, job.message_id, job.payload, job.state)
            for job in OutboxJob.objects.order_by("id")] == [
        (job.ticket_id, job.kind, job.message_id, job.payload, job.state) for job in jobs]
    assert Job.objects.filter(channel="bitrix").count() == 0
