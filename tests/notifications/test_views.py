"""/notifications/, the unlink button, the hint on the list and card, the manager's admin page."""

import pytest
import responses
from django.test import Client as HttpClient

from notifications import services
from notifications.models import ClientPreference, LinkToken, TelegramChat

pytestmark = pytest.mark.django_db


def test_the_page_needs_a_logged_in_client(client):
    response = client.get("/notifications/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_page_shows_a_one_time_deep_link_when_not_linked(logged_in, portal_client):
    page = logged_in.get("/notifications/").content.decode()

    assert "Telegram не привязан" in page
    assert 'href="https://t.me/portal_test_bot?start=' in page
    assert LinkToken.objects.get().client == portal_client
    assert "15 минут" in page


def test_a_linked_chat_is_shown_with_an_unlink_button_that_works(logged_in, portal_client):
    TelegramChat.objects.create(chat_id=1, client=portal_client, username="alexey")
    page = logged_in.get("/notifications/").content.decode()
    assert "Telegram привязан (@alexey)" in page and "t.me/" not in page

    response = logged_in.post("/notifications/telegram/unlink/")

    assert response.status_code == 302 and not TelegramChat.objects.exists()


def test_unlink_is_post_only(logged_in):
    assert logged_in.get("/notifications/telegram/unlink/").status_code == 405


def test_the_channel_choice_is_saved(logged_in, portal_client):
    logged_in.post("/notifications/", {"channel": "off"})

    assert ClientPreference.objects.get(client=portal_client).channel == "off"
    assert 'value="off" checked' in logged_in.get("/notifications/").content.decode()


def test_a_wrong_channel_choice_is_refused(logged_in, portal_client):
    logged_in.post("/notifications/", {"channel": "pigeon"})

    assert not ClientPreference.objects.exists()


def test_the_page_works_when_telegram_is_off(logged_in, settings):
    settings.TELEGRAM_BOT_TOKEN = ""

    page = logged_in.get("/notifications/").content.decode()

    assert "пока не подключён" in page and not LinkToken.objects.exists()


def test_queries_on_the_page_are_flat(logged_in, portal_client, make_ticket, settings,
                                      django_assert_max_num_queries):
    settings.CLIENT_TICKETS_HOURLY_LIMIT = 100
    logged_in.get("/notifications/")
    with django_assert_max_num_queries(8) as few:
        logged_in.get("/notifications/")
    for _ in range(20):
        make_ticket(portal_client)
    TelegramChat.objects.create(chat_id=1, client=portal_client)
    with django_assert_max_num_queries(len(few.captured_queries)):
        logged_in.get("/notifications/")


def test_the_list_and_card_tell_an_unlinked_client_about_notifications(
        logged_in, portal_client, make_ticket):
    ticket = make_ticket(portal_client)
    for path in ("/tickets/", f"/tickets/{ticket.pk}/"):
        assert 'id="notifications-hint"' in logged_in.get(path).content.decode(), path

    TelegramChat.objects.create(chat_id=1, client=portal_client)
    for path in ("/tickets/", f"/tickets/{ticket.pk}/"):
        assert 'id="notifications-hint"' not in logged_in.get(path).content.decode(), path


def test_a_manager_gets_their_own_deep_link_in_admin(django_user_model):
    user = django_user_model.objects.create_user("irina", is_staff=True)
    http = HttpClient()
    http.force_login(user)

    assert "/admin/notifications/telegram-link/" in http.get("/admin/").content.decode()
    page = http.get("/admin/notifications/telegram-link/").content.decode()

    assert 'href="https://t.me/portal_test_bot?start=' in page
    assert LinkToken.objects.get().user == user


def test_the_manager_page_is_for_staff_only(logged_in):
    response = logged_in.get("/admin/notifications/telegram-link/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_no_page_calls_telegram(logged_in, portal_client, make_ticket, make_message):
    """While Telegram is down pages answer as when it is up: they never call it."""
    TelegramChat.objects.create(chat_id=1, client=portal_client)
    ticket = make_ticket(portal_client)
    with responses.RequestsMock():  # any HTTP call would raise ConnectionError here
        make_message(ticket, "Ответ менеджера")
        assert logged_in.post(f"/tickets/{ticket.pk}/comment/", {"text": "Спасибо"}).status_code == 302
        assert logged_in.get(f"/tickets/{ticket.pk}/").status_code == 200
        assert logged_in.get("/notifications/").status_code == 200


def test_a_linked_manager_chooses_the_departments_they_hear_of(django_user_model, department):
    user = django_user_model.objects.create_user("irina", is_staff=True)
    services.telegram_link(token=services.link_token_issue(user=user), chat_id=77)
    http = HttpClient()
    http.force_login(user)
    assert "Техническая поддержка" in http.get("/admin/notifications/telegram-link/").content.decode()

    http.post("/admin/notifications/telegram-link/", {"action": "departments",
                                                       "departments": [department.pk]})

    assert list(TelegramChat.objects.get(user=user).departments.all()) == [department]
    http.post("/admin/notifications/telegram-link/", {})
    assert not TelegramChat.objects.exists()
