from django.core.management.base import BaseCommand, CommandError

from bitrix_integration.client import BitrixError
from bitrix_integration.reconcile import reconcile


class Command(BaseCommand):
    help = ("Сверка с Битрикс24 (для cron): стадии и комментарии, изменённые с прошлого запуска, "
            "которые не принесли события.")

    def handle(self, *args, **options):
        try:
            line = reconcile()
        except BitrixError as exc:
            raise CommandError(f"Битрикс24 не ответил: {exc}", returncode=2) from exc
        self.stdout.write(line or "Битрикс24 выключен: BITRIX_WEBHOOK_URL не задан.")
