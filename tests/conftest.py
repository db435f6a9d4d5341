"""Fixtures shared by all tests: factories for the domain and a logged-in client."""

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.utils import timezone

from delivery.models import Job
from tests.helpers import MANAGER_KEY
from tickets import services
from tickets.models import Client, Department, Message, Tag, Ticket
from tickets.selectors import SESSION_CLIENT_KEY

_phones = itertools.count(1_000_000)


@pytest.fixture
def make_client(db):
    def make(phone=None, name=""):
        phone = phone or f"+7916{next(_phones):07d}"
        return Client.objects.create(phone=phone, name=name)

    return make


@pytest.fixture
def department(db):
    return Department.objects.create(name="Техническая поддержка", slug="support")


@pytest.fixture
def tag(db):
    return Tag.objects.create(name="Ошибка", slug="bug")


@pytest.fixture
def make_ticket(db, department):
    def make(client, **fields):
        data = {"title": "Не работает печать", "description": "Кнопка «Печать» молчит.",
                "department": department, "criticality": Ticket.Criticality.NORMAL}
        data.update(fields)
        return services.ticket_create(client=client, **data)

    return make


@pytest.fixture
def make_message(db):
    def make(ticket, text="Сообщение", author_kind=Message.AuthorKind.MANAGER, **fields):
        fields.setdefault("source", Message.Source.ADMIN)
        fields.setdefault("author_name", "Ирина" if author_kind != "client" else "")
        return services.message_add(ticket=ticket, author_kind=author_kind, text=text, **fields)

    return make


@pytest.fixture
def portal_client(make_client):
    return make_client(phone="+79991234567", name="Алексей")


@pytest.fixture
def logged_in(client, portal_client):
    """Django's test client logged in as ``portal_client`` (as the verify view does)."""
    session = client.session
    session[SESSION_CLIENT_KEY] = portal_client.pk
    session.save()
    return client


@pytest.fixture
def sms_outbox():
    """Files written by the ``file`` SMS backend, oldest first, as (phone, text)."""
    directory = Path(settings.SMS_FILE_DIR)

    def read():
        if not directory.exists():
            return []
        messages = []
        for path in sorted(directory.glob("*.txt")):
            phone, text = path.read_text(encoding="utf-8").split("\n", 1)
            messages.append((phone, text.strip()))
        return messages

    for path in directory.glob("*.txt"):
        path.unlink()
    yield read
    for path in directory.glob("*.txt"):
        path.unlink()


@pytest.fixture
def manager_key(settings):
    """The manager API key, configured for the test."""
    settings.MANAGER_API_KEY = MANAGER_KEY
    return MANAGER_KEY


@pytest.fixture
def api(manager_key):
    """A client that sends the manager API key."""
    return HttpClient(headers={"X-Manager-Key": manager_key})


@pytest.fixture
def make_due():
    """Put pending outbox jobs (all, or the given ones) due now, as if their backoff had passed."""

    def due(*jobs):
        pending = Job.objects.filter(state=Job.State.PENDING)
        if jobs:
            pending = pending.filter(pk__in=[job.pk for job in jobs])
        pending.update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    return due
