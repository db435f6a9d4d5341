"""Files through the client pages: attaching them, seeing them, and who may download them."""

import pytest

from tests.helpers import client_logged_in
from tests.tickets.data_fixtures import many_files
from tickets.models import Attachment, Message, Ticket

from .files_helpers import docx_bytes, exe_bytes, has_gps, png_upload, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(portal_client, make_ticket):
    return make_ticket(portal_client)


def _html(response):
    return response.content.decode()



def _attach(ticket, *files, internal=False, author_kind=Message.AuthorKind.CLIENT):
    from tickets import services
    return services.message_add(ticket=ticket, author_kind=author_kind, text="Файлы",
                                source=Message.Source.PORTAL if not internal
                                else Message.Source.ADMIN, is_internal=internal, files=files)


def test_the_forms_take_files(logged_in, ticket):
    for path in ("/tickets/new/", f"/tickets/{ticket.pk}/"):
        html = _html(logged_in.get(path))
        assert 'enctype="multipart/form-data"' in html
        assert 'type="file" name="files"' in html and "multiple" in html


def test_a_comment_with_a_screenshot_shows_its_thumbnail(logged_in, ticket):
    response = logged_in.post(f"/tickets/{ticket.pk}/comment/",
                              {"text": "Вот ошибка", "files": [png_upload("экран.png")]},
                              follow=True)
    attachment = Attachment.objects.get()
    html = _html(response)
    assert f'src="/attachments/{attachment.pk}/thumb/"' in html
    assert f'href="/attachments/{attachment.pk}/"' in html and "экран.png" in html
    assert not has_gps(attachment.file.read())


def test_a_refused_file_is_named_next_to_the_field_and_the_text_stays(logged_in, ticket):
    response = logged_in.post(f"/tickets/{ticket.pk}/comment/",
                              {"text": "Мой длинный текст", "files": [upload("чек.pdf", exe_bytes())]})
    html = _html(response)
    assert response.status_code == 400
    assert 'id="id_files_error">Файл «чек.pdf»: это программа' in html
    assert "Мой длинный текст</textarea>" in html
    assert not Message.objects.exists()


def test_a_new_ticket_with_files_keeps_them_on_the_description(logged_in, department):
    response = logged_in.post("/tickets/new/", {
        "title": "Принтер", "description": "Ошибка E-05", "criticality": "normal",
        "department": department.pk, "files": [png_upload(), upload("a.docx", docx_bytes())]},
        follow=True)
    ticket = Ticket.objects.get()
    assert Attachment.objects.filter(ticket=ticket, message=None).count() == 2
    assert "a.docx" in _html(response)


def test_a_refused_file_on_a_new_ticket_keeps_what_was_typed(logged_in, department):
    response = logged_in.post("/tickets/new/", {
        "title": "Принтер сломался", "description": "Подробности", "criticality": "normal",
        "department": department.pk, "files": [upload("x.jpg", exe_bytes())]})
    assert response.status_code == 400
    assert 'id="id_files_error"' in _html(response)
    assert 'value="Принтер сломался"' in _html(response)
    assert not Ticket.objects.exists()


def test_the_owner_downloads_with_safe_headers(logged_in, ticket):
    message = _attach(ticket, upload("Отчёт за май.docx", docx_bytes()))
    attachment = message.attachments.get()
    response = logged_in.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == docx_bytes()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%D0%9E%D1%82%D1%87%D1%91%D1%82" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_an_image_opens_inline_and_its_thumbnail_is_a_jpeg(logged_in, ticket):
    attachment = _attach(ticket, png_upload()).attachments.get()
    response = logged_in.get(f"/attachments/{attachment.pk}/")
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Type"] == "image/png"
    thumb = logged_in.get(f"/attachments/{attachment.pk}/thumb/")
    assert thumb["Content-Type"] == "image/jpeg"
    assert b"".join(thumb.streaming_content).startswith(b"\xff\xd8")


def test_another_client_gets_404(ticket, make_client):
    attachment = _attach(ticket, png_upload()).attachments.get()
    stranger = client_logged_in(make_client())
    assert stranger.get(f"/attachments/{attachment.pk}/").status_code == 404
    assert stranger.get(f"/attachments/{attachment.pk}/thumb/").status_code == 404


def test_an_internal_notes_file_is_404_for_the_client(logged_in, ticket):
    note = _attach(ticket, upload("internal.docx", docx_bytes()), internal=True,
                   author_kind=Message.AuthorKind.MANAGER)
    attachment = note.attachments.get()
    assert logged_in.get(f"/attachments/{attachment.pk}/").status_code == 404
    assert "internal.docx" not in _html(logged_in.get(f"/tickets/{ticket.pk}/"))


def test_a_visitor_is_sent_to_log_in(client, ticket):
    attachment = _attach(ticket, png_upload()).attachments.get()
    response = client.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_removed_file_is_404(logged_in, ticket):
    attachment = _attach(ticket, png_upload()).attachments.get()
    Attachment.objects.filter(pk=attachment.pk).update(removed_at="2026-01-01T00:00:00Z")
    assert logged_in.get(f"/attachments/{attachment.pk}/").status_code == 404


def test_files_are_not_under_static_or_media_urls(settings):
    assert settings.STORAGES["attachments"]["OPTIONS"]["base_url"] is None
    assert not str(settings.ATTACHMENTS_DIR).startswith(str(settings.STATIC_ROOT))


def test_the_card_query_count_stays_flat_with_200_files(logged_in, ticket,
                                                        django_assert_max_num_queries):
    many_files(ticket)
    with django_assert_max_num_queries(8) as captured:
        response = logged_in.get(f"/tickets/{ticket.pk}/")
    assert response.content.decode().count("/thumb/") == 200
    assert len(captured) <= 8


FILES_AGAIN = "выберите файлы ещё раз"


def test_good_files_dropped_by_another_fields_error_are_asked_for_again(logged_in, ticket,
                                                                        department):
    # A browser cannot keep chosen files across a re-rendered form: when the title is
    # missing (or the reply too long), the client must learn the files were not kept.
    new = logged_in.post("/tickets/new/", {"title": "", "description": "Не печатает",
                                           "department": department.pk,
                                           "files": [png_upload("экран.png")]})
    too_long = logged_in.post(f"/tickets/{ticket.pk}/comment/",
                              {"text": "я" * 20001, "files": [png_upload("экран.png")]})
    without_files = logged_in.post("/tickets/new/", {"title": "", "description": "Текст",
                                                     "department": department.pk})

    assert new.status_code == too_long.status_code == 400
    assert FILES_AGAIN in _html(new) and FILES_AGAIN in _html(too_long)
    assert FILES_AGAIN not in _html(without_files)
    assert not Attachment.objects.exists()
