"""HEIC photos keep their picture and lose their EXIF and XMP (GPS included),
blanked in place without decoding."""

import pytest
from django.core.exceptions import ValidationError

from tickets import services
from tickets.files import heif
from tickets.models import Message

from .files_helpers import heic_bytes, sniff_bytes, upload

pytestmark = pytest.mark.django_db


def test_exif_and_xmp_are_zeroed_and_the_picture_is_untouched():
    original = heic_bytes()
    cleaned = heif.strip_metadata(original)
    assert len(cleaned) == len(original)
    assert b"GPSLatitude" in original and b"GPSLatitude" not in cleaned
    assert b"HEVC-PIXELS-HERE" in cleaned
    assert sniff_bytes(cleaned) == "heic"


def test_a_file_without_metadata_stays_as_it_is():
    data = heic_bytes()
    assert heif.strip_metadata(data[:24]) == data[:24]  # the ftyp box alone: no meta


def test_an_extent_outside_the_file_is_an_error():
    data = bytearray(heic_bytes())
    with pytest.raises(heif.HeifError):
        heif.strip_metadata(bytes(data[:-20]))  # mdat cut short: extents point past the end


def test_a_heic_upload_is_stored_without_gps(portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    message = services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT,
                                   text="Фото", source=Message.Source.PORTAL,
                                   files=[upload("IMG_1234.HEIC", heic_bytes())])
    attachment = message.attachments.get()
    stored = attachment.file.read()
    assert attachment.name == "IMG_1234.heic" and attachment.content_type == "image/heic"
    assert b"GPSLatitude" not in stored and b"HEVC-PIXELS-HERE" in stored
    assert not attachment.thumbnail


def test_a_broken_heic_is_refused_rather_than_kept_with_its_gps(portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    with pytest.raises(ValidationError) as refused:
        services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT, text="Фото",
                             source=Message.Source.PORTAL,
                             files=[upload("a.heic", heic_bytes()[:-20])])
    assert "сведения о месте съёмки" in refused.value.message_dict["files"][0]
