"""tickets 0017: existing tickets get the list's preview of their last public message
and the card's «has files» mark."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.helpers import migrate, migration_leaves

BEFORE = [("tickets", "0016_queue_indexes_search")]
AFTER = [("tickets", "0017_ticket_preview_has_files")]


@pytest.fixture
def old_apps(transactional_db):
    leaves = migration_leaves()
    try:
        yield migrate(BEFORE)
    finally:
        migrate(leaves)


def test_each_ticket_previews_its_last_public_word_else_its_description_and_marks_files(
        old_apps):
    Client = old_apps.get_model("tickets", "Client")
    Department = old_apps.get_model("tickets", "Department")
    Ticket = old_apps.get_model("tickets", "Ticket")
    Message = old_apps.get_model("tickets", "Message")
    now = timezone.now()
    client = Client.objects.create(phone="+79990001122", created_at=now)
    department = Department.objects.create(name="Бухгалтерия", slug="buh")

    def ticket(description):
        return Ticket.objects.create(client=client, department=department, title="Заявка",
                                     description=description, created_at=now, updated_at=now)

    def message(ticket, text, minutes, **fields):
        return Message.objects.create(ticket=ticket, text=text, source="admin",
                                      created_at=now + timedelta(minutes=minutes),
                                      **{"author_kind": "manager", **fields})

    answered = ticket("Не приходит счёт")
    message(answered, "Первый ответ", 1, author_name="Пётр")
    message(answered, "Уточните номер договора " + "и ещё " * 40, 2, author_name="Ирина")
    message(answered, "Заметка для своих", 3, author_name="Ирина", is_internal=True)
    message(answered, "Служебное", 4, author_kind="system")
    silent = ticket("Описание " * 30)
    Attachment = old_apps.get_model("tickets", "Attachment")
    Attachment.objects.create(ticket=answered, name="счёт.pdf", content_type="application/pdf",
                              size=10, file="x/1.pdf", removed_at=now)  # removed: still named

    migrate(AFTER)

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, last_public_text, last_public_name, has_files "
                       "FROM tickets_ticket")
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    assert rows[answered.pk] == (
        ("Уточните номер договора " + "и ещё " * 40)[:140], "Ирина", True)
    assert rows[silent.pk] == (("Описание " * 30)[:140], "", False)
