"""Bitrix24 settings for every test here, HTTP mocks and a one-pass ``deliver`` helper."""

import json
from datetime import timedelta

import pytest
import responses
from django.utils import timezone

from bitrix_integration import worker
from bitrix_integration.models import OutboxJob
from tickets import services
from tickets.models import Message

WEBHOOK = "https://portal.example/rest/1/secret"
INBOUND_KEY = "bitrix-inbound-key"
EVENT_TOKEN = "jvh9y1-app-token"
STATUS_MAP = {"new": "NEW", "in_progress": "IN_PROCESS", "resolved": "CONVERTED"}


def url(method):
    return f"{WEBHOOK}/{method}.json"


def ok(result, **extra):
    """A successful Bitrix answer."""
    return {"result": result, "time": {"start": 1742807189.1, "finish": 1742807189.2,
                                       "operating": 0, "operating_reset_at": 1742807789},
            **extra}


def methods_called(mock):
    """``crm.lead.add.json``… of each recorded request, in order."""
    return [call.request.url.rsplit("/", 1)[1] for call in mock.calls]


def job_of(ticket, kind):
    """The ticket's latest outbox job of this kind."""
    return OutboxJob.objects.filter(ticket=ticket, kind=kind).latest("id")


def client_says(ticket, text="Уточните номер договора"):
    return services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT, text=text,
                                source=Message.Source.PORTAL)


def admin_retry(admin_client, job):
    """The «Отправить снова» action of the outbox changelist, as a superuser posts it."""
    return admin_client.post("/admin/bitrix_integration/outboxjob/",
                             {"action": "retry", "_selected_action": [job.pk]})


def fake_limiter(rate=2):
    """A limiter on a fake clock: (limiter, the sleeps it asked for, the clock)."""
    now, sleeps = [100.0], []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    return worker.RateLimiter(rate, clock=lambda: now[0], sleep=sleep), sleeps, now


def sent(call):
    """The JSON body of a recorded ``responses`` call."""
    return json.loads(call.request.body)


@pytest.fixture(autouse=True)
def bitrix_settings(settings):
    settings.BITRIX_WEBHOOK_URL = WEBHOOK
    settings.BITRIX_INBOUND_KEY = INBOUND_KEY
    settings.BITRIX_EVENT_TOKEN = EVENT_TOKEN
    settings.BITRIX_STATUS_MAP = dict(STATUS_MAP)
    settings.BITRIX_SEND_INTERNAL_NOTES = False
    settings.BITRIX_SOURCE_ID = "WEB"
    settings.BITRIX_TIMEOUT = 10
    settings.BITRIX_RETRY_BASE_SECONDS = 5
    settings.BITRIX_MAX_ATTEMPTS = 3
    settings.BITRIX_RATE_PER_SECOND = 2
    # Timed-out calls are taken as finished in Bitrix (a lost answer); the
    # wait for a call Bitrix may still be running has tests of its own.
    settings.BITRIX_REQUEST_MAX_SECONDS = 0
    return settings


@pytest.fixture
def bitrix():
    """Mocked Bitrix24: any request to an unregistered URL fails the call."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def deliver():
    """One worker pass without rate-limit sleeps."""

    def run(**kwargs):
        kwargs.setdefault("limiter", worker.RateLimiter(0))
        return worker.deliver(**kwargs)

    return run


@pytest.fixture
def make_due():
    """Put pending jobs (all, or the given ones) due now, as if their backoff had passed."""

    def due(*jobs):
        pending = OutboxJob.objects.filter(state=OutboxJob.State.PENDING)
        if jobs:
            pending = pending.filter(pk__in=[job.pk for job in jobs])
        pending.update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    return due


@pytest.fixture
def ticket(make_ticket, portal_client, tag):
    return make_ticket(portal_client, title="Не работает печать", tag=tag)


@pytest.fixture
def make_linked(make_ticket, make_client):
    """A ticket whose lead already exists in Bitrix, with no pending jobs."""

    def make(lead_id, **fields):
        ticket = make_ticket(make_client(), **fields)
        OutboxJob.objects.filter(ticket=ticket).update(state=OutboxJob.State.DONE,
                                                       result=lead_id)
        ticket.bitrix_entity_type, ticket.bitrix_entity_id = "LEAD", lead_id
        ticket.save(update_fields=["bitrix_entity_type", "bitrix_entity_id"])
        return ticket

    return make


@pytest.fixture
def linked_ticket(make_linked):
    return make_linked(215)
