"""End to end through the worker and the fake portal: a message's files travel with its
timeline comment as FILES; a file over the budget is named as kept on the portal."""

import pytest

from bitrix_integration.models import OutboxJob
from tests.tickets.files_helpers import pdf_bytes, png_upload, upload
from tickets import services
from tickets.models import Message

from .helpers import drain

pytestmark = pytest.mark.django_db(transaction=True)


def _says(ticket, text, files, author_kind=Message.AuthorKind.CLIENT):
    return services.message_add(ticket=ticket, author_kind=author_kind, text=text,
                                source=Message.Source.PORTAL, files=files)


def _files_of(portal, comment):
    return {f["name"]: portal.files[int(f["id"])] for f in dict(comment["FILES"] or {}).values()}


def test_a_messages_files_reach_the_leads_timeline(fake_bitrix, ticket):
    message = _says(ticket, "Вот скриншот и счёт",
                    [png_upload("экран.png"), upload("счёт.pdf", pdf_bytes())])
    job = OutboxJob.objects.get(kind=OutboxJob.Kind.COMMENT_ADD)
    assert "FILES" not in job.payload and "экран" not in str(job.payload)  # read at send time
    drain()
    ticket.refresh_from_db()
    [comment] = fake_bitrix.comments_on("lead", ticket.bitrix_entity_id)
    files = _files_of(fake_bitrix, comment)
    stored = message.attachments.get(name="экран.png").file.read()
    assert files == {"экран.png": stored, "счёт.pdf": pdf_bytes()}
    assert "Вот скриншот и счёт" in comment["COMMENT"]


def test_a_file_over_the_budget_is_named_as_kept_on_the_portal(fake_bitrix, ticket, settings):
    settings.BITRIX_FILE_MAX_MB = 1
    _says(ticket, "Логи", [upload("big.txt", b"x" * (1024 * 1024 + 10)), png_upload("a.png")])
    drain()
    ticket.refresh_from_db()
    [comment] = fake_bitrix.comments_on("lead", ticket.bitrix_entity_id)
    assert "📎 big.txt — файл хранится на портале" in comment["COMMENT"]
    assert set(_files_of(fake_bitrix, comment)) == {"a.png"}


def test_the_per_call_budget_keeps_the_rest_on_the_portal(fake_bitrix, ticket, settings):
    settings.BITRIX_FILES_PER_CALL_MB = 1
    _says(ticket, "Два файла", [upload("one.txt", b"1" * 700_000), upload("two.txt", b"2" * 700_000)])
    drain()
    ticket.refresh_from_db()
    [comment] = fake_bitrix.comments_on("lead", ticket.bitrix_entity_id)
    assert set(_files_of(fake_bitrix, comment)) == {"one.txt"}
    assert "📎 two.txt — файл хранится на портале" in comment["COMMENT"]


def test_a_new_tickets_description_files_follow_the_lead(fake_bitrix, portal_client, department):
    ticket = services.ticket_create(client=portal_client, title="Принтер", description="Фото",
                                    department=department, files=[png_upload("фото.png")])
    drain()
    ticket.refresh_from_db()
    [comment] = fake_bitrix.comments_on("lead", ticket.bitrix_entity_id)
    assert "файлы к описанию заявки" in comment["COMMENT"]
    assert set(_files_of(fake_bitrix, comment)) == {"фото.png"}


def test_several_comments_with_files_in_one_pass_each_go_alone(fake_bitrix, ticket, make_ticket,
                                                                portal_client):
    other = make_ticket(portal_client, title="Другая")
    drain()
    _says(ticket, "Первый", [png_upload("1.png")])
    _says(other, "Второй", [png_upload("2.png")])
    drain()
    for each, name in ((ticket, "1.png"), (other, "2.png")):
        each.refresh_from_db()
        [comment] = fake_bitrix.comments_on("lead", each.bitrix_entity_id)
        assert set(_files_of(fake_bitrix, comment)) == {name}
