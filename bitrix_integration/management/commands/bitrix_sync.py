from django.core.management.base import BaseCommand, CommandError

from bitrix_integration import worker


class Command(BaseCommand):
    help = ("Один проход доставки очереди в Битрикс24 (для cron). Код выхода: 0 — всё "
            "доставлено, 1 — были ошибки (повтор позже или не доставлено), 2 — ошибка настройки.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="один проход (так и работает)")
        parser.add_argument("--max-jobs", type=int, default=None)

    def handle(self, *args, **options):
        summary = worker.deliver(max_jobs=options["max_jobs"])
        self.stdout.write(summary.line())
        if summary.config_error:
            raise CommandError(summary.config_error, returncode=2)
        if summary.failed:
            raise CommandError(f"ошибок: {summary.failed}", returncode=1)
