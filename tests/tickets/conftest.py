"""Fixtures of the tickets tests: a manager as the demo has one, logged in to the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client as HttpClient

from tickets.permissions import MANAGERS_GROUP


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
    http = HttpClient()
    http.force_login(manager_user)
    return http
