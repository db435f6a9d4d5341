"""Plain helpers the ``test_admin_*`` modules share (the manager fixtures are in conftest.py)."""

from django.urls import reverse

from tests.helpers import logged_in_as  # noqa: F401  (the admin tests import it from here)
from tickets.permissions import MANAGERS_GROUP  # noqa: F401  (the tests name the group)

FULL_NAME = "Ирина Смирнова"


def change_url(ticket):
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])
