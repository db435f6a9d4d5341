"""A real worker killed by SIGKILL while Bitrix is still carrying out its batch.

The fake portal (tests/fakes/bitrix_server.py) holds the batch for a few
seconds, the worker process dies meanwhile, and the portal carries the calls
out anyway: the leads exist, but no outcome was recorded. Once the lease has
run out, a new worker must find those leads instead of adding them again.
"""

import json

import pytest

from tests.fakes.bitrix_server import FakeBitrix
from tests.helpers import kill_worker_mid_call, manage, manage_env

pytestmark = pytest.mark.django_db(databases=[])  # the worker has its own database

TICKETS = 3
SETUP = f"""
from tickets import services
from tickets.models import Client, Department, Message
department = Department.objects.create(name="Поддержка", slug="support")
for n in range({TICKETS}):
    client = Client.objects.create(phone=f"+7916555000{{n}}", name=f"Клиент {{n}}")
    ticket = services.ticket_create(client=client, department=department, criticality="normal",
                                    title=f"Заявка {{n}}", description="Не печатает")
    services.message_add(ticket=ticket, author_kind="client", text=f"Срочно {{n}}",
                         source=Message.Source.PORTAL)
"""
EXPIRE_LEASES = """
from datetime import timedelta
from django.utils import timezone
from delivery.models import Job
print(Job.objects.filter(locked_until__isnull=False).update(
    locked_until=timezone.now() - timedelta(seconds=1)))
"""
STATE = """
import json
from delivery.models import Job
from tickets.models import Message, Ticket
print(json.dumps({
    "tickets": {t.pk: t.bitrix_entity_id for t in Ticket.objects.all()},
    "messages": {m.pk: m.ticket_id for m in Message.objects.filter(author_kind="client")},
    "jobs": list(Job.objects.values_list("kind", "state", "attempts")),
}))
"""



@pytest.fixture
def portal():
    with FakeBitrix(drain_rate=None) as fake:
        yield fake


@pytest.fixture
def env(tmp_path, portal):
    env = manage_env(tmp_path / "killed.sqlite3", portal.url, BITRIX_TIMEOUT="10",
                     BITRIX_RATE_PER_SECOND="0", BITRIX_REQUEST_MAX_SECONDS="0")
    manage(env, "migrate", "-v0").check_returncode()
    manage(env, "shell", "-c", SETUP).check_returncode()
    return env


def _shell(env, code):
    done = manage(env, "shell", "-v0", "-c", code)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_worker_killed_mid_batch_leaves_one_lead_per_ticket_and_each_comment_once(env, portal):
    portal.latency = 3.0  # Bitrix is still working on the batch when the worker dies
    kill_worker_mid_call(env, portal)
    carried_out = [portal.leads_by_origin(f"ticket-{n}") for n in range(1, TICKETS + 1)]
    assert [len(leads) for leads in carried_out] == [1] * TICKETS  # the batch went through

    assert _shell(env, EXPIRE_LEASES).strip() == str(TICKETS)  # the lease runs out
    takeover = manage(env, "outbox_worker", "--once")

    assert takeover.returncode == 0, takeover.stdout + takeover.stderr
    state = json.loads(_shell(env, STATE))
    assert all(state == "done" for _kind, state, _attempts in state["jobs"])
    for ticket_id, lead_id in state["tickets"].items():
        leads = portal.leads_by_origin(f"ticket-{ticket_id}", "support-portal")
        assert [lead["ID"] for lead in leads] == [lead_id], f"ticket {ticket_id}: {len(leads)} leads"
        comments = [c["COMMENT"] for c in portal.comments_for(lead_id)]
        (message_id,) = [m for m, t in state["messages"].items() if str(t) == ticket_id]
        assert len(comments) == 1 and f"№{message_id})" in comments[0]
