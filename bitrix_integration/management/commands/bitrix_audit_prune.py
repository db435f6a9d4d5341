from django.core.management.base import BaseCommand

from bitrix_integration.ops import audit_prune


class Command(BaseCommand):
    help = ("Удаляет входящие вызовы Битрикс24 (журнал) старше BITRIX_AUDIT_DAYS дней; "
            "для cron. Одна строка итога.")

    def handle(self, *args, **options):
        self.stdout.write(audit_prune() or "Битрикс24: старых входящих вызовов нет.")
