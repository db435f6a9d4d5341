"""What the ``test_admin_*`` modules share: a manager as the demo has one, and
Django test clients logged in as staff.

Modules use the fixtures by importing them from here (never from each other).
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client as HttpClient
from django.urls import reverse

MANAGERS_GROUP = "Менеджеры"
FULL_NAME = "Ирина Смирнова"


def logged_in_as(user):
    http = HttpClient()
    http.force_login(user)
    return http


def change_url(ticket):
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


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
    return logged_in_as(manager_user)
