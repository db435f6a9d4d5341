"""A body over the limit is a clean 413 before anything reads it: a Russian page, or
JSON under /manager/ and /integrations/. Never Django's 400, never a 500."""

import http.client
import io
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client as HttpClient

from tickets.models import ErasureRequest

pytestmark = pytest.mark.django_db
BOUNDARY = "portal-test-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def _multipart(size: int) -> bytes:
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; "
            f"filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return head + b"%" * (size - len(head) - len(tail)) + tail


def _declared(http, path, size, content_type=MULTIPART, **extra):
    """A request that says it carries ``size`` bytes (it carries one): nothing may read it."""
    return http.generic("POST", path, b"x", content_type=content_type,
                        CONTENT_LENGTH=str(size), **extra)


def test_the_limit_is_five_files_and_room_for_the_form():
    assert django_settings.REQUEST_BODY_MAX_BYTES == 5 * 10 * 1024 * 1024 + 1024 * 1024
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024


def test_a_client_page_answers_a_russian_page(logged_in):
    response = _declared(logged_in, "/tickets/new/", django_settings.REQUEST_BODY_MAX_BYTES + 1)

    assert response.status_code == 413
    html = response.content.decode()
    assert "Слишком большой запрос" in html and "больше 51 МБ" in html
    assert "до 5 файлов, каждый не больше 10 МБ" in html
    assert response["Content-Type"].startswith("text/html")


def test_an_admin_page_answers_the_page_too(admin_client):
    response = _declared(admin_client, "/admin/tickets/ticket/1/change/",
                         django_settings.REQUEST_BODY_MAX_BYTES + 1)

    assert response.status_code == 413
    assert 'href="/admin/"' in response.content.decode()


@pytest.mark.parametrize("path", ["/manager/tickets/1/comment", "/integrations/bitrix/inbound",
                                  "/integrations/telegram/webhook"])
def test_json_paths_answer_json(client, path):
    response = _declared(client, path, django_settings.REQUEST_BODY_MAX_BYTES + 1)

    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "payload_too_large"
    assert body["detail"].startswith("Тело запроса больше 51 МБ.")


def test_a_body_without_files_is_held_to_the_forms_room(client):
    """Django would answer 400 past DATA_UPLOAD_MAX_MEMORY_SIZE; the rule answers 413."""
    size = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1

    page = _declared(client, "/login/", size, content_type="application/x-www-form-urlencoded")
    api = _declared(client, "/manager/tickets/1/status", size, content_type="application/json")

    assert page.status_code == 413 and "больше 1 МБ" in page.content.decode()
    assert api.status_code == 413 and api.json()["detail"] == "Тело запроса больше 1 МБ."


def test_a_body_within_the_limit_goes_through(logged_in, make_ticket, portal_client):
    ticket = make_ticket(portal_client)

    response = logged_in.generic("POST", f"/tickets/{ticket.pk}/comment/",
                                 _multipart(3 * 1024 * 1024), content_type=MULTIPART)

    # The view's own answer: the 3 MB of "%" are plain text, kept as the message's file.
    assert response.status_code == 302
    assert ticket.attachments.get().size == 3 * 1024 * 1024 - len(_multipart(0))


def _chunked(http, path, body, content_type):
    """As gunicorn hands a chunked body on: no Content-Length, the decoded stream ends
    with the last chunk (a BytesIO; the test client's own input cannot say where it ends)."""
    return http.generic("POST", path, b"", CONTENT_TYPE=content_type,
                        HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": io.BytesIO(body)})


def test_a_chunked_body_over_the_limit_is_413(logged_in, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100 * 1024

    response = _chunked(logged_in, "/me/erase/", b"confirm=on&pad=" + b"a" * 200 * 1024,
                        "application/x-www-form-urlencoded")

    assert response.status_code == 413
    assert not ErasureRequest.objects.exists()


def test_a_chunked_body_within_the_limit_is_read(logged_in, portal_client):
    response = _chunked(logged_in, "/me/erase/", b"confirm=on&pad=" + b"a" * 200 * 1024,
                        "application/x-www-form-urlencoded")

    assert response.status_code == 302
    assert ErasureRequest.objects.filter(client=portal_client).exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_socket_gets_413_for_a_large_body(live_server, settings):
    settings.REQUEST_BODY_MAX_BYTES = 2 * 1024 * 1024
    body = _multipart(3 * 1024 * 1024)
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)

    connection.request("POST", "/manager/tickets/1/comment", body=body,
                       headers={"Content-Type": MULTIPART, "X-Manager-Key": "any"})
    response = connection.getresponse()

    assert response.status == 413
    assert b'"payload_too_large"' in response.read()
    connection.close()


def test_csrf_still_guards_a_small_multipart_post(portal_client):
    http = HttpClient(enforce_csrf_checks=True)
    session = http.session
    session["client_id"] = portal_client.pk
    session.save()

    response = http.generic("POST", "/tickets/new/", _multipart(2048), content_type=MULTIPART)

    assert response.status_code == 403
