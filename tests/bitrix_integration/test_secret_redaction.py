"""The webhook's secret never leaves the client: not in an error, a log line, admin or a command.

``requests`` writes the whole URL (``/rest/1/<secret>/crm.lead.add.json``) into
connection and SSL errors; the client shows it as ``/rest/1/***/``.
"""

import io
import logging
import socket
import traceback

import pytest
import requests
from django.core.management import CommandError, call_command

from bitrix_integration import sender as bitrix_sender
from bitrix_integration.client import BitrixClient, BitrixError
from bitrix_integration.models import OutboxJob

pytestmark = pytest.mark.django_db

SECRET = "k7q2x9w4secret0p"
WEBHOOK = f"https://portal.example/rest/1/{SECRET}"
REDACTED = "/rest/1/***/"


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _refused_like_requests(method="crm.lead.add"):
    """The text ``requests`` gives a refused connection: it names the full URL."""
    return requests.ConnectionError(
        f"HTTPSConnectionPool(host='portal.example', port=443): Max retries exceeded with url: "
        f"/rest/1/{SECRET}/{method}.json (Caused by NewConnectionError('Connection refused'))")


def _everything_printed(error: BaseException) -> str:
    """The text a traceback of ``error`` shows, with every chained exception."""
    return "".join(traceback.format_exception(error))


@pytest.fixture(autouse=True)
def secret_webhook(settings):
    settings.BITRIX_WEBHOOK_URL = WEBHOOK
    return settings


def test_connection_error_names_the_url_without_its_secret(bitrix):
    bitrix.post(f"{WEBHOOK}/crm.lead.get.json", body=_refused_like_requests("crm.lead.get"))

    with pytest.raises(BitrixError) as info:
        BitrixClient(WEBHOOK).call("crm.lead.get", {"id": 1})

    assert SECRET not in str(info.value)
    assert f"{REDACTED}crm.lead.get.json" in str(info.value)
    assert SECRET not in _everything_printed(info.value)


def test_refused_connection_on_a_real_closed_port_keeps_the_secret_out_of_the_traceback():
    client = BitrixClient(f"http://127.0.0.1:{_closed_port()}/rest/1/{SECRET}", timeout=2)

    with pytest.raises(BitrixError) as info:
        client.call("crm.lead.add", {"fields": {}})

    assert info.value.retryable and info.value.code == "CONNECTION"
    assert SECRET not in str(info.value)
    assert REDACTED in str(info.value)
    assert SECRET not in _everything_printed(info.value)


def test_timeout_text_names_the_url_without_its_secret(bitrix):
    bitrix.post(f"{WEBHOOK}/crm.lead.get.json", body=requests.ReadTimeout(
        f"HTTPSConnectionPool(host='portal.example', port=443): Read timed out. "
        f"(url: /rest/1/{SECRET}/crm.lead.get.json)"))

    with pytest.raises(BitrixError) as info:
        BitrixClient(WEBHOOK).call("crm.lead.get", {"id": 1})

    assert info.value.code == "TIMEOUT"
    assert SECRET not in _everything_printed(info.value)


def _log_text(caplog) -> str:
    """Every captured record as a handler would print it, tracebacks included."""
    formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


def test_failed_job_stores_and_logs_the_error_without_the_secret(bitrix, deliver, ticket,
                                                                  caplog):
    bitrix.post(f"{WEBHOOK}/crm.lead.add.json", body=_refused_like_requests())
    caplog.set_level(logging.DEBUG)

    deliver()

    job = OutboxJob.objects.get(ticket=ticket, kind=OutboxJob.Kind.LEAD_ADD)
    assert job.attempts == 1
    assert SECRET not in job.last_error
    assert f"{REDACTED}crm.lead.add.json" in job.last_error
    assert caplog.records
    assert SECRET not in _log_text(caplog)


def test_unexpected_failure_logs_a_traceback_without_the_secret(bitrix, deliver, ticket, caplog,
                                                                monkeypatch):
    """``logger.exception`` prints the whole chain: the client's error must not carry the URL."""
    bitrix.post(f"{WEBHOOK}/crm.lead.add.json", body=_refused_like_requests())

    def broken(*args, **kwargs):
        raise RuntimeError("a bug while handling the Bitrix error")

    monkeypatch.setattr(bitrix_sender, "outcome_of", broken)
    caplog.set_level(logging.DEBUG)

    deliver()

    assert any(record.exc_info for record in caplog.records)
    assert "BitrixError" in _log_text(caplog)
    assert SECRET not in _log_text(caplog)
    job = OutboxJob.objects.get(ticket=ticket, kind=OutboxJob.Kind.LEAD_ADD)
    assert SECRET not in job.last_error


def test_admin_pages_of_a_failed_job_do_not_show_the_secret(bitrix, deliver, ticket,
                                                            admin_client):
    bitrix.post(f"{WEBHOOK}/crm.lead.add.json", body=_refused_like_requests())
    deliver()
    job = OutboxJob.objects.get(ticket=ticket, kind=OutboxJob.Kind.LEAD_ADD)

    change = admin_client.get(f"/admin/bitrix_integration/outboxjob/{job.pk}/change/")
    changelist = admin_client.get("/admin/bitrix_integration/outboxjob/")

    assert change.status_code == changelist.status_code == 200
    assert REDACTED in change.content.decode()
    assert SECRET not in change.content.decode()
    assert SECRET not in changelist.content.decode()


@pytest.mark.parametrize("command", ["bitrix_check", "bitrix_statuses"])
def test_command_output_on_a_refused_connection_does_not_show_the_secret(settings, command):
    settings.BITRIX_WEBHOOK_URL = f"http://127.0.0.1:{_closed_port()}/rest/1/{SECRET}"
    settings.BITRIX_TIMEOUT = 2
    out = io.StringIO()

    with pytest.raises(CommandError) as info:
        call_command(command, stdout=out)

    assert info.value.returncode == 2
    printed = out.getvalue() + str(info.value) + _everything_printed(info.value)
    assert SECRET not in printed


@pytest.mark.parametrize(("webhook", "text", "shown"), [
    (WEBHOOK, f"url: /rest/1/{SECRET}/crm.lead.add.json", "url: /rest/1/***/crm.lead.add.json"),
    (WEBHOOK + "/", f"{WEBHOOK}/batch.json", "https://portal.example/rest/1/***/batch.json"),
    (WEBHOOK, f"secret={SECRET}", "secret=***"),
    (f"https://user:{SECRET}@portal.example/rest/1/abc", f"https://user:{SECRET}@portal.example",
     "https://user:***@portal.example"),
])
def test_redact_hides_the_secret_part_of_the_webhook_url(webhook, text, shown):
    assert BitrixClient(webhook).redact(text) == shown
