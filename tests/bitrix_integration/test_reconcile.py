"""Reconciliation: a stage change or a comment whose event was lost still reaches the ticket."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bitrix_integration import reconcile
from bitrix_integration.models import PortalState
from tests.helpers import ROOT
from tickets.models import Message, Ticket

from .helpers import drain, ok, post_events, sent, url

Source = Message.Source


@pytest.mark.django_db(transaction=True)
def test_lost_events_are_applied_by_one_reconciliation_and_only_once(fake_bitrix, ticket,
                                                                     capsys):
    portal = fake_bitrix
    drain()
    ticket.refresh_from_db()
    portal.take_events()  # Bitrix posted them while our portal was down: lost
    portal.manager_writes("lead", ticket.bitrix_entity_id, "[i]Решили[/i], проверьте")
    portal.set_lead_status(ticket.bitrix_entity_id, "CONVERTED")
    portal.take_events()

    call_command("bitrix_reconcile")
    call_command("bitrix_reconcile")

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert list(Message.objects.filter(ticket=ticket, source=Source.BITRIX, is_internal=False,
                                       author_kind="manager").exclude(text__startswith="Статус")
                .values_list("author_name", "text")) == [("Ирина Петрова", "Решили, проверьте")]
    lines = capsys.readouterr().out.splitlines()
    assert "комментариев добавлено 1" in lines[0] and "комментариев добавлено 0" in lines[1]
    assert "стадий применено 1" in lines[0] and "стадий применено 0" in lines[1]


@pytest.mark.django_db(transaction=True)
def test_event_and_reconciliation_together_make_one_message(fake_bitrix, ticket):
    portal = fake_bitrix
    drain()
    ticket.refresh_from_db()
    portal.take_events()
    portal.manager_writes("lead", ticket.bitrix_entity_id, "Один раз")
    post_events(portal)
    drain()

    reconcile.reconcile()

    assert Message.objects.filter(ticket=ticket, text="Один раз").count() == 1


@pytest.mark.django_db
def test_reconcile_asks_for_changes_since_the_last_run(bitrix, linked_ticket):
    last = timezone.now() - timedelta(minutes=10)
    PortalState.objects.create(pk=1, reconciled_at=last)
    bitrix.post(url("crm.lead.list"), json=ok([]))
    bitrix.post(url("batch"), json=ok({"result": {f"t{linked_ticket.pk}": []}, "result_error": []}))

    reconcile.reconcile(limiter=reconcile.RateLimiter(0))

    since = sent(bitrix.calls[0])["filter"][">DATE_MODIFY"]
    assert since == timezone.localtime(last).isoformat(timespec="seconds")
    assert PortalState.get().reconciled_at > last


@pytest.mark.django_db
def test_the_chore_reports_a_refusal_as_a_line(bitrix, linked_ticket):
    bitrix.post(url("crm.lead.list"), status=401,
                json={"error": "INVALID_CREDENTIALS", "error_description": "Invalid"})

    line = reconcile.run_chore()

    assert "не удалась" in line and PortalState.get().reconciled_at is None


def test_outbox_worker_runs_reconciliation_every_configured_minutes():
    env = {**os.environ, "BITRIX_WEBHOOK_URL": "https://x.example/rest/1/s",
           "BITRIX_RECONCILE_MINUTES": "7", "DJANGO_SETTINGS_MODULE": "supportportal.settings"}
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                          "from django.conf import settings; "
                          "print(settings.DELIVERY_CHORES['bitrix_reconcile'])"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert "'every_minutes': 7.0" in out.stdout and "reconcile.run_chore" in out.stdout, out.stderr
