from django.conf import settings
from django.core.checks import Warning, register

# setting → (check id, what goes wrong without it)
NEEDED_WITH_A_TOKEN = {
    "TELEGRAM_BOT_USERNAME": ("notifications.W001", "без него клиентам не показать ссылку t.me"),
    "TELEGRAM_WEBHOOK_SECRET": ("notifications.W002",
                                "без него вебхук отвечает 401 (telegram_poll работает и так)"),
    "PORTAL_BASE_URL": ("notifications.W003", "без него в сообщениях нет ссылок на заявки"),
}


@register()
def telegram_settings(app_configs, **kwargs):
    """A bot token without what the rest of the bot needs works only half."""
    if not settings.TELEGRAM_BOT_TOKEN:
        return []
    return [Warning(f"TELEGRAM_BOT_TOKEN задан, а {name} — нет", hint=hint, id=check_id)
            for name, (check_id, hint) in NEEDED_WITH_A_TOKEN.items()
            if not getattr(settings, name)]
