"""The audit trail of inbound calls: refused calls keep no body, old rows are pruned."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient
from django.utils import timezone

from bitrix_integration import ops
from bitrix_integration.models import InboundEvent

from .helpers import EVENT_TOKEN, INBOUND_KEY

pytestmark = pytest.mark.django_db

INBOUND, EVENTS = "/integrations/bitrix/inbound", "/integrations/bitrix/events"
FORM = "application/x-www-form-urlencoded"
BIG = 60 * 1024


def test_wrong_key_posts_keep_only_their_metadata_never_the_body():
    http = HttpClient(headers={"X-Bitrix-Key": "wrong-key"})
    body = '{"action": "comment", "text": "' + "x" * (BIG - 40) + '"}'

    answers = {http.post(INBOUND, body, content_type="application/json").status_code
               for _ in range(100)}

    events = InboundEvent.objects.all()
    assert answers == {401} and events.count() == 100
    assert set(events.values_list("body", "body_size", "path", "status_code")) == {
        ("", len(body.encode()), INBOUND, 401)}
    assert all(e.remote_addr == "127.0.0.1" and e.received_at for e in events)


def test_wrong_token_events_keep_only_their_metadata_never_the_body():
    body = "event=ONCRMLEADUPDATE&data[FIELDS][ID]=215&filler=" + "y" * BIG
    body += "&auth[application_token]=wrong-token"

    response = HttpClient().post(EVENTS, body, content_type=FORM)

    event = InboundEvent.objects.get()
    assert response.status_code == 401
    assert (event.body, event.body_size, event.path) == ("", len(body), EVENTS)


def test_the_key_in_the_query_string_is_not_kept_in_the_path():
    HttpClient().post(f"{INBOUND}?key=wrong-secret", "{}", content_type="application/json")

    assert InboundEvent.objects.get().path == INBOUND


def test_an_accepted_call_keeps_its_body_and_size(linked_ticket):
    body = '{"action": "status", "bitrix_entity_id": 215, "status": "В работе"}'

    HttpClient(headers={"X-Bitrix-Key": INBOUND_KEY}).post(INBOUND, body,
                                                           content_type="application/json")

    event = InboundEvent.objects.get()
    assert (event.status_code, event.body, event.body_size) == (200, body, len(body.encode()))


def test_an_accepted_event_keeps_its_body_without_the_token(linked_ticket):
    body = f"event=ONAPPTEST&auth[application_token]={EVENT_TOKEN}"

    HttpClient().post(EVENTS, body, content_type=FORM)

    event = InboundEvent.objects.get()
    assert event.status_code == 200 and "ONAPPTEST" in event.body
    assert EVENT_TOKEN not in event.body and event.body_size == len(body)


def _aged(days, **fields):
    return InboundEvent.objects.create(channel=InboundEvent.Channel.JSON,
                                       received_at=timezone.now() - timedelta(days=days),
                                       **fields)


def test_prune_deletes_only_rows_older_than_bitrix_audit_days(settings):
    settings.BITRIX_AUDIT_DAYS = 30
    old, recent = _aged(31), _aged(29)

    line = ops.audit_prune()

    assert list(InboundEvent.objects.all()) == [recent]
    assert not InboundEvent.objects.filter(pk=old.pk).exists()
    assert "1" in line and "30" in line


def test_prune_says_nothing_when_nothing_is_old(settings):
    settings.BITRIX_AUDIT_DAYS = 90
    _aged(89)

    assert ops.audit_prune() == "" and InboundEvent.objects.count() == 1


def test_the_default_keeps_ninety_days():
    from django.conf import settings

    assert settings.BITRIX_AUDIT_DAYS == 90


def test_outbox_worker_once_prunes_through_its_chore(settings, bitrix, capsys):
    settings.BITRIX_AUDIT_DAYS = 90
    assert "bitrix_audit_prune" in settings.DELIVERY_CHORES
    _aged(120), _aged(1)

    call_command("outbox_worker", "--once")

    assert InboundEvent.objects.count() == 1
    assert "входящих вызовов" in capsys.readouterr().out


def test_bitrix_audit_prune_command_prints_one_line(settings, capsys):
    settings.BITRIX_AUDIT_DAYS = 7
    _aged(8), _aged(8), _aged(6)

    call_command("bitrix_audit_prune")

    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "2" in out[0] and InboundEvent.objects.count() == 1
