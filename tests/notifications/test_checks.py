from notifications.checks import telegram_settings


def test_a_token_without_the_rest_warns_for_each_missing_setting(settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    settings.PORTAL_BASE_URL = ""

    assert [w.id for w in telegram_settings(None)] == ["notifications.W002", "notifications.W003"]


def test_no_token_no_warning(settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    settings.TELEGRAM_BOT_USERNAME = ""

    assert telegram_settings(None) == []


def test_complete_settings_are_quiet(settings):
    assert telegram_settings(None) == []
