from django.core.management.base import BaseCommand, CommandError

from bitrix_integration import refusals
from bitrix_integration.ops import webhook_check


class Command(BaseCommand):
    help = "Одна строка: работает ли настроенный вебхук Битрикс24 (адрес, права, scope crm)."

    def handle(self, *args, **options):
        if pause := refusals.status_line():
            self.stdout.write(pause)
        ok, line = webhook_check()
        if not ok:
            raise CommandError(line, returncode=2)
        self.stdout.write(line)
