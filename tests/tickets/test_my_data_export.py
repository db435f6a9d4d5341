"""«Мои данные»: the page, and the ZIP that holds exactly the client's data."""

import io
import json
import zipfile

import pytest
from django.utils import timezone

from tests.helpers import client_logged_in
from tickets import services
from tickets.models import Message, Ticket

from .data_fixtures import attachments, store  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db



def _archive(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def two_clients(make_client, make_ticket, make_message, attachments):  # noqa: F811
    """Алексей and Борис, each with a ticket, a dialog, a note and files."""
    world = {}
    for name, phone in (("Алексей", "+79991234567"), ("Борис", "+79997654321")):
        client = make_client(phone=phone, name=name)
        ticket = make_ticket(client, title=f"Принтер {name}", description=f"Описание {name}")
        question = make_message(ticket, f"Вопрос {name}", author_kind="client",
                                source="portal")
        make_message(ticket, f"Ответ для {name}")
        note = make_message(ticket, f"Заметка о {name}", is_internal=True)
        services.ticket_change_status(ticket=ticket, status=Ticket.Status.RESOLVED,
                                      source="admin", actor_name="Ирина")
        services.ticket_rate(ticket=ticket, rating=4, comment=f"Спасибо от {name}")
        world[name] = {
            "client": client, "ticket": ticket,
            "description_file": attachments(ticket, name=f"{name}.png",
                                            content=f"image of {name}".encode()),
            "message_file": attachments(ticket, question, name=f"{name}.pdf",
                                        content=f"pdf of {name}".encode(),
                                        content_type="application/pdf"),
            "note_file": attachments(ticket, note, name=f"note-{name}.txt",
                                     content=f"secret about {name}".encode()),
            "removed_file": attachments(ticket, question, name=f"old-{name}.png",
                                        content=f"old of {name}".encode()),
        }
        removed = world[name]["removed_file"]
        removed.removed_at = timezone.now()
        removed.save(update_fields=["removed_at"])
    return world


def test_the_page_links_the_export_and_the_erasure_and_the_header_links_the_page(logged_in):
    page = logged_in.get("/me/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/me/export/"' in html
    assert 'href="/me/erase/"' in html
    assert 'href="/me/">Мои данные</a>' in logged_in.get("/tickets/").content.decode()


def test_the_pages_ask_a_visitor_to_log_in(client):
    for path in ("/me/", "/me/export/", "/me/erase/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_the_zip_holds_exactly_the_clients_data(two_clients):
    alexey, boris = two_clients["Алексей"], two_clients["Борис"]

    archive = _archive(client_logged_in(alexey["client"]).get("/me/export/"))

    data = json.loads(archive.read("data.json"))
    assert data["client"] == {"id": alexey["client"].pk, "phone": "+79991234567",
                              "name": "Алексей", "created_at": data["client"]["created_at"]}
    [ticket] = data["tickets"]
    assert ticket["id"] == alexey["ticket"].pk
    assert ticket["description"] == "Описание Алексей"
    assert (ticket["rating"], ticket["rating_comment"]) == (4, "Спасибо от Алексей")
    assert [m["text"] for m in ticket["messages"]] == ["Вопрос Алексей", "Ответ для Алексей"]
    assert ticket["status_history"][-1]["to"] == "resolved"
    assert ticket["status_history"][-1]["by"] == "Ирина"
    # Files: the description's and the message's; never a note's, nor a removed one.
    expected = {
        f"attachments/{alexey['ticket'].pk}/{alexey['description_file'].pk}-Алексей.png":
            b"image of \xd0\x90\xd0\xbb\xd0\xb5\xd0\xba\xd1\x81\xd0\xb5\xd0\xb9",
        f"attachments/{alexey['ticket'].pk}/{alexey['message_file'].pk}-Алексей.pdf":
            "pdf of Алексей".encode(),
    }
    assert set(archive.namelist()) == {"data.json", *expected}
    for path, content in expected.items():
        assert archive.read(path) == content
    assert [a["file"] for a in ticket["attachments"]] == [
        f"attachments/{alexey['ticket'].pk}/{alexey['description_file'].pk}-Алексей.png"]
    question = ticket["messages"][0]
    assert [(a["name"], a["file"] is None) for a in question["attachments"]] == [
        ("Алексей.pdf", False), ("old-Алексей.png", True)]
    # Nothing of Борис, nor of any internal note, anywhere in the archive.
    everything = b"".join(archive.read(name) for name in archive.namelist())
    text = everything.decode("utf-8", errors="replace")
    for leak in ("Борис", "+79997654321", "Заметка", "secret about", "note-"):
        assert leak not in text
    assert str(boris["ticket"].pk) not in [str(t["id"]) for t in data["tickets"]]


def test_a_file_missing_from_the_storage_is_listed_without_it(two_clients, store):  # noqa: F811
    alexey = two_clients["Алексей"]
    store.delete(alexey["message_file"].file.name)

    archive = _archive(client_logged_in(alexey["client"]).get("/me/export/"))

    data = json.loads(archive.read("data.json"))
    files = {a["name"]: a["file"] for a in data["tickets"][0]["messages"][0]["attachments"]}
    assert files["Алексей.pdf"] is None
    assert len(archive.namelist()) == 2  # data.json and the description's file


def test_the_export_takes_the_same_queries_for_many_tickets(
        settings, make_client, make_ticket, make_message, attachments,  # noqa: F811
        django_assert_max_num_queries):
    settings.CLIENT_TICKETS_HOURLY_LIMIT = settings.CLIENT_COMMENTS_HOURLY_LIMIT = 100
    client = make_client(name="Вера")
    http = client_logged_in(client)

    def fill(count):
        for _ in range(count):
            ticket = make_ticket(client)
            message = make_message(ticket, "Вопрос", author_kind="client", source="portal")
            attachments(ticket, message)

    fill(2)
    with django_assert_max_num_queries(12) as few:
        b"".join(http.get("/me/export/").streaming_content)
    fill(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = http.get("/me/export/")
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(json.loads(archive.read("data.json"))["tickets"]) == 22
    assert Message.objects.filter(ticket__client=client).count() == 22


def test_a_storage_failure_is_a_clear_message_not_a_500(two_clients, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tickets.export.tempfile.TemporaryFile", broken)
    http = client_logged_in(two_clients["Алексей"]["client"])

    response = http.get("/me/export/", follow=True)

    assert response.status_code == 200
    assert "Не удалось собрать архив" in response.content.decode()


def test_an_unreachable_storage_is_a_clear_message_too(two_clients, store, monkeypatch):  # noqa: F811
    class StorageDown(Exception):
        """Like botocore's EndpointConnectionError: not an OSError."""

    def down(*args, **kwargs):
        raise StorageDown("Could not connect to the endpoint URL")

    monkeypatch.setattr(store, "open", down)
    http = client_logged_in(two_clients["Алексей"]["client"])

    response = http.get("/me/export/")

    assert response.status_code == 302 and response["Location"] == "/me/"
    assert "хранилище файлов сейчас недоступно" in http.get("/me/").content.decode()
