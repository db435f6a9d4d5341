"""System checks of the Bitrix24 settings."""

import pytest
from django.core import checks

from .helpers import STATUS_MAP


def _ids(**kwargs):
    return [message.id for message in checks.run_checks(**kwargs)
            if message.id.startswith("bitrix_integration.")]


def test_status_map_naming_an_unknown_local_status_warns(settings):
    settings.BITRIX_STATUS_MAP = {**STATUS_MAP, "done": "CONVERTED", "paused": "UC_1"}

    (warning,) = [m for m in checks.run_checks() if m.id == "bitrix_integration.W001"]

    assert warning.level == checks.WARNING
    assert "done" in warning.msg and "paused" in warning.msg
    assert "in_progress" in warning.hint


@pytest.mark.parametrize("status_map", [STATUS_MAP, {}], ids=["known", "empty"])
def test_status_map_of_local_statuses_passes(settings, status_map):
    settings.BITRIX_STATUS_MAP = status_map

    assert "bitrix_integration.W001" not in _ids()


def test_plain_http_webhook_to_another_host_warns_on_deploy(settings):
    settings.BITRIX_WEBHOOK_URL = "http://portal.example/rest/1/secret"

    assert "bitrix_integration.W002" in _ids(include_deployment_checks=True)


@pytest.mark.parametrize("webhook", ["https://portal.example/rest/1/secret",
                                     "http://127.0.0.1:8100/rest/1/secret", ""])
def test_https_local_or_empty_webhook_passes_deploy_check(settings, webhook):
    settings.BITRIX_WEBHOOK_URL = webhook

    assert "bitrix_integration.W002" not in _ids(include_deployment_checks=True)
