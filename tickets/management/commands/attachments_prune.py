from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tickets.services import attachments_prune


class Command(BaseCommand):
    help = ("Удаляет файлы заявок, закрытых больше ATTACHMENT_RETENTION_DAYS дней назад "
            "(для cron); одна строка итога, код 1 — не все файлы удалось удалить.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="срок вместо ATTACHMENT_RETENTION_DAYS")

    def handle(self, *args, days=None, **options):
        if days is not None and days < 0:
            raise CommandError(_("--days: число дней, 0 или больше (файлы не удалены)."))
        result = attachments_prune(days=days)
        self.stdout.write(result.summary())
        if result.failed:
            raise SystemExit(1)
