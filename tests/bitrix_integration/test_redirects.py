"""A moved portal: redirects are never followed, a lookup takes only its own ORIGIN_ID."""

import pytest

from bitrix_integration.client import BitrixClient, BitrixError
from bitrix_integration.diagnose import report
from bitrix_integration.models import OutboxJob
from tests.fakes.bitrix_server import FakeBitrix
from tests.helpers import manage, manage_env

from .helpers import WEBHOOK, one_pass, url

Kind, State = OutboxJob.Kind, OutboxJob.State


def test_redirect_is_a_config_error_naming_the_new_portal_without_following_it(bitrix):
    bitrix.post(url("crm.lead.list"), status=302,
                headers={"Location": "https://new.example/rest/1/secret/crm.lead.list.json"})
    bitrix.get("https://new.example/rest/1/secret/crm.lead.list.json", json={"result": []})

    with pytest.raises(BitrixError) as caught:
        BitrixClient(WEBHOOK).call("crm.lead.list", {"filter": {"ORIGIN_ID": "ticket-7"}})

    assert caught.value.config and caught.value.code == "REDIRECT"
    assert "https://new.example" in str(caught.value) and "secret" not in str(caught.value)
    assert len(bitrix.calls) == 1 and bitrix.calls[0].request.method == "POST"


@pytest.mark.parametrize("status", [301, 307, 308])
def test_every_redirect_status_is_refused(bitrix, status):
    bitrix.post(url("crm.lead.add"), status=status, headers={"Location": "https://x.example/"})

    with pytest.raises(BitrixError) as caught:
        BitrixClient(WEBHOOK).call("crm.lead.add", {"fields": {"TITLE": "t"}})

    assert caught.value.config and caught.value.http_status == status


@pytest.mark.django_db
def test_bitrix_check_says_the_portal_moved(bitrix):
    bitrix.post(url("scope"), status=301,
                headers={"Location": "https://moved.example/rest/1/secret/scope.json"})

    ok, (line,) = report()

    assert not ok and "переадресац" in line and "https://moved.example" in line


@pytest.mark.django_db
def test_lookup_row_without_origin_id_is_not_taken_for_ours(bitrix, deliver, make_due, ticket):
    job = OutboxJob.objects.get(ticket=ticket, kind=Kind.LEAD_ADD)
    OutboxJob.objects.filter(pk=job.pk).update(attempts=1, last_error="TIMEOUT")
    make_due()
    bitrix.post(url("crm.lead.list"), json={"result": [{"ID": "5"}], "total": 1})
    bitrix.post(url("crm.lead.add"), json={"result": 999})

    deliver()

    ticket.refresh_from_db()
    assert ticket.bitrix_entity_id == 999


@pytest.mark.django_db(transaction=True)
def test_moved_portal_gets_no_get_and_binds_no_foreign_lead(fake_bitrix, ticket):
    """The new address holds someone else's leads: nothing reaches it, nothing is bound."""
    with FakeBitrix() as new_portal:
        new_portal.leads[1] = {"ID": 1, "TITLE": "чужой", "ORIGIN_ID": "other-7"}
        fake_bitrix.redirect_to = f"http://127.0.0.1:{new_portal.port}"
        OutboxJob.objects.filter(ticket=ticket).update(attempts=1, last_error="TIMEOUT")

        summary = one_pass()

        assert "переехал" in summary.config_error
        assert new_portal.stats()["total_requests"] == 0
        assert fake_bitrix.stats()["http_methods"] == {"POST": 1}
        ticket.refresh_from_db()
        assert ticket.bitrix_entity_id is None
        job = OutboxJob.objects.get(ticket=ticket)
        assert job.state == State.PENDING and job.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_bitrix_check_command_exits_2_naming_the_new_address(tmp_path):
    with FakeBitrix() as old:
        old.redirect_to = "http://127.0.0.1:9"
        env = manage_env(tmp_path / "db.sqlite3", old.url)
        assert manage(env, "migrate", "--noinput").returncode == 0
        result = manage(env, "bitrix_check")
    assert result.returncode == 2 and "переехал на http://127.0.0.1:9" in result.stderr
