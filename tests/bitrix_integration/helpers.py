"""Constants and helpers the Bitrix tests share (fixtures are in conftest.py)."""

import json
from datetime import timedelta

from django.utils import timezone

from bitrix_integration import worker
from bitrix_integration.models import OutboxJob
from delivery.models import Pause
from tickets import services
from tickets.models import Message

WEBHOOK = "https://portal.example/rest/1/secret"
INBOUND_KEY = "bitrix-inbound-key"
EVENT_TOKEN = "jvh9y1-app-token"
STATUS_MAP = {"new": "NEW", "in_progress": "IN_PROCESS", "resolved": "CONVERTED"}


def url(method):
    return f"{WEBHOOK}/{method}.json"


def ok(result, **extra):
    """A successful Bitrix answer."""
    return {"result": result, "time": {"start": 1742807189.1, "finish": 1742807189.2,
                                       "operating": 0, "operating_reset_at": 1742807789},
            **extra}


def methods_called(mock):
    """``crm.lead.add.json``… of each recorded request, in order."""
    return [call.request.url.rsplit("/", 1)[1] for call in mock.calls]


def job_of(ticket, kind):
    """The ticket's latest outbox job of this kind."""
    return OutboxJob.objects.filter(ticket=ticket, kind=kind).latest("id")


def client_says(ticket, text="Уточните номер договора"):
    return services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT, text=text,
                                source=Message.Source.PORTAL)


def admin_retry(admin_client, job):
    """The «Отправить снова» action of the outbox changelist, as a superuser posts it."""
    return admin_client.post("/admin/bitrix_integration/outboxjob/",
                             {"action": "retry", "_selected_action": [job.pk]})


def fake_limiter(rate=2):
    """A limiter on a fake clock: (limiter, the sleeps it asked for, the clock)."""
    now, sleeps = [100.0], []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    return worker.RateLimiter(rate, clock=lambda: now[0], sleep=sleep), sleeps, now


def sent(call):
    """The JSON body of a recorded ``responses`` call."""
    return json.loads(call.request.body)



# --- end to end against the fake portal (test_e2e*.py, fixture ``fake_bitrix``) ---
E2E_STATUS_MAP = {"in_progress": "IN_PROCESS", "resolved": "CONVERTED"}
E2E_EVENT_TOKEN = "e2e-event-token"
MAX_PASSES = 12


def one_pass(*, expire_pauses=True):
    """Everything pending is due now; one worker pass without rate-limit sleeps."""
    now = timezone.now()
    OutboxJob.objects.filter(state=OutboxJob.State.PENDING).update(
        next_attempt_at=now - timedelta(seconds=1))
    if expire_pauses:
        Pause.objects.update(until=now - timedelta(seconds=1))
    return worker.deliver(limiter=worker.RateLimiter(0))


def drain():
    summaries = []
    for _ in range(MAX_PASSES):  # bounded
        summaries.append(one_pass())
        if not OutboxJob.objects.filter(state=OutboxJob.State.PENDING).exists():
            return summaries
    raise AssertionError(f"outbox not drained after {MAX_PASSES} passes: "
                         f"{[s.line() for s in summaries]}")


def manager_says(ticket, text, **extra):
    return services.message_add(ticket=ticket, author_kind=Message.AuthorKind.MANAGER,
                                author_name="Ирина", text=text, source=Message.Source.ADMIN,
                                **extra)


def change(ticket, status):
    return services.ticket_change_status(ticket=ticket, status=status,
                                         source=Message.Source.ADMIN, actor_name="Ирина")


def post_events(portal, *, repeat=1, skip=()):
    """Post the events the fake portal queued to our endpoint, as Bitrix would (``repeat``
    times each; names in ``skip`` are lost on the way)."""
    from django.test import Client as HttpClient

    from tests.fakes.bitrix_crm import event_body

    client = HttpClient()
    for name, entity_id in portal.take_events():
        if name in skip:
            continue
        for _ in range(repeat):
            response = client.post("/integrations/bitrix/events",
                                   event_body(name, entity_id, token=E2E_EVENT_TOKEN),
                                   content_type="application/x-www-form-urlencoded")
            assert response.status_code == 200, response.content
