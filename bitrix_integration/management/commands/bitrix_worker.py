from django.conf import settings
from django.core.management.base import BaseCommand

from bitrix_integration import worker
from bitrix_integration.models import CHANNEL
from delivery.runner import run_forever, stop_on_signals

IDLE_SECONDS = 2.0


class Command(BaseCommand):
    help = ("Доставляет очередь в Битрикс24 в цикле; останавливается по SIGTERM/SIGINT. "
            "Все каналы сразу доставляет outbox_worker.")

    def handle(self, *args, **options):
        stop = stop_on_signals()
        self.stdout.write("Битрикс24: воркер запущен.")
        # One limiter for the whole run: a new one per pass would let the first
        # request of a pass follow the last one of the previous pass too soon.
        limiter = worker.RateLimiter(settings.BITRIX_RATE_PER_SECOND)
        run_forever(lambda: [worker.deliver(limiter=limiter)], stop=stop, names=[CHANNEL],
                    write=self.stdout.write, idle_seconds=IDLE_SECONDS)
        self.stdout.write("Битрикс24: воркер остановлен.")
