from django.core.management.base import BaseCommand, CommandError

from bitrix_integration.diagnose import report


class Command(BaseCommand):
    help = ("Проверка вебхука Битрикс24, по строке на пункт: адрес, секрет, scope, режим CRM, "
            "права, обязательные поля, пауза очереди.")

    def handle(self, *args, **options):
        ok, lines = report()
        if not ok:
            for line in lines[:-1]:
                self.stdout.write(line)
            raise CommandError(lines[-1], returncode=2)
        for line in lines:
            self.stdout.write(line)
