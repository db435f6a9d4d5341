"""Fixtures of the manager API tests: the key they configure and a client that sends it."""

import pytest
from django.test import Client as HttpClient

MANAGER_KEY = "test-key"

# What DESIGN promises in a ticket and in a message of the manager API.
TICKET_KEYS = {
    "id", "title", "description", "status", "status_label", "criticality",
    "criticality_label", "department", "tag", "client_phone", "assignee", "created_at",
    "updated_at", "first_response_at", "resolved_at", "rating", "bitrix_entity_type",
    "bitrix_entity_id",
}
MESSAGE_KEYS = {"id", "author_kind", "author_name", "text", "is_internal", "source", "created_at"}


@pytest.fixture
def manager_key(settings):
    settings.MANAGER_API_KEY = MANAGER_KEY
    return MANAGER_KEY


@pytest.fixture
def api(manager_key):
    return HttpClient(headers={"X-Manager-Key": manager_key})
