"""«Мои данные» in Chromium: the header link, the one-click ZIP, and asking for erasure
(with its confirmation step), without JavaScript of ours and without accessibility faults."""

import json
import zipfile

import pytest
from playwright.sync_api import expect

from tickets import services
from tickets.models import Client, ErasureRequest

from .a11y import serious_violations
from .helpers import CLIENT_PHONE_E164

pytestmark = pytest.mark.browser


def test_client_downloads_their_data_and_asks_for_erasure(page, log_in, catalog, make_client,
                                                         tmp_path):
    stranger = make_client(phone="+79997654321", name="Борис")
    services.ticket_create(client=stranger, title="Чужая заявка", description="Не ваше",
                           department=catalog["support"], criticality="normal")
    log_in(page)
    me = Client.objects.get(phone=CLIENT_PHONE_E164)
    services.ticket_create(client=me, title="Принтер пишет ошибку", description="E-05",
                           department=catalog["support"], criticality="high")

    page.get_by_role("link", name="Мои данные").click()
    page.wait_for_url("**/me/")
    expect(page.locator("#tickets-count")).to_have_text("1")
    assert not serious_violations(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать архив").click()
    archive_path = tmp_path / "my-data.zip"
    download_info.value.save_as(archive_path)
    with zipfile.ZipFile(archive_path) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["client"]["phone"] == CLIENT_PHONE_E164
    assert [t["title"] for t in data["tickets"]] == ["Принтер пишет ошибку"]
    assert "Чужая" not in json.dumps(data, ensure_ascii=False)

    page.get_by_role("link", name="Попросить удалить данные").click()
    page.wait_for_url("**/me/erase/")
    assert not serious_violations(page)
    page.get_by_role("button", name="Отправить запрос на удаление").click()
    expect(page.locator(".field__error")).to_contain_text("Отметьте, что вы понимаете")
    assert not ErasureRequest.objects.exists()

    page.get_by_label("Я понимаю").check()
    page.get_by_role("button", name="Отправить запрос на удаление").click()
    page.wait_for_url("**/me/")
    expect(page.locator("#erase-status")).to_contain_text("Вы попросили удалить данные")
    assert ErasureRequest.objects.get().client == me
