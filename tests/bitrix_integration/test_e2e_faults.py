"""End to end under faults: everything arrives exactly once; a wrong secret spends no attempt."""

import pytest
from django.utils import timezone

from bitrix_integration import outbox
from bitrix_integration.models import OutboxJob
from delivery.models import Pause
from tickets import services
from tickets.models import Message, Ticket

from .helpers import E2E_STATUS_MAP, change, client_says, drain, manager_says, one_pass

pytestmark = pytest.mark.django_db(transaction=True)

Kind, State = OutboxJob.Kind, OutboxJob.State


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
    assert lead["STATUS_ID"] == E2E_STATUS_MAP.get(ticket.status, "NEW")
    assert lead["STATUS_DESCRIPTION"] == ticket.get_status_display()


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
