"""The ``test`` channel registered for every test here, and one-pass runners."""

import io
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command

from delivery import runner, services, worker

from .helpers import CHANNEL, PROVIDER, Provider, ScriptedSender


@pytest.fixture(autouse=True)
def provider(settings):
    """The scripted provider, empty; the ``test`` channel configured, Bitrix off."""
    settings.DELIVERY_SENDERS = {**settings.DELIVERY_SENDERS,
                                 CHANNEL: "tests.delivery.helpers.ScriptedSender"}
    settings.BITRIX_WEBHOOK_URL = ""
    PROVIDER.__dict__.update(Provider().__dict__)
    yield PROVIDER
    PROVIDER.__dict__.update(Provider().__dict__)


@pytest.fixture
def sender():
    return ScriptedSender()


@pytest.fixture
def enqueue(db):
    """A ``test`` job on a key (a chat), as a caller records it."""

    def make(key="chat:1", kind="message", **payload):
        return services.job_enqueue(channel=CHANNEL, key=key, kind=kind,
                                    payload=payload or {"text": "Привет"})

    return make


@dataclass
class PassResult:
    line: str
    code: int


def _deliver_pass():
    summary = worker.deliver(ScriptedSender(), limiter=worker.RateLimiter(0))
    return PassResult(summary.line(), runner.exit_code([summary]))


def _command_pass(*args):
    out = io.StringIO()
    try:
        call_command("outbox_worker", "--once", *args, stdout=out)
    except CommandError as error:
        return PassResult(out.getvalue().strip(), error.returncode)
    return PassResult(out.getvalue().strip(), 0)


@pytest.fixture
def run_command():
    """``manage.py outbox_worker --once [args]``: its summary line and exit code."""
    return _command_pass


@pytest.fixture(params=["deliver", "outbox_worker --once"])
def one_pass(request):
    """One delivery pass of the ``test`` channel, by the worker and by the command."""
    return _deliver_pass if request.param == "deliver" else _command_pass
