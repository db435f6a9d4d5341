"""The attachment rules: what is accepted, how it is cleaned, and that a message and
its files are stored together or not at all."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage

from tickets import services
from tickets.files import names, sniff
from tickets.models import Attachment, Message, Ticket

from .files_helpers import (
    docx_bytes,
    exe_bytes,
    has_gps,
    image_bytes,
    ole_bytes,
    pdf_bytes,
    png_upload,
    sniff_bytes,
    upload,
    zip_bytes,
)

pytestmark = pytest.mark.django_db


def stored_files():
    root = Path(settings.ATTACHMENTS_DIR)
    return {p for p in root.rglob("*") if p.is_file()}


def client_says(ticket, text="Вот скриншот", files=()):
    return services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT, text=text,
                                source=Message.Source.PORTAL, files=files)


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("photo.jpg", image_bytes("JPEG"), "jpeg"),
    ("shot.png", image_bytes("PNG"), "png"),
    ("pic.webp", image_bytes("WEBP"), "webp"),
    ("scan.pdf", pdf_bytes(), "pdf"),
    ("report.docx", docx_bytes(), "docx"),
    ("old.doc", ole_bytes(), "doc"),
    ("old.xls", ole_bytes("Workbook"), "xls"),
    ("calc.ods", zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
     "ods"),
    ("logs.zip", zip_bytes({"a.log": b"line"}), "zip"),
    ("note.txt", "Принтер пишет E-05".encode("cp1251"), "text"),
    ("table.csv", "имя;сумма\nИван;10\n".encode(), "csv"),
    ("photo.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64, "heic"),
])
def test_allowed_kinds_are_recognised_by_content(name, data, kind):
    assert sniff_bytes(data, name=name) == kind


@pytest.mark.parametrize(("name", "data"), [
    ("invoice.pdf", exe_bytes()),                      # a renamed Windows program
    ("photo.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),  # a Linux one
])
def test_programs_under_any_name_are_executables(name, data):
    assert sniff_bytes(data, name=name) == sniff.EXECUTABLE


@pytest.mark.parametrize("data", [
    ole_bytes("SummaryInformation"),       # an OLE file that is no document (an .msi)
    bytes(range(256)) * 4,                 # binary noise with NULs
    b"PK\x03\x04broken zip",
])
def test_unknown_content_is_not_allowed(data):
    assert sniff_bytes(data, name="file.docx") is None


def test_names_lose_paths_controls_and_a_lying_extension():
    pdf = sniff.KINDS["pdf"]
    assert names.safe_name("C:\\Users\\me\\Отчёт.pdf", pdf) == "Отчёт.pdf"
    assert names.safe_name("../../etc/passwd", pdf) == "passwd.pdf"
    assert names.safe_name("invoice\u202egpj.pdf", pdf) == "invoicegpj.pdf"
    assert names.safe_name("a\x00b\nc.PDF", pdf) == "abc.pdf"
    assert names.safe_name("report.exe", pdf) == "report.exe.pdf"
    assert names.safe_name("...", pdf) == "файл.pdf"
    assert len(names.safe_name("я" * 500 + ".pdf", pdf)) == names.MAX_NAME_LENGTH


def test_an_image_is_stored_without_exif_and_with_a_thumbnail(portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    message = client_says(ticket, files=[png_upload("../../Снимок экрана.png")])
    [attachment] = message.attachments.all()
    assert attachment.name == "Снимок экрана.png"
    assert attachment.content_type == "image/png"
    data = attachment.file.read()
    assert data.startswith(b"\x89PNG") and not has_gps(data)
    assert attachment.size == len(data)
    assert attachment.thumbnail.read().startswith(b"\xff\xd8\xff")


def test_a_jpeg_loses_its_gps_too(portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    original = image_bytes("JPEG")
    assert has_gps(original)
    message = client_says(ticket, files=[upload("IMG_0001.JPG", original)])
    assert not has_gps(message.attachments.get().file.read())


def test_a_document_is_stored_as_it_came(portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    message = client_says(ticket, files=[upload("отчёт.docx", docx_bytes())])
    attachment = message.attachments.get()
    assert attachment.file.read() == docx_bytes()
    assert not attachment.thumbnail
    assert attachment.content_type.endswith("wordprocessingml.document")


def test_a_renamed_program_is_refused_and_nothing_is_saved(portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    before = stored_files()
    with pytest.raises(ValidationError) as refused:
        client_says(ticket, files=[png_upload(), upload("счёт.pdf", exe_bytes())])
    [error] = refused.value.message_dict["files"]
    assert "«счёт.pdf»" in error and "программа" in error
    assert not Message.objects.filter(ticket=ticket).exists()
    assert stored_files() == before


def test_six_files_are_too_many(portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    with pytest.raises(ValidationError) as refused:
        client_says(ticket, files=[png_upload(f"{n}.png") for n in range(6)])
    assert "не больше 5 файлов" in refused.value.message_dict["files"][0]


def test_a_file_over_the_limit_is_refused_with_its_size(portal_client, make_ticket, settings):
    settings.ATTACHMENT_MAX_MB = 1
    ticket = make_ticket(portal_client)
    with pytest.raises(ValidationError) as refused:
        client_says(ticket, files=[upload("big.txt", b"a" * (1024 * 1024 + 1))])
    assert "не больше 1 МБ" in refused.value.message_dict["files"][0]


def test_a_message_of_files_only_gets_their_names_as_text(portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    message = client_says(ticket, text="", files=[png_upload("a.png")])
    assert message.text == "📎 a.png"


def test_a_new_ticket_keeps_files_on_its_description(portal_client, department):
    ticket = services.ticket_create(client=portal_client, title="Ошибка", description="См. фото",
                                    department=department, files=[png_upload()])
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.message is None


def test_disk_full_leaves_no_message_and_no_file(portal_client, make_ticket, monkeypatch):
    ticket = make_ticket(portal_client)
    before = stored_files()
    real_save = FileSystemStorage._save
    calls = []

    def save(self, name, content):
        calls.append(name)
        if len(calls) == 3:  # the second file, after the first and its thumbnail
            raise OSError(28, os.strerror(28))
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save)
    with pytest.raises(ValidationError) as refused:
        client_says(ticket, files=[png_upload("a.png"), upload("b.pdf", pdf_bytes())])
    assert "Не удалось сохранить файлы" in refused.value.message_dict["files"][0]
    assert not Message.objects.filter(ticket=ticket).exists()
    assert not Attachment.objects.exists()
    assert stored_files() == before


def test_a_failure_after_the_files_were_written_removes_them(portal_client, make_ticket,
                                                             monkeypatch):
    ticket = make_ticket(portal_client)
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.RESOLVED)
    before = stored_files()

    def broken(**kwargs):
        raise RuntimeError("status change failed")

    monkeypatch.setattr("tickets.services.messages.ticket_change_status", broken)
    with pytest.raises(RuntimeError):
        client_says(ticket, files=[png_upload()])
    assert not Attachment.objects.exists()
    assert stored_files() == before


def test_uploads_count_toward_the_clients_hourly_cap(portal_client, make_ticket, settings):
    settings.CLIENT_FILES_HOURLY_LIMIT = 3
    ticket = make_ticket(portal_client)
    client_says(ticket, files=[png_upload("1.png"), png_upload("2.png")])
    with pytest.raises(ValidationError) as refused:
        client_says(ticket, files=[png_upload("3.png"), png_upload("4.png")])
    assert "Слишком много файлов за час" in refused.value.message_dict["files"][0]
    assert refused.value.error_dict["files"][0].code == "rate_limit"
    client_says(ticket, text="А это без файлов")  # the text still goes through


def test_the_upload_cap_counts_megabytes_too(portal_client, make_ticket, settings):
    settings.CLIENT_UPLOAD_MB_HOURLY_LIMIT = 1
    ticket = make_ticket(portal_client)
    client_says(ticket, files=[upload("a.txt", b"a" * 700_000)])
    with pytest.raises(ValidationError):
        client_says(ticket, files=[upload("b.txt", b"b" * 700_000)])


def test_managers_files_do_not_count_toward_the_clients_cap(portal_client, make_ticket,
                                                            settings):
    settings.CLIENT_FILES_HOURLY_LIMIT = 1
    ticket = make_ticket(portal_client)
    services.message_add(ticket=ticket, author_kind=Message.AuthorKind.MANAGER, text="Инструкция",
                         source=Message.Source.ADMIN, files=[upload("howto.pdf", pdf_bytes())])
    client_says(ticket, files=[png_upload()])
