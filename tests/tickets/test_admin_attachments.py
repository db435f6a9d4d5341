"""Files in the manager's workspace: the reply box takes them, the dialog shows them,
and downloads need the right to see tickets."""

import pytest
from django.contrib.auth import get_user_model

from tests.tickets.data_fixtures import many_files
from tickets import services
from tickets.models import Attachment, Message

from .admin_helpers import change_url, logged_in_as
from .files_helpers import docx_bytes, exe_bytes, pdf_bytes, png_upload, upload
from .test_admin_workspace import rendered_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(portal_client, make_ticket):
    return make_ticket(portal_client, title="Не печатаются счета")


def _client_file(ticket, *files):
    return services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT, text="См.",
                                source=Message.Source.PORTAL, files=files)


def test_the_change_form_is_multipart_with_a_files_field(manager_client, ticket):
    html = manager_client.get(change_url(ticket)).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="reply_files"' in html and "multiple" in html


def test_a_reply_with_a_pdf_reaches_the_dialog(manager_client, ticket):
    data = {**rendered_form_data(manager_client, ticket), "reply_text": "Инструкция во вложении",
            "reply_files": [upload("Инструкция.pdf", pdf_bytes())], "_continue": "1"}
    response = manager_client.post(change_url(ticket), data, follow=True)
    message = Message.objects.get(ticket=ticket, author_kind=Message.AuthorKind.MANAGER)
    attachment = message.attachments.get()
    assert attachment.name == "Инструкция.pdf"
    assert f"/admin/tickets/ticket/attachments/{attachment.pk}/" in response.content.decode()


def test_files_alone_make_a_reply(manager_client, ticket):
    data = {**rendered_form_data(manager_client, ticket), "reply_files": [png_upload()],
            "_save": "1"}
    assert manager_client.post(change_url(ticket), data).status_code == 302
    assert Message.objects.get(author_kind="manager").text == "📎 screen.png"


def test_a_refused_file_is_shown_next_to_the_field_and_the_reply_is_kept(manager_client,
                                                                         ticket):
    data = {**rendered_form_data(manager_client, ticket), "reply_text": "Мой ответ клиенту",
            "reply_files": [upload("setup.pdf", exe_bytes())], "_save": "1"}
    response = manager_client.post(change_url(ticket), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "это программа" in form.errors["reply_files"][0]
    assert "Мой ответ клиенту" in response.content.decode()
    assert not Message.objects.exists()


def test_good_files_dropped_by_the_replys_error_are_asked_for_again(manager_client, ticket):
    # The browser keeps no chosen files across the re-rendered card: say so.
    data = {**rendered_form_data(manager_client, ticket), "reply_text": "я" * 10_001,
            "reply_files": [png_upload()], "_reply": "send"}
    response = manager_client.post(change_url(ticket), data)
    assert response.status_code == 200
    assert "выберите файлы ещё раз" in response.content.decode()
    assert not Message.objects.exists()


def test_the_dialog_shows_thumbnails_and_description_files(manager_client, ticket):
    _client_file(ticket, png_upload())
    Attachment.objects.create(ticket=ticket, name="desc.docx", content_type="x", size=1,
                              file="x/desc.docx")
    html = manager_client.get(change_url(ticket)).content.decode()
    attachment = Attachment.objects.get(name="screen.png")
    assert f"/admin/tickets/ticket/attachments/{attachment.pk}/thumb/" in html
    assert "desc.docx" in html


def test_a_manager_downloads_a_clients_file(manager_client, ticket):
    attachment = _client_file(ticket, upload("отчёт.docx", docx_bytes())).attachments.get()
    response = manager_client.get(f"/admin/tickets/ticket/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == docx_bytes()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


def test_staff_without_the_right_to_see_tickets_gets_403(ticket):
    attachment = _client_file(ticket, png_upload()).attachments.get()
    user = get_user_model().objects.create_user(username="intern", is_staff=True)
    response = logged_in_as(user).get(f"/admin/tickets/ticket/attachments/{attachment.pk}/")
    assert response.status_code == 403


def test_a_visitor_is_sent_to_the_admin_login(client, ticket):
    attachment = _client_file(ticket, png_upload()).attachments.get()
    response = client.get(f"/admin/tickets/ticket/attachments/{attachment.pk}/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_card_query_count_stays_flat_with_200_files(manager_client, ticket,
                                                              django_assert_max_num_queries):
    many_files(ticket)
    manager_client.get(change_url(ticket))  # warm caches (content types, permissions)
    with django_assert_max_num_queries(30):
        html = manager_client.get(change_url(ticket)).content.decode()
    assert html.count("/thumb/") == 200
