import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications import services
from notifications.models import LinkToken, TelegramChat, TelegramUpdate

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_hashed_and_links_its_client_once(portal_client):
    token = services.link_token_issue(client=portal_client)

    stored = LinkToken.objects.get()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    chat = services.telegram_link(token=token, chat_id=1, username="alexey")
    assert chat.client == portal_client
    with pytest.raises(ValidationError):
        services.telegram_link(token=token, chat_id=2)


def test_a_token_lasts_15_minutes(portal_client):
    token = services.link_token_issue(client=portal_client)
    LinkToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(ValidationError):
        services.telegram_link(token=token, chat_id=1)
    assert not TelegramChat.objects.exists()


def test_the_deep_link_names_the_bot(portal_client):
    assert services.deep_link("abc") == "https://t.me/portal_test_bot?start=abc"


def test_a_new_link_replaces_the_old_chat_and_a_chat_has_one_owner(portal_client, make_client):
    services.telegram_link(token=services.link_token_issue(client=portal_client), chat_id=1)
    services.telegram_link(token=services.link_token_issue(client=portal_client), chat_id=2)
    other = make_client()
    services.telegram_link(token=services.link_token_issue(client=other), chat_id=2)

    assert list(TelegramChat.objects.values_list("chat_id", "client")) == [(2, other.pk)]


def test_unlink(portal_client):
    services.telegram_link(token=services.link_token_issue(client=portal_client), chat_id=1)

    assert services.telegram_unlink(client=portal_client) is True
    assert services.telegram_unlink(client=portal_client) is False


def test_housekeeping_forgets_spent_tokens_and_old_updates(portal_client):
    services.link_token_issue(client=portal_client)
    LinkToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    TelegramUpdate.objects.create(update_id=1, received_at=timezone.now() - timedelta(days=3))
    TelegramUpdate.objects.create(update_id=2)

    line = services.housekeeping_prune()

    assert line == "Уведомления: удалено ссылок 1, обновлений 1, диалогов 0"
    assert list(TelegramUpdate.objects.values_list("update_id", flat=True)) == [2]
    assert services.housekeeping_prune() == ""


def test_a_managers_departments_ignore_values_that_are_no_id(django_user_model, department):
    user = django_user_model.objects.create_user(username="irina", is_staff=True)
    chat = TelegramChat.objects.create(chat_id=777, user=user)

    services.manager_departments_set(user=user, department_ids=["²", "9" * 25, str(department.pk)])

    assert list(chat.departments.all()) == [department]
