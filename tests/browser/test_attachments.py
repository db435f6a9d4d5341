"""Attachments in a real browser (Chromium): a client attaches a screenshot and sees its
thumbnail; the manager sees and downloads it in the admin; another client gets 404 on
its address; a renamed program is refused next to the field with the text kept; the
stored image has no EXIF GPS any more."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.tickets.files_helpers import exe_bytes, has_gps, image_bytes
from tickets import services
from tickets.models import Attachment, Client

from .a11y import serious_violations
from .helpers import CLIENT_PHONE_E164, managers_group

pytestmark = pytest.mark.browser

MANAGER_USERNAME, MANAGER_PASSWORD = "irina", "irina-browser-password"
OTHER_PHONE_TYPED, OTHER_PHONE_E164 = "8 (999) 765-43-21", "+79997654321"
BASE_PAGE_ISSUES = ("at ['.msg__head > time']", "at ['.flash']")


@pytest.fixture
def ticket(catalog):
    client = Client.objects.create(phone=CLIENT_PHONE_E164, name="Алексей")
    return services.ticket_create(client=client, title="Принтер пишет ошибку",
                                  description="На экране E-05.", department=catalog["support"])


@pytest.fixture
def screenshot(tmp_path):
    path = tmp_path / "Снимок экрана.png"
    path.write_bytes(image_bytes("PNG", size=(800, 600)))
    assert has_gps(path.read_bytes())
    return path


def test_client_attaches_a_screenshot_manager_downloads_it_stranger_gets_404(
        new_page, ticket, log_in, screenshot, tmp_path):
    client = new_page()
    log_in(client)
    client.goto(f"/tickets/{ticket.pk}/")

    # A renamed program is refused next to the field; the typed text stays.
    program = tmp_path / "счёт.pdf"
    program.write_bytes(exe_bytes())
    client.get_by_label("Сообщение").fill("Вот что на экране")
    client.get_by_label("Файлы").set_input_files(str(program))
    client.get_by_role("button", name="Отправить").click()
    expect(client.locator("#id_files_error")).to_contain_text("«счёт.pdf»: это программа")
    expect(client.get_by_label("Сообщение")).to_have_value("Вот что на экране")
    assert not Attachment.objects.exists()

    # The screenshot goes through and its thumbnail shows in the dialog.
    client.get_by_label("Файлы").set_input_files(str(screenshot))
    client.get_by_role("button", name="Отправить").click()
    client.wait_for_url(re.compile(rf"/tickets/{ticket.pk}/#last$"))
    thumb = client.locator("#dialog img.attachment__thumb")
    expect(thumb).to_have_count(1)
    expect(thumb).to_have_attribute("alt", "Изображение Снимок экрана.png")
    # It really loads: decode() waits for the image (lazy, it may still be on its way)
    # and fails on a broken one.
    assert thumb.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    # The card's own issues (time stamps' contrast, the flash list in base.html) are the
    # restyle's to fix; the files' markup and the files field must add none.
    found = serious_violations(client)
    assert [v for v in found if not v.endswith(BASE_PAGE_ISSUES)] == [], found

    attachment = Attachment.objects.get()
    assert not has_gps(attachment.file.read())  # EXIF GPS gone from the stored image
    file_url = f"/attachments/{attachment.pk}/"

    # The manager sees the thumbnail in the admin dialog and downloads the file.
    manager = get_user_model().objects.create_user(
        username=MANAGER_USERNAME, password=MANAGER_PASSWORD, is_staff=True)
    manager.groups.add(managers_group())
    admin = new_page()
    admin.goto(f"/admin/tickets/ticket/{ticket.pk}/change/")
    admin.get_by_label("Имя пользователя").fill(MANAGER_USERNAME)
    admin.get_by_label("Пароль").fill(MANAGER_PASSWORD)
    admin.get_by_role("button", name="Войти").click()
    admin.wait_for_url(re.compile(rf"/admin/tickets/ticket/{ticket.pk}/change/$"))
    admin_thumb = admin.locator(".field-dialog img.ticket-files__thumb")
    expect(admin_thumb).to_have_count(1)
    assert admin_thumb.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    answer = admin.request.get(f"/admin/tickets/ticket/attachments/{attachment.pk}/")
    assert answer.status == 200 and answer.body() == attachment.file.open("rb").read()
    assert answer.headers["x-content-type-options"] == "nosniff"

    # Another client, logged in, gets 404 on the file's address.
    Client.objects.create(phone=OTHER_PHONE_E164, name="Борис")
    stranger = new_page()
    log_in(stranger, phone=OTHER_PHONE_TYPED, phone_e164=OTHER_PHONE_E164)
    assert stranger.request.get(file_url).status == 404
    assert stranger.goto(file_url).status == 404
    assert client.request.get(file_url).status == 200
