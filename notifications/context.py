"""``telegram_hint`` for the client pages: the ticket list and card tell a client who
has not linked Telegram that notifications exist. Lazy: asks the database only on
the pages that show it, and only when the bot is configured."""

from django.conf import settings

from .models import TelegramChat


class TelegramHint:
    def __init__(self, request):
        self.request = request

    @property
    def show(self) -> bool:
        client = getattr(self.request, "client", None)
        if not (client and settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_BOT_USERNAME):
            return False
        if not hasattr(self, "_linked"):
            self._linked = TelegramChat.objects.filter(client=client).exists()
        return not self._linked


def telegram_hint(request):
    return {"telegram_hint": TelegramHint(request)}
