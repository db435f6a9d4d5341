"""Scanning through clamd (CLAMD_SOCKET) against a fake clamd on a unix socket."""

import logging
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from tests.fakes.clamd_server import EICAR, FakeClamd
from tickets import services
from tickets.files import clamd as clamd_protocol
from tickets.models import Attachment, Message

from .files_helpers import png_upload, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_clamd(settings):
    # A short path: unix socket paths are limited to about 100 bytes.
    with tempfile.TemporaryDirectory(prefix="clamd") as folder, \
            FakeClamd(Path(folder) / "s") as clamd:
        settings.CLAMD_SOCKET = clamd.path
        settings.CLAMD_TIMEOUT = 2
        yield clamd


def _says(ticket, files):
    return services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT,
                                text="Файл", source=Message.Source.PORTAL, files=files)


def test_a_clean_file_is_scanned_and_accepted(fake_clamd, portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    _says(ticket, [upload("note.txt", b"all good")])
    assert fake_clamd.commands == [b"zINSTREAM\0"]
    assert fake_clamd.scanned == [b"all good"]
    assert Attachment.objects.count() == 1


def test_an_infected_file_is_refused_in_russian_and_logged(fake_clamd, portal_client,
                                                           make_ticket, caplog):
    ticket = make_ticket(portal_client)
    with caplog.at_level(logging.WARNING, logger="tickets.attachments"), \
            pytest.raises(ValidationError) as refused:
        _says(ticket, [png_upload(), upload("readme.txt", EICAR)])
    [error] = refused.value.message_dict["files"]
    assert "«readme.txt»: в нём найден вирус (Eicar-Test-Signature)" in error
    assert "infected upload refused" in caplog.text and "Eicar-Test-Signature" in caplog.text
    assert not Attachment.objects.exists() and not Message.objects.filter(ticket=ticket).exists()


def test_a_clamd_error_refuses_the_upload(fake_clamd, portal_client, make_ticket):
    fake_clamd.reply = "INSTREAM size limit exceeded. ERROR"
    ticket = make_ticket(portal_client)
    with pytest.raises(ValidationError) as refused:
        _says(ticket, [upload("a.txt", b"text")])
    assert "не удалось проверить его на вирусы" in refused.value.message_dict["files"][0]


def test_a_silent_clamd_times_out_and_refuses(fake_clamd, portal_client, make_ticket, settings):
    settings.CLAMD_TIMEOUT = 0.3
    fake_clamd.hang.set()
    ticket = make_ticket(portal_client)
    with pytest.raises(ValidationError):
        _says(ticket, [upload("a.txt", b"text")])


def test_no_socket_there_refuses_rather_than_skips(settings, portal_client, make_ticket):
    settings.CLAMD_SOCKET = "/nonexistent/clamd.sock"
    ticket = make_ticket(portal_client)
    with pytest.raises(ValidationError):
        _says(ticket, [upload("a.txt", b"text")])


def test_without_clamd_socket_nothing_is_scanned(settings, portal_client, make_ticket):
    settings.CLAMD_SOCKET = ""
    ticket = make_ticket(portal_client)
    _says(ticket, [upload("eicar.txt", EICAR)])  # no scanner configured: accepted as text
    assert Attachment.objects.count() == 1


def test_the_stream_is_sent_in_chunks(fake_clamd, monkeypatch):
    import io
    monkeypatch.setattr(clamd_protocol, "CHUNK", 3)
    assert clamd_protocol.scan(io.BytesIO(b"0123456789"), socket_path=fake_clamd.path,
                               timeout=2) is None
    assert fake_clamd.scanned == [b"0123456789"]
