"""End to end against a fake Bitrix24 over real HTTP on 127.0.0.1 (tests/fakes/bitrix_server.py).

The real services write the outbox, the real worker sends it through the real
client; the fake portal keeps what arrived. Faults: Bitrix down (503 and
closed connections), answers lost after the call was carried out (500 and
timeouts, for lead adds, status updates and comments), ``OPERATION_TIME_LIMIT``
on ``crm.lead.update``. After recovery every lead, comment and status must be
there exactly once.

Passes are driven by hand: the retry base is long (30 s) and each pass first
puts the pending jobs due, so one pass = one try per job, whatever the timing.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bitrix_integration import outbox, worker
from bitrix_integration.client import BitrixClient
from bitrix_integration.models import OutboxJob
from delivery.models import Pause
from tests.fakes.bitrix_server import FakeBitrix
from tickets import services
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

Kind, State = OutboxJob.Kind, OutboxJob.State
STATUS_MAP = {"in_progress": "IN_PROCESS", "resolved": "CONVERTED"}
EVENT_TOKEN = "e2e-event-token"
MAX_PASSES = 12


@pytest.fixture
def fake_bitrix(settings):
    with FakeBitrix(lose_delay=1.5) as portal:
        settings.BITRIX_WEBHOOK_URL = portal.url
        settings.BITRIX_TIMEOUT = 1
        settings.BITRIX_RETRY_BASE_SECONDS = 30
        settings.BITRIX_MAX_ATTEMPTS = 10
        settings.BITRIX_RATE_PER_SECOND = 2
        settings.BITRIX_STATUS_MAP = dict(STATUS_MAP)
        settings.BITRIX_SEND_INTERNAL_NOTES = False
        settings.BITRIX_SOURCE_ID = "WEB"
        settings.BITRIX_EVENT_TOKEN = EVENT_TOKEN
        # The fake carries a call out before it loses the answer.
        settings.BITRIX_REQUEST_MAX_SECONDS = 0
        yield portal


def one_pass(*, expire_pauses=True):
    """Everything pending is due now; one worker pass without rate-limit sleeps."""
    now = timezone.now()
    OutboxJob.objects.filter(state=State.PENDING).update(
        next_attempt_at=now - timedelta(seconds=1))
    if expire_pauses:
        Pause.objects.update(until=now - timedelta(seconds=1))
    return worker.deliver(limiter=worker.RateLimiter(0))


def drain():
    summaries = []
    for _ in range(MAX_PASSES):  # bounded
        summaries.append(one_pass())
        if not OutboxJob.objects.filter(state=State.PENDING).exists():
            return summaries
    raise AssertionError(f"outbox not drained after {MAX_PASSES} passes: "
                         f"{[s.line() for s in summaries]}")


def client_says(ticket, text):
    return services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT,
                                text=text, source=Message.Source.PORTAL)


def manager_says(ticket, text, **extra):
    return services.message_add(ticket=ticket, author_kind=Message.AuthorKind.MANAGER,
                                author_name="Ирина", text=text, source=Message.Source.ADMIN,
                                **extra)


def change(ticket, status):
    return services.ticket_change_status(ticket=ticket, status=status,
                                         source=Message.Source.ADMIN, actor_name="Ирина")


def sendable_messages(ticket):
    return list(Message.objects.filter(ticket=ticket, is_internal=False)
                .exclude(source=Message.Source.BITRIX).order_by("id"))


def assert_in_bitrix_exactly_once(portal, ticket):
    """One lead for the ticket, its dialog as comments in order, its current status."""
    ticket.refresh_from_db()
    leads = portal.leads_by_origin(f"ticket-{ticket.pk}", "support-portal")
    assert len(leads) == 1, f"ticket {ticket.pk}: {len(leads)} leads"
    lead = leads[0]
    assert ticket.bitrix_entity_type == "LEAD" and ticket.bitrix_entity_id == lead["ID"]
    comments = sorted(portal.comments_for(lead["ID"]), key=lambda c: c["ID"])
    expected = [outbox.comment_text(m) for m in sendable_messages(ticket)]
    assert [c["COMMENT"] for c in comments] == expected, f"ticket {ticket.pk}"
    assert lead["STATUS_ID"] == STATUS_MAP.get(ticket.status, "NEW")
    assert lead["STATUS_DESCRIPTION"] == ticket.get_status_display()


def test_create_comment_status_reach_the_lead(fake_bitrix, make_client, department, tag):
    customer = make_client(phone="+79161112233", name="Алексей")
    ticket = services.ticket_create(client=customer, title="Не работает печать",
                                    description="Кнопка «Печать» молчит.", department=department,
                                    tag=tag, criticality=Ticket.Criticality.HIGH)

    summary = one_pass()

    assert (summary.sent, summary.failed, summary.requests) == (1, 0, 1)
    ticket.refresh_from_db()
    assert ticket.bitrix_entity_type == "LEAD" and ticket.bitrix_entity_id is not None
    lead = fake_bitrix.lead(ticket.bitrix_entity_id)
    assert lead["TITLE"] == f"Не работает печать (заявка №{ticket.pk})"
    assert lead["NAME"] == "Алексей"
    assert [(p["VALUE"], p["VALUE_TYPE"]) for p in lead["PHONE"]] == [("+79161112233", "MOBILE")]
    for part in ("Кнопка «Печать» молчит.", "Критичность: Высокая",
                 f"Отдел: {department.name}", f"Тег: {tag.name}"):
        assert part in lead["COMMENTS"]
    assert lead["SOURCE_ID"] == "WEB"
    assert lead["SOURCE_DESCRIPTION"] == f"Портал поддержки, заявка №{ticket.pk}"
    assert (lead["ORIGINATOR_ID"], lead["ORIGIN_ID"]) == ("support-portal", f"ticket-{ticket.pk}")
    assert lead["STATUS_ID"] == "NEW"  # "new" is not mapped: Bitrix's default stage

    message = client_says(ticket, "Пробовал перезагрузить — не помогло.")
    manager_says(ticket, "Проверяем драйвер.", is_internal=True)  # not sent by default
    summary = one_pass()

    assert (summary.sent, summary.failed) == (1, 0)
    comments = fake_bitrix.comments_for(ticket.bitrix_entity_id)
    assert len(comments) == 1
    assert comments[0]["COMMENT"] == outbox.comment_text(message)
    assert "Пробовал перезагрузить" in comments[0]["COMMENT"]

    change(ticket, Ticket.Status.IN_PROGRESS)
    summary = one_pass()

    assert (summary.sent, summary.failed) == (1, 0)
    assert fake_bitrix.updates_for(ticket.bitrix_entity_id) == [
        {"STATUS_DESCRIPTION": "В работе", "STATUS_ID": "IN_PROCESS"}]
    read_back = BitrixClient().call("crm.lead.get", {"id": ticket.bitrix_entity_id})
    assert read_back["STATUS_ID"] == "IN_PROCESS" and read_back["STATUS_SEMANTIC_ID"] == "P"
    assert read_back["ID"] == str(ticket.bitrix_entity_id)  # Bitrix sends strings
    stats = fake_bitrix.stats()
    assert stats["http_methods"] == {"POST": 4}  # never GET: it would log the secret
    assert stats["performed"] == {"crm.lead.add": 1, "crm.timeline.comment.add": 1,
                                  "crm.lead.update": 1, "crm.lead.get": 1}
    assert not OutboxJob.objects.exclude(state=State.DONE).exists()


def test_after_any_mix_of_faults_everything_arrives_exactly_once(fake_bitrix, make_client,
                                                                 department):
    portal = fake_bitrix
    first, second = make_client(name="Ольга"), make_client(name="Пётр")

    # Bitrix answers 503 OVERLOAD_LIMIT: nothing is carried out.
    portal.down = "503"
    t1 = services.ticket_create(client=first, title="Нет счёта", description="Счёт не пришёл.",
                                department=department)
    t2 = services.ticket_create(client=second, title="Не входит", description="Ошибка входа.",
                                department=department)
    t3 = services.ticket_create(client=first, title="Печать", description="Не печатает.",
                                department=department)
    client_says(t1, "Счёт за март тоже.")
    change(t2, Ticket.Status.IN_PROGRESS)
    summary = one_pass()
    assert (summary.sent, summary.retrying, summary.dead) == (0, 3, 0)  # the three heads

    # Bitrix closes connections without an answer.
    portal.down = "close"
    t4 = services.ticket_create(client=second, title="Медленно", description="Всё медленно.",
                                department=department)
    manager_says(t4, "Посмотрим нагрузку.")
    summary = one_pass()
    # The three tried heads are looked for first; that read finds Bitrix unreachable,
    # so the pass ends there and t4's lead waits untried for the next pass.
    assert (summary.sent, summary.retrying, summary.dead) == (0, 3, 0)
    assert OutboxJob.objects.get(ticket=t4, kind=Kind.LEAD_ADD).attempts == 0
    assert portal.stats()["leads"] == 0

    # Back up, but the answer to the batch of lead adds is lost (client timeout):
    # the leads exist in Bitrix, the portal does not know their ids.
    portal.down = None
    portal.lose_next(1, mode="timeout", methods={"crm.lead.add"})
    summary = one_pass()
    assert (summary.sent, summary.retrying, summary.dead) == (0, 4, 0)
    assert portal.stats()["leads"] == 4 and portal.lose_pending == 0
    assert not Ticket.objects.filter(bitrix_entity_id__isnull=False).exists()

    # crm.lead.update's time budget is spent: the method pauses; the lost leads
    # are found by ORIGIN_ID instead of being added again; comments go on.
    portal.time_limit("crm.lead.update", reset_in=30)
    change(t3, Ticket.Status.RESOLVED)
    summary = one_pass()
    assert portal.stats()["leads"] == 4  # no second lead for any ticket
    assert portal.stats()["time_limited"] == 2  # t2 and t3 status updates
    assert portal.stats()["updates"] == 0
    assert Pause.objects.filter(scope="crm.lead.update",
                                      until__gt=timezone.now()).exists()
    assert summary.dead == 0 and summary.sent == 6  # 4 leads found + 2 comments
    portal.time_limit("crm.lead.update", on=False)

    # While the pause lasts, no crm.lead.update is sent even when the jobs are due.
    before = portal.stats()["requests"]
    summary = one_pass(expire_pauses=False)
    assert summary.requests == 0 and portal.stats()["requests"] == before

    # The answer to a batch of status updates is lost (500) after they were
    # carried out; more traffic meanwhile: a reopening client message, a reply,
    # an internal note (never sent), another status change.
    portal.lose_next(1, mode="500", methods={"crm.lead.update"})
    # ...and then the answer to a batch of comments is lost too (client timeout).
    portal.lose_next(1, mode="timeout", methods={"crm.timeline.comment.add"})
    client_says(t3, "Опять не печатает.")  # resolved → in_progress: comment + update
    manager_says(t2, "Сбросили пароль.")
    manager_says(t2, "Внутренняя заметка", is_internal=True)
    change(t4, Ticket.Status.IN_PROGRESS)
    change(t1, Ticket.Status.RESOLVED)
    summaries = drain()

    assert portal.lose_pending == 0 and portal.stats()["lost"] == 3
    assert not OutboxJob.objects.exclude(state=State.DONE).exists()  # no dead, no pending
    assert sum(s.dead for s in summaries) == 0
    for ticket in (t1, t2, t3, t4):
        assert_in_bitrix_exactly_once(portal, ticket)
    stats = portal.stats()
    assert stats["leads"] == 4
    assert stats["comments"] == sum(len(sendable_messages(t)) for t in (t1, t2, t3, t4))
    assert {503, "closed", 500} <= set(stats["http_statuses"])
    assert stats["refused"] == 0 and set(stats["http_methods"]) == {"POST"}


def test_lost_answer_to_a_comment_does_not_duplicate_it(fake_bitrix, make_client, department):
    ticket = services.ticket_create(client=make_client(), title="Нет связи",
                                    description="Интернет пропал.", department=department)
    one_pass()
    client_says(ticket, "И телефон тоже.")
    fake_bitrix.lose_next(1, mode="timeout", methods={"crm.timeline.comment.add"})

    one_pass()
    drain()

    ticket.refresh_from_db()
    assert len(fake_bitrix.comments_for(ticket.bitrix_entity_id)) == 1


def test_slow_bitrix_never_gets_a_second_lead(fake_bitrix, make_client, department, settings):
    settings.BITRIX_REQUEST_MAX_SECONDS = 60  # Bitrix's own limit: it may still be working
    ticket = services.ticket_create(client=make_client(), title="Медленный Битрикс",
                                    description="Лид создаётся долго.", department=department)
    fake_bitrix.latency = 2.0  # longer than BITRIX_TIMEOUT (1 s): the client gives up first
    one_pass()
    fake_bitrix.latency = 0

    one_pass()  # even forced due, nothing is sent while Bitrix may still be creating it
    assert fake_bitrix.wait_idle(timeout=5)
    job = OutboxJob.objects.get(ticket=ticket, kind=OutboxJob.Kind.LEAD_ADD)
    assert job.state == State.PENDING and job.uncertain_until > timezone.now()
    assert len(fake_bitrix.leads_by_origin(f"ticket-{ticket.pk}")) == 1

    OutboxJob.objects.filter(pk=job.pk).update(uncertain_until=timezone.now())  # 60 s later
    one_pass()  # looks the lead up by ORIGIN_ID and takes it

    ticket.refresh_from_db()
    leads = fake_bitrix.leads_by_origin(f"ticket-{ticket.pk}")
    assert len(leads) == 1
    assert ticket.bitrix_entity_id == int(leads[0]["ID"])


def test_native_event_reads_the_lead_and_changes_nothing_back(fake_bitrix, client, make_client,
                                                              department):
    ticket = services.ticket_create(client=make_client(), title="Сломался сканер",
                                    description="Не сканирует.", department=department)
    one_pass()
    ticket.refresh_from_db()
    lead_id = ticket.bitrix_entity_id
    fake_bitrix.set_lead_status(lead_id, "CONVERTED")  # a manager moves the lead in Bitrix
    form = {"event": "ONCRMLEADUPDATE", "data[FIELDS][ID]": str(lead_id), "ts": "1742807189",
            "auth[domain]": "portal.bitrix24.ru", "auth[application_token]": EVENT_TOKEN}

    response = client.post("/integrations/bitrix/events", data=form)
    assert response.status_code == 200
    assert fake_bitrix.stats()["requests"].get("crm.lead.get") is None  # read later, by the worker
    summary = one_pass()

    ticket.refresh_from_db()
    assert summary.sent == 1 and ticket.status == Ticket.Status.RESOLVED
    assert ticket.status_changes.filter(source=Message.Source.BITRIX).count() == 1
    # Our own change is not echoed back; the same event again changes nothing.
    assert client.post("/integrations/bitrix/events", data=form).status_code == 200
    drain()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert fake_bitrix.updates_for(lead_id) == []
    assert fake_bitrix.stats()["performed"].get("crm.lead.get") == 2
    assert not OutboxJob.objects.filter(kind=Kind.LEAD_UPDATE).exists()


def test_wrong_secret_stops_the_pass_and_spends_no_attempt(fake_bitrix, settings, make_client,
                                                          department):
    settings.BITRIX_WEBHOOK_URL = fake_bitrix.url.replace(fake_bitrix.secret, "wrong-secret")
    services.ticket_create(client=make_client(), title="Тест", description="Тест.",
                           department=department)

    summary = one_pass()

    assert "INVALID_CREDENTIALS" in summary.config_error
    job = OutboxJob.objects.get()
    assert (job.state, job.attempts) == (State.PENDING, 0)
    assert fake_bitrix.stats()["http_statuses"] == {401: 1}


def test_ops_commands_talk_to_the_portal(fake_bitrix, capsys):
    call_command("bitrix_check")
    call_command("bitrix_statuses")

    out = capsys.readouterr().out
    assert out.startswith("Вебхук работает: http://127.0.0.1:")
    assert "CONVERTED" in out and "JUNK" in out and "IN_PROCESS" in out
