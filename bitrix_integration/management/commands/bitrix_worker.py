import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from bitrix_integration import worker

IDLE_SECONDS = 2.0
CONFIG_ERROR_PAUSE_SECONDS = 60.0


class Command(BaseCommand):
    help = "Доставляет очередь в Битрикс24 в цикле; останавливается по SIGTERM/SIGINT."

    def handle(self, *args, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write("Битрикс24: воркер запущен.")
        # One limiter for the whole run: a new one per pass would let the first
        # request of a pass follow the last one of the previous pass too soon.
        limiter = worker.RateLimiter(settings.BITRIX_RATE_PER_SECOND)
        while not stop.is_set():
            summary = worker.deliver(limiter=limiter)
            if summary.sent or summary.failed or summary.config_error:
                self.stdout.write(summary.line())
            wait = CONFIG_ERROR_PAUSE_SECONDS if summary.config_error else IDLE_SECONDS
            due = worker.next_due_in()
            if due is not None and not summary.config_error:
                wait = min(max(due, 0.2), IDLE_SECONDS)
            stop.wait(wait)
        self.stdout.write("Битрикс24: воркер остановлен.")
