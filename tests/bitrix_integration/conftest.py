"""Bitrix24 settings for every test here, HTTP mocks, a one-pass ``deliver``, the fake portal."""


import pytest
import responses

from bitrix_integration import client, worker
from bitrix_integration.models import OutboxJob
from tests.fakes.bitrix_server import FakeBitrix

from .helpers import E2E_EVENT_TOKEN, E2E_STATUS_MAP, EVENT_TOKEN, INBOUND_KEY, STATUS_MAP, WEBHOOK


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
    settings.BITRIX_ENTITY = "lead"  # "auto" asks the portal: tests of their own
    # Timed-out calls are taken as finished in Bitrix (a lost answer); the
    # wait for a call Bitrix may still be running has tests of its own.
    settings.BITRIX_REQUEST_MAX_SECONDS = 0
    return settings


@pytest.fixture(autouse=True)
def forget_time_blocks():
    """The client remembers each method's last time block for the process: not across tests."""
    client._LAST_TIMES.clear()
    yield
    client._LAST_TIMES.clear()


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


@pytest.fixture
def fake_bitrix(settings):
    """The fake Bitrix24 over real HTTP on 127.0.0.1 (the end-to-end tests)."""
    with FakeBitrix(lose_delay=1.5, scopes=("crm", "user")) as portal:
        settings.BITRIX_WEBHOOK_URL = portal.url
        settings.BITRIX_TIMEOUT = 1
        settings.BITRIX_RETRY_BASE_SECONDS = 30
        settings.BITRIX_MAX_ATTEMPTS = 10
        settings.BITRIX_RATE_PER_SECOND = 2
        settings.BITRIX_STATUS_MAP = dict(E2E_STATUS_MAP)
        settings.BITRIX_SEND_INTERNAL_NOTES = False
        settings.BITRIX_SOURCE_ID = "WEB"
        settings.BITRIX_EVENT_TOKEN = E2E_EVENT_TOKEN
        settings.BITRIX_ENTITY = "lead"  # test_e2e_deals.py lets "auto" ask the fake
        # The fake carries a call out before it loses the answer.
        settings.BITRIX_REQUEST_MAX_SECONDS = 0
        yield portal
