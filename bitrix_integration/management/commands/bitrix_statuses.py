from django.core.management.base import BaseCommand, CommandError

from bitrix_integration.client import BitrixError
from bitrix_integration.ops import lead_stages


class Command(BaseCommand):
    help = "Стадии лидов портала (crm.status.list) — чтобы заполнить BITRIX_STATUS_MAP."

    def handle(self, *args, **options):
        try:
            stages = lead_stages()
        except BitrixError as exc:
            raise CommandError(f"Битрикс24 не ответил: {exc}", returncode=2) from exc
        for stage in stages:
            self.stdout.write(f"{stage['STATUS_ID']:<16} {stage['SEMANTICS']:<8} {stage['NAME']}")
        self.stdout.write("Пример: BITRIX_STATUS_MAP=new=NEW,in_progress=IN_PROCESS,"
                          "resolved=CONVERTED")
