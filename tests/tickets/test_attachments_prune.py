"""ATTACHMENT_RETENTION_DAYS: files of tickets closed long ago go, in batches, for cron."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tickets import services
from tickets.models import Attachment, StatusChange, Ticket
from tickets.services import retention

from .data_fixtures import attachments, store  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _close(ticket, days_ago):
    services.ticket_change_status(ticket=ticket, status=Ticket.Status.CLOSED, source="admin")
    StatusChange.objects.filter(ticket=ticket, to_status="closed").update(
        at=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def tickets(portal_client, make_ticket, attachments):  # noqa: F811
    old, recent, open_ = (make_ticket(portal_client) for _ in range(3))
    _close(old, days_ago=40)
    _close(recent, days_ago=10)
    return {name: (ticket, [attachments(ticket, thumbnail=b"t"), attachments(ticket)])
            for name, ticket in (("old", old), ("recent", recent), ("open", open_))}


def _prune(*args):
    out = StringIO()
    call_command("attachments_prune", *args, stdout=out)
    return out.getvalue().strip()


def test_files_of_tickets_closed_longer_ago_are_deleted(settings, tickets, store):  # noqa: F811
    settings.ATTACHMENT_RETENTION_DAYS = 30
    stored = {a.pk: a.file.name for _t, files in tickets.values() for a in files}

    line = _prune()

    assert line == ("Файлы заявок, закрытых больше 30 дн. назад: удалено 2, "
                    "не удалось удалить 0.")
    for name, (_ticket, files) in tickets.items():
        for attachment in files:
            attachment.refresh_from_db()
            gone = name == "old"
            assert (attachment.removed_at is not None) is gone
            assert store.exists(stored[attachment.pk]) is not gone
    assert _prune().startswith("Файлы заявок, закрытых больше 30 дн. назад: удалено 0")


def test_empty_setting_keeps_everything(settings, tickets):
    settings.ATTACHMENT_RETENTION_DAYS = None

    assert "хранятся бессрочно" in _prune()
    assert not Attachment.objects.filter(removed_at__isnull=False).exists()


def test_works_in_batches(settings, tickets, monkeypatch):
    monkeypatch.setattr(retention, "BATCH_SIZE", 1)

    assert "удалено 4" in _prune("--days", "5")  # old and recent, two files each


def test_a_storage_failure_is_retried_by_the_next_run(settings, tickets, store, monkeypatch):  # noqa: F811
    settings.ATTACHMENT_RETENTION_DAYS = 30
    real_delete = store.delete
    monkeypatch.setattr(store, "delete", lambda name: (_ for _ in ()).throw(OSError("EIO")))

    with pytest.raises(SystemExit) as exit_:
        _prune()
    assert exit_.value.code == 1
    failed = Attachment.objects.filter(removed_at__isnull=False)
    assert failed.count() == 2 and not failed.filter(file="").exists()  # marked, name kept

    monkeypatch.setattr(store, "delete", real_delete)
    line = _prune()

    assert "удалено 2, не удалось удалить 0" in line
    assert not Attachment.objects.filter(removed_at__isnull=False).exclude(file="").exists()


def test_the_workers_chore_says_a_line_only_when_it_deleted_something(settings, tickets):
    settings.ATTACHMENT_RETENTION_DAYS = 30

    assert "удалено 2" in retention.attachments_prune_chore()
    assert retention.attachments_prune_chore() == ""
