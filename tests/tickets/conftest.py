"""Fixtures of the tickets tests: a manager as the demo has one, logged in to the admin;
a fake clock and a code issued by SMS for the one-time code tests."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.helpers import logged_in_as
from tickets import services
from tickets.permissions import MANAGERS_GROUP

from .otp_helpers import IP, OWNER, PHONE


# Users without a password: hashing one costs more than the rest of a test.
@pytest.fixture
def manager_user(db):
    """A manager as the demo has one: staff, in «Менеджеры», no superuser rights."""
    user = get_user_model().objects.create_user(
        username="irina", first_name="Ирина", last_name="Смирнова", is_staff=True,
    )
    user.groups.add(Group.objects.get(name=MANAGERS_GROUP))
    return user


@pytest.fixture
def manager_client(manager_user):
    """A test client logged in to the admin as ``manager_user``."""
    return logged_in_as(manager_user)


@pytest.fixture
def clock(monkeypatch):
    """A fake ``timezone.now`` that moves only when the test moves it (``advance``)."""
    fake = SimpleNamespace(now=timezone.now())
    fake.advance = lambda seconds: setattr(fake, "now", fake.now + timedelta(seconds=seconds))
    monkeypatch.setattr("django.utils.timezone.now", lambda: fake.now)
    return fake


@pytest.fixture
def issue(sms_outbox):
    """``issue(phone, ip, owner)``: ask for a code; return it as read from the SMS."""

    def issue(phone=PHONE, ip=IP, owner=OWNER):
        before = sms_outbox()
        services.otp_send(phone=phone, ip=ip, owner=owner)
        # SMS files are named by the (frozen) time: find the new one by difference.
        [(sent_to, text)] = [sms for sms in sms_outbox() if sms not in before]
        assert sent_to == phone
        return re.search(r"\b(\d{4,6})\b", text).group(1)

    return issue


@pytest.fixture
def other_manager(db):
    return get_user_model().objects.create_user(username="petr", first_name="Пётр",
                                                last_name="Иванов", is_staff=True)
