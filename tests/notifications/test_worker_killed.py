"""A real worker killed by SIGKILL while Telegram holds its sendMessage.

The fake Bot API has already delivered the message when the worker dies, so no
outcome is recorded. Telegram cannot be asked what it delivered: once the
lease runs out, the next worker must not send it again (at most once), and the
chat's later messages still go, in order. Another chat's message, leased in the
same batch but not yet called, is sent normally.
"""

import json

import pytest

from tests.fakes.telegram_server import TOKEN, FakeTelegram
from tests.helpers import kill_worker_mid_call, manage, manage_env

pytestmark = pytest.mark.django_db(databases=[])  # the worker has its own database

CHAT, OTHER_CHAT = 424242, 525252
SETUP = f"""
from datetime import timedelta
from django.utils import timezone
from delivery.models import Job
from notifications import services as notifications
from tickets import services
from tickets.models import Client, Department
department = Department.objects.create(name="Поддержка", slug="support")
client = Client.objects.create(phone="+79165550001", name="Алексей")
notifications.telegram_link(token=notifications.link_token_issue(client=client), chat_id={CHAT})
ticket = services.ticket_create(client=client, department=department, criticality="normal",
                                title="Не печатает", description="Кнопка молчит")
services.ticket_change_status(ticket=ticket, status="waiting", source="admin")
services.ticket_change_status(ticket=ticket, status="in_progress", source="admin")
services.ticket_change_status(ticket=ticket, status="closed", source="admin")
other = Client.objects.create(phone="+79165550002", name="Борис")
notifications.telegram_link(token=notifications.link_token_issue(client=other),
                            chat_id={OTHER_CHAT})
other_ticket = services.ticket_create(client=other, department=department, criticality="normal",
                                      title="Нет счёта", description="Не пришёл")
services.ticket_change_status(ticket=other_ticket, status="waiting", source="admin")
Job.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
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
from datetime import timedelta
from django.utils import timezone
from delivery.models import Job
from notifications.models import Notification
Job.objects.filter(state="done").update(done_at=timezone.now() - timedelta(seconds=5))
print(json.dumps({"jobs": list(Job.objects.order_by("id").values_list("state", "attempts")),
                  "notifications": list(Notification.objects.order_by("id")
                                        .values_list("state", "error"))}))
"""



def _shell(env, code):
    done = manage(env, "shell", "-v0", "-c", code)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def telegram():
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def env(tmp_path, telegram):
    env = manage_env(tmp_path / "killed.sqlite3", "", TELEGRAM_BOT_TOKEN=TOKEN,
                     TELEGRAM_BOT_USERNAME="portal_test_bot", TELEGRAM_API_URL=telegram.url,
                     TELEGRAM_TIMEOUT="10", PORTAL_BASE_URL="https://support.example.ru")
    manage(env, "migrate", "-v0").check_returncode()
    _shell(env, SETUP)
    return env


def test_worker_killed_mid_send_never_sends_that_message_twice_and_the_rest_follow(env, telegram):
    telegram.latency = 3.0  # the message is delivered, the answer is held
    kill_worker_mid_call(env, telegram)
    assert len(telegram.sent_to(CHAT)) == 1  # the first message went out before the kill

    assert telegram.sent_to(OTHER_CHAT) == []  # its turn in the batch had not come
    assert _shell(env, EXPIRE_LEASES).strip() == "2"  # the batch's leases run out
    for _ in range(4):  # passes until the chat's queue is empty (1 message/s per chat)
        takeover = manage(env, "outbox_worker", "--once")
        state = json.loads(_shell(env, STATE))
        if all(job_state != "pending" for job_state, _attempts in state["jobs"]):
            break

    texts = telegram.sent_to(CHAT)
    assert len(texts) == 2, texts  # the waiting notice once, then "closed"
    assert "Ждём вашего ответа" in texts[0] and "Закрыта" in texts[1]
    assert [s for s, _e in state["notifications"]] == ["unknown", "sent", "sent"]
    assert len(telegram.sent_to(OTHER_CHAT)) == 1
    assert "могло дойти" in state["notifications"][0][1]
    assert takeover.returncode in (0, 1), takeover.stdout + takeover.stderr
