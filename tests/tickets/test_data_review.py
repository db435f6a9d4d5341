"""Review fixes of «Мои данные»: the export of oddly named files, what erasure leaves."""

import io
import json
import threading
import time
import zipfile

import pytest
from django.db import connection

from tests.helpers import client_logged_in
from tickets import services
from tickets.models import Attachment, Message
from tickets.services import client_limits

from .data_fixtures import attachments, store  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db



def test_a_file_whose_name_has_no_letters_is_exported(
        portal_client, make_ticket, attachments):  # noqa: F811
    ticket = make_ticket(portal_client)
    odd = attachments(ticket, name="???", content=b"odd")

    response = client_logged_in(portal_client).get("/me/export/")

    assert response.status_code == 200, response.get("Location")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))
    path = data["tickets"][0]["attachments"][0]["file"]
    assert path == f"attachments/{ticket.pk}/{odd.pk}-file"
    assert archive.read(path) == b"odd"


def test_erasure_forgets_the_names_of_the_clients_files(
        portal_client, make_ticket, make_message, attachments, manager_user,  # noqa: F811
        django_capture_on_commit_callbacks):
    ticket = make_ticket(portal_client)
    question = make_message(ticket, "Вот скан", author_kind="client", source="portal")
    reply = make_message(ticket, "Инструкция", author_user=manager_user)
    attachments(ticket, name="Паспорт Алексея Иванова.jpg")
    attachments(ticket, question, name="Иванов А. — договор.pdf")
    manual = attachments(ticket, reply, name="instructions.pdf")

    erasure = services.erasure_request(client=portal_client)
    with django_capture_on_commit_callbacks(execute=True):
        services.client_erase(erasure=erasure, by=manager_user)

    names = set(Attachment.objects.exclude(pk=manual.pk).values_list("name", flat=True))
    assert not any("Иванов" in name for name in names), names
    assert Attachment.objects.get(pk=manual.pk).name == "instructions.pdf"  # the manager's


def test_the_page_counts_only_the_files_the_client_can_see(
        portal_client, make_ticket, make_message, attachments):  # noqa: F811
    ticket = make_ticket(portal_client)
    attachments(ticket, name="screen.png")
    note = make_message(ticket, "Клиент ошибся, см. лог", is_internal=True)
    attachments(ticket, note, name="internal-log.txt")  # a manager's note: not theirs to see

    page = client_logged_in(portal_client).get("/me/").content.decode()

    assert "<dt>Файлов</dt><dd>1</dd>" in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_message_sent_while_the_client_is_erased_is_erased_too_without_a_deadlock(
        make_client, make_ticket, manager_user, monkeypatch):
    client = make_client(phone="+79991234567", name="Алексей")
    ticket = make_ticket(client)
    erasure = services.erasure_request(client=client)
    ticket_locked = threading.Event()
    lock_client = client_limits._lock

    def slow_lock(locked):  # message_add holds its ticket's row lock by now
        ticket_locked.set()
        time.sleep(1.5)  # the erasure takes whatever locks it can meanwhile
        lock_client(locked)

    monkeypatch.setattr(client_limits, "_lock", slow_lock)
    errors = []

    def erase():
        ticket_locked.wait(5)
        try:
            services.client_erase(erasure=erasure, by=manager_user)
        except Exception as exc:  # noqa: BLE001  the deadlock's victim
            errors.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=erase)
    worker.start()
    try:
        services.message_add(ticket=ticket, author_kind="client", source="portal",
                             text="Мой паспорт 4510 123456")
    except Exception as exc:  # noqa: BLE001
        errors.append(exc)
    worker.join()

    assert errors == []
    assert not Message.objects.filter(text__contains="паспорт").exists()


def test_a_negative_retention_deletes_nothing(
        portal_client, make_ticket, attachments, settings):  # noqa: F811
    from django.core.management import CommandError, call_command

    ticket = make_ticket(portal_client)
    kept = attachments(ticket)
    services.ticket_change_status(ticket=ticket, status="closed", source="admin")

    with pytest.raises(CommandError, match="0 или больше"):
        call_command("attachments_prune", "--days", "-30")  # a typo for 30
    settings.ATTACHMENT_RETENTION_DAYS = -1
    with pytest.raises(ValueError, match="ATTACHMENT_RETENTION_DAYS"):
        services.attachments_prune()
    assert Attachment.objects.get(pk=kept.pk).removed_at is None


def test_an_erased_clients_ticket_keeps_a_phone_string_in_the_api_admin_and_for_bitrix(
        portal_client, make_ticket, manager_user, api, admin_client,
        django_capture_on_commit_callbacks):
    from bitrix_integration.entity import deal_fields
    from bitrix_integration.outbox import lead_fields

    ticket = make_ticket(portal_client)
    with django_capture_on_commit_callbacks(execute=True):
        services.client_erase(erasure=services.erasure_request(client=portal_client),
                              by=manager_user)

    data = api.get(f"/manager/tickets/{ticket.pk}").json()
    assert data["client_phone"] == f"+999{portal_client.pk:012d}"  # a string, as documented
    fields = lead_fields(ticket.__class__.objects.get(pk=ticket.pk))
    assert None not in [phone["VALUE"] for phone in fields["PHONE"]]
    assert "Данные удалены" in deal_fields(fields)["COMMENTS"]
    assert fields["PHONE"] == [{"VALUE": data["client_phone"], "VALUE_TYPE": "MOBILE"}]
    for page in ("/admin/tickets/ticket/", f"/admin/tickets/ticket/{ticket.pk}/change/"):
        html = admin_client.get(page).content.decode()
        assert data["client_phone"] in html and "None" not in html, page


def test_erasure_blanks_the_admin_history_entries_that_name_the_client_or_a_ticket(
        portal_client, make_ticket, manager_user, make_client,
        django_capture_on_commit_callbacks):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    ticket = make_ticket(portal_client, title="Иванов: не печатает")
    other = make_ticket(make_client(phone="+79997654321", name="Борис"), title="Борис: сканер")
    for obj in (portal_client, ticket, other):  # what admin's change_view writes
        LogEntry.objects.create(user=manager_user, action_flag=CHANGE,
                                content_type=ContentType.objects.get_for_model(obj),
                                object_id=str(obj.pk), object_repr=str(obj)[:200],
                                change_message="[]")

    with django_capture_on_commit_callbacks(execute=True):
        services.client_erase(erasure=services.erasure_request(client=portal_client),
                              by=manager_user)

    reprs = set(LogEntry.objects.values_list("object_repr", flat=True))
    assert not any("Иванов" in text or "Алексей" in text for text in reprs), reprs
    assert str(other) in reprs
