"""End to end against a fake Bitrix24 over real HTTP on 127.0.0.1 (tests/fakes/bitrix_server.py).

The real services write the outbox, the real worker sends it through the real
client; the fake portal keeps what arrived. Here: a ticket's lead, comments and
status, a native Bitrix event, the ops commands; faults are in test_e2e_faults.py.

Passes are driven by hand: the retry base is long (30 s) and each pass first
puts the pending jobs due, so one pass = one try per job, whatever the timing.
"""

import pytest
from django.core.management import call_command

from bitrix_integration import outbox
from bitrix_integration.client import BitrixClient
from bitrix_integration.models import OutboxJob
from tickets import services
from tickets.models import Message, Ticket

from .helpers import E2E_EVENT_TOKEN, change, client_says, drain, manager_says, one_pass

pytestmark = pytest.mark.django_db(transaction=True)

Kind, State = OutboxJob.Kind, OutboxJob.State


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


def test_native_event_reads_the_lead_and_changes_nothing_back(fake_bitrix, client, make_client,
                                                              department):
    ticket = services.ticket_create(client=make_client(), title="Сломался сканер",
                                    description="Не сканирует.", department=department)
    one_pass()
    ticket.refresh_from_db()
    lead_id = ticket.bitrix_entity_id
    fake_bitrix.set_lead_status(lead_id, "CONVERTED")  # a manager moves the lead in Bitrix
    form = {"event": "ONCRMLEADUPDATE", "data[FIELDS][ID]": str(lead_id), "ts": "1742807189",
            "auth[domain]": "portal.bitrix24.ru", "auth[application_token]": E2E_EVENT_TOKEN}

    response = client.post("/integrations/bitrix/events", data=form)
    assert response.status_code == 200
    assert fake_bitrix.stats()["requests"].get("crm.lead.get") is None  # read later, by the worker
    summary = one_pass()

    ticket.refresh_from_db()
    assert summary.sent == 1 and ticket.status == Ticket.Status.RESOLVED
    assert ticket.status_changes.filter(source=Message.Source.BITRIX).count() == 1
    # Our own change is not echoed back; the same event again within the minute is a
    # duplicate: it changes nothing and reads nothing.
    again = client.post("/integrations/bitrix/events", data=form)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    drain()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert fake_bitrix.updates_for(lead_id) == []
    assert fake_bitrix.stats()["performed"].get("crm.lead.get") == 1
    assert not OutboxJob.objects.filter(kind=Kind.LEAD_UPDATE).exists()


def test_ops_commands_talk_to_the_portal(fake_bitrix, capsys):
    call_command("bitrix_check")
    call_command("bitrix_statuses")

    out = capsys.readouterr().out
    assert out.startswith("Адрес http://127.0.0.1:") and "Секрет: верный." in out
    assert "CONVERTED" in out and "JUNK" in out and "IN_PROCESS" in out
