"""Fixtures of the analytics tests; what they share besides fixtures is in helpers.py.

``dataset`` is a hand-built week of support work, made once per test module: inside a
transaction opened for the module and rolled back after its last test. Each test runs
in a savepoint of it (pytest-django), so what a test writes is undone after it. A test
module that uses ``dataset`` cannot hold ``transaction=True`` tests (they would flush
it); ``managers`` and ``directories`` there would clash with the dataset's own.
"""

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from tickets.models import Client, Department, Tag, Ticket
from tickets.services import tickets as ticket_services

from .helpers import PERIOD_FROM, Clock, Story, moscow


@pytest.fixture
def clock(monkeypatch):
    fake = Clock(moscow(PERIOD_FROM, 9))
    monkeypatch.setattr(ticket_services.timezone, "now", fake)
    return fake


def _managers():
    make = get_user_model().objects.create_user
    return SimpleNamespace(
        anna=make(username="anna", first_name="Анна", last_name="Петрова", is_staff=True),
        boris=make(username="boris", first_name="Борис", last_name="Иванов", is_staff=True),
    )


def _directories():
    return SimpleNamespace(
        support=Department.objects.create(name="Техническая поддержка", slug="support"),
        billing=Department.objects.create(name="Бухгалтерия", slug="billing"),
        sales=Department.objects.create(name="Продажи", slug="sales"),
        bug=Tag.objects.create(name="Ошибка", slug="bug"),
        question=Tag.objects.create(name="Вопрос", slug="question"),
    )


@pytest.fixture
def managers(db):
    return _managers()


@pytest.fixture
def directories(db):
    return _directories()


def _week(managers, directories):
    """Eight tickets, six of them in the period. ``T0`` (2026-03-01 23:00) and ``T7``
    (2026-03-07 00:10 Moscow = 2026-03-06 21:10 UTC) sit just outside it, with replies,
    ratings and assignees that would show if they leaked in. The expected figures are
    written out, with their arithmetic, in the tests.

    | ticket | created (Moscow) | dept / tag / crit. | assignee | story → status |
    |---|---|---|---|---|
    | T0 | 03-01 23:00 | support / bug / normal | anna | reply 60 s, resolved 3000 s, ★1 — before the period |
    | T1 | 03-02 10:00 | support / bug / high | anna | reply 60 s, resolved 3600 s, ★5 → resolved |
    | T2 | 03-02 22:00 | support / bug / normal | anna | note 30 s, reply 120 s, in_progress, closed 7200 s, ★4 → closed |
    | T3 | 03-03 10:00 | billing / question / critical | boris | boris reply 600 s, anna reply 700 s, resolved 1800 s, client reopens 2000 s, resolved 18000 s, ★2 → resolved |
    | T4 | 03-04 01:00 | billing / — / low | boris | note 100 s, resolved 900 s, client reopens 1000 s → in_progress |
    | T5 | 03-05 10:00 | support / bug / normal | anna | only a note 300 s → new |
    | T6 | 03-06 23:30 | sales / question / normal | — | client message 60 s, waiting 120 s → waiting |
    | T7 | 03-07 00:10 | billing / question / critical | boris | reply 30 s — after the period |
    """  # noqa: E501
    anna, boris = managers.anna, managers.boris
    d = directories
    crit = Ticket.Criticality
    with pytest.MonkeyPatch.context() as patch:
        fake = Clock(moscow(PERIOD_FROM, 9))
        patch.setattr(ticket_services.timezone, "now", fake)
        story = Story(fake, Client.objects.create(phone="+79990000001", name="Клиент"))

        t0 = story.ticket(moscow(date(2026, 3, 1), 23), department=d.support,
                          criticality=crit.NORMAL, tag=d.bug, assignee=anna)
        story.reply(t0, 60, anna)
        story.status(t0, 3000, Ticket.Status.RESOLVED)
        story.rate(t0, 3100, 1)

        t1 = story.ticket(moscow(date(2026, 3, 2), 10), department=d.support,
                          criticality=crit.HIGH, tag=d.bug, assignee=anna)
        story.reply(t1, 60, anna)
        story.status(t1, 3600, Ticket.Status.RESOLVED)
        story.rate(t1, 4000, 5)

        t2 = story.ticket(moscow(date(2026, 3, 2), 22), department=d.support,
                          criticality=crit.NORMAL, tag=d.bug, assignee=anna)
        story.reply(t2, 30, anna, internal=True)
        story.reply(t2, 120, anna)
        story.status(t2, 200, Ticket.Status.IN_PROGRESS)
        story.status(t2, 7200, Ticket.Status.CLOSED)
        story.rate(t2, 7300, 4)

        t3 = story.ticket(moscow(date(2026, 3, 3), 10), department=d.billing,
                          criticality=crit.CRITICAL, tag=d.question, assignee=boris)
        story.reply(t3, 600, boris)
        story.reply(t3, 700, anna)
        story.status(t3, 1800, Ticket.Status.RESOLVED)
        story.client_writes(t3, 2000)
        story.status(t3, 18000, Ticket.Status.RESOLVED)
        story.rate(t3, 18100, 2)

        t4 = story.ticket(moscow(date(2026, 3, 4), 1), department=d.billing,
                          criticality=crit.LOW, assignee=boris)
        story.reply(t4, 100, boris, internal=True)
        story.status(t4, 900, Ticket.Status.RESOLVED)
        story.client_writes(t4, 1000)

        t5 = story.ticket(moscow(date(2026, 3, 5), 10), department=d.support,
                          criticality=crit.NORMAL, tag=d.bug, assignee=anna)
        story.reply(t5, 300, anna, internal=True)

        t6 = story.ticket(moscow(date(2026, 3, 6), 23, 30), department=d.sales,
                          criticality=crit.NORMAL, tag=d.question)
        story.client_writes(t6, 60)
        story.status(t6, 120, Ticket.Status.WAITING)

        t7 = story.ticket(moscow(date(2026, 3, 7), 0, 10), department=d.billing,
                          criticality=crit.CRITICAL, tag=d.question, assignee=boris)
        story.reply(t7, 30, boris)
    tickets = {f"t{n}": Ticket.objects.get(pk=t.pk)
               for n, t in enumerate([t0, t1, t2, t3, t4, t5, t6, t7])}
    return SimpleNamespace(**tickets, **vars(managers), **vars(directories))


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker):
    """The week above, built once for the test module (see the module's docstring)."""
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            week = _week(_managers(), _directories())
        except BaseException:
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)
            raise
    yield week
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_transaction.__exit__(None, None, None)


@pytest.fixture
def group_manager(db):
    """Staff, only in the «Менеджеры» group: no superuser rights."""
    user = get_user_model().objects.create_user(username="viewer", first_name="Вера",
                                                is_staff=True)
    user.groups.add(Group.objects.get(name="Менеджеры"))
    return user
