"""Portal-wide refusals pause the whole Bitrix channel: no job dies, the portal is not hammered."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from bitrix_integration.models import OutboxJob, PortalState
from delivery.models import Pause

from .helpers import methods_called, ok, url

pytestmark = pytest.mark.django_db

Kind, State = OutboxJob.Kind, OutboxJob.State
DENIED = {"error": "", "error_description": "Access denied."}


def _channel_pause():
    return Pause.objects.get(channel="bitrix", scope="")


def test_access_denied_pauses_the_channel_and_no_job_dies(bitrix, deliver, make_ticket,
                                                          make_client):
    for _ in range(3):
        make_ticket(make_client())
    bitrix.post(url("crm.lead.add"), status=400, json=DENIED)

    summary = deliver(batch_size=1)

    assert methods_called(bitrix) == ["crm.lead.add.json"]  # one request, not one per ticket
    assert "Access denied." in summary.config_error and summary.dead == 0
    pause = _channel_pause()
    assert "нет прав" in pause.reason and pause.until > timezone.now() + timedelta(seconds=50)
    assert set(OutboxJob.objects.values_list("attempts", "state")) == {(0, State.PENDING)}


def test_required_field_added_by_the_portal_pauses_the_channel(bitrix, deliver, ticket):
    bitrix.post(url("crm.lead.add"), status=400,
                json={"error": "", "error_description": 'Поле "ИНН" обязательно для заполнения.'})

    deliver()

    assert "обязательное поле" in _channel_pause().reason
    assert OutboxJob.objects.get(ticket=ticket).state == State.PENDING


def test_overload_limit_waits_without_a_config_error(bitrix, deliver, ticket):
    bitrix.post(url("crm.lead.add"), status=503,
                json={"error": "OVERLOAD_LIMIT", "error_description": "REST API is blocked"})

    summary = deliver()

    assert summary.config_error == "" and summary.retrying == 1 and summary.dead == 0
    assert "перегрузку" in _channel_pause().reason


def test_each_refusal_in_a_row_waits_longer_and_a_success_starts_over(bitrix, deliver,
                                                                      make_due, ticket):
    bitrix.post(url("crm.lead.add"), status=401,
                json={"error": "invalid_credentials", "error_description": "Invalid"})
    bitrix.post(url("crm.lead.list"), json=ok([]))  # a refused job is looked for first
    waits = []
    for _ in range(3):
        Pause.objects.all().delete()
        make_due()
        started = timezone.now()
        deliver()
        waits.append((_channel_pause().until - started).total_seconds())
    assert 55 < waits[0] < waits[1] < waits[2] <= 3600 + 5
    assert PortalState.get().refusals == 3

    bitrix.replace("POST", url("crm.lead.add"), json=ok(77))
    Pause.objects.all().delete()
    make_due()
    deliver()

    assert PortalState.get().refusals == 0
    ticket.refresh_from_db()
    assert ticket.bitrix_entity_id == 77


def test_portal_deleted_stops_sending_for_good(bitrix, deliver, ticket):
    bitrix.post(url("crm.lead.add"), status=500,
                json={"error": "PORTAL_DELETED", "error_description": "Portal was deleted"})

    summary = deliver()

    assert summary.dead == 0 and "PORTAL_DELETED" in summary.config_error
    assert _channel_pause().until > timezone.now() + timedelta(days=365)
    assert "удалён" in _channel_pause().reason


def test_admin_outbox_shows_the_pause_in_one_line(admin_client, bitrix, deliver, ticket):
    bitrix.post(url("crm.lead.add"), status=400, json=DENIED)
    deliver()

    page = admin_client.get("/admin/bitrix_integration/outboxjob/")

    assert "Отправка в Битрикс24 приостановлена до" in page.content.decode()


def test_bitrix_check_prints_the_pause_line_first_and_fails(bitrix, capsys):
    Pause.objects.create(channel="bitrix", scope="", until=timezone.now() + timedelta(hours=1),
                         reason="Битрикс24 отказал всему порталу: неверный секрет")
    bitrix.post(url("scope"), json=ok(["crm"]))
    bitrix.post(url("crm.settings.mode.get"), json=ok(1))
    bitrix.post(url("crm.lead.list"), json=ok([]))
    bitrix.post(url("crm.lead.fields"), json=ok({}))

    with pytest.raises(CommandError) as failed:
        call_command("bitrix_check")

    assert str(failed.value).startswith("Отправка в Битрикс24 приостановлена до")
    assert "Обязательные поля, добавленные порталом: нет." in capsys.readouterr().out
