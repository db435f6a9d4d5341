"""Manager API: a comment as multipart/form-data with files; JSON stays as it was."""

import pytest
from django.test import Client as HttpClient

from tests.helpers import MANAGER_KEY, assert_json_error
from tickets.models import Attachment, Message

from .files_helpers import exe_bytes, pdf_bytes, png_upload, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("manager_key")]


@pytest.fixture
def ticket(make_ticket, portal_client):
    return make_ticket(portal_client, title="Не приходит счёт")


def post(ticket, data):
    return HttpClient().post(f"/manager/tickets/{ticket.pk}/comment", data,
                             headers={"X-Manager-Key": MANAGER_KEY})


def test_a_multipart_comment_carries_its_files(ticket):
    response = post(ticket, {"author": "Ирина", "text": "Инструкция", "internal": "false",
                             "files": [upload("Инструкция.pdf", pdf_bytes()), png_upload()]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert [f["name"] for f in body["attachments"]] == ["Инструкция.pdf", "screen.png"]
    message = Message.objects.get(author_kind="manager")
    assert (message.author_name, message.is_internal, message.source) == ("Ирина", False, "api")
    assert Attachment.objects.filter(message=message).count() == 2


def test_a_multipart_internal_note(ticket):
    response = post(ticket, {"text": "Для своих", "internal": "true"})
    assert response.status_code == 201
    assert Message.objects.get(author_kind="manager").is_internal


def test_a_refused_file_is_a_400_naming_the_field(ticket):
    response = post(ticket, {"text": "Вот", "files": [upload("doc.pdf", exe_bytes())]})
    body = assert_json_error(response, 400, "invalid_field")
    assert body["field"] == "files" and "это программа" in body["detail"]
    assert not Message.objects.filter(author_kind="manager").exists()


def test_an_unreadable_internal_flag_is_a_400(ticket):
    body = assert_json_error(post(ticket, {"text": "x", "internal": "maybe"}), 400)
    assert body["field"] == "internal"


def test_a_declared_body_over_five_files_is_a_413(ticket, settings):
    settings.ATTACHMENT_MAX_MB = 1
    response = HttpClient().post(
        f"/manager/tickets/{ticket.pk}/comment", b"x", content_type="multipart/form-data; boundary=b",
        headers={"X-Manager-Key": MANAGER_KEY}, CONTENT_LENGTH=str(7 * 1024 * 1024))
    assert_json_error(response, 413, "payload_too_large")


def test_the_detail_lists_each_messages_files(ticket):
    post(ticket, {"text": "Файл", "files": [png_upload()]})
    detail = HttpClient().get(f"/manager/tickets/{ticket.pk}",
                              headers={"X-Manager-Key": MANAGER_KEY}).json()
    assert detail["messages"][-1]["attachments"][0]["name"] == "screen.png"


def test_the_openapi_document_describes_the_multipart_body():
    document = HttpClient().get("/manager/openapi.json").json()
    content = document["paths"]["/manager/tickets/{ticket_id}/comment"]["post"]["requestBody"][
        "content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    files = content["multipart/form-data"]["schema"]["properties"]["files"]
    assert files["items"]["format"] == "binary" and files["maxItems"] == 5
