"""Plain helpers the ``test_admin_*`` modules share (the manager fixtures are in conftest.py)."""

from django.test import Client as HttpClient
from django.urls import reverse

from tickets.permissions import MANAGERS_GROUP  # noqa: F401  (the tests name the group)

FULL_NAME = "Ирина Смирнова"


def logged_in_as(user):
    http = HttpClient()
    http.force_login(user)
    return http


def change_url(ticket):
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])
