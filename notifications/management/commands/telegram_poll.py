from django.core.management.base import BaseCommand, CommandError

from delivery.runner import stop_on_signals
from notifications.telegram.ops import SetupError, poll


class Command(BaseCommand):
    help = ("Для ноутбука без публичного адреса: снимает вебхук и получает сообщения боту "
            "долгим опросом (getUpdates); останавливается по SIGTERM. Ответы бота уходят "
            "через очередь доставки (outbox_worker).")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="один опрос без ожидания")

    def handle(self, *args, **options):
        stop = stop_on_signals()
        if not options["once"]:
            self.stdout.write("Telegram: опрос запущен.")
        try:
            handled = poll(stop=stop, once=options["once"])
        except SetupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Telegram: обработано сообщений {handled}.")
