from django.core.management.base import BaseCommand, CommandError

from bitrix_integration.client import BitrixError
from bitrix_integration.ops import lead_stages


class Command(BaseCommand):
    help = "Стадии лидов или сделок портала (crm.status.list) — чтобы заполнить BITRIX_STATUS_MAP."

    def handle(self, *args, **options):
        try:
            stages = lead_stages()
        except BitrixError as exc:
            raise CommandError(f"Битрикс24 не ответил: {exc}", returncode=2) from exc
        deals = bool(stages) and stages[0]["ENTITY"] == "DEAL"
        self.stdout.write("Стадии сделок (воронка 0):" if deals else "Стадии лидов:")
        for stage in stages:
            self.stdout.write(f"{stage['STATUS_ID']:<16} {stage['SEMANTICS']:<8} {stage['NAME']}")
        self.stdout.write("Пример: BITRIX_STATUS_MAP=in_progress=EXECUTING,resolved=WON" if deals
                          else "Пример: BITRIX_STATUS_MAP=new=NEW,in_progress=IN_PROCESS,"
                          "resolved=CONVERTED")
