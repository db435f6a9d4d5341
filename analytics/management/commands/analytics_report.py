import csv
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from analytics import selectors
from analytics.formatting import duration_ru
from analytics.rows import flat_rows


class Command(BaseCommand):
    help = "Аналитика поддержки за период: таблица, JSON или CSV."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="ГГГГ-ММ-ДД (по умолчанию 30 дней назад)")
        parser.add_argument("--to", dest="end", help="ГГГГ-ММ-ДД (по умолчанию сегодня)")
        parser.add_argument("--department", help="отдел: код (slug), название или id; "
                                                  "по умолчанию все отделы")
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")

    def handle(self, *args, **options):
        try:
            period = selectors.period_parse(options["start"], options["end"],
                                            department=options["department"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        data = selectors.report(period)
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        elif options["format"] == "csv":
            writer = csv.writer(self.stdout)
            writer.writerow(["section", "key", "value"])
            writer.writerows(flat_rows(data))
        else:
            for section, key, value in flat_rows(data):
                if value == "":
                    value = "—"
                elif key.endswith("_seconds"):
                    value = f"{value} ({duration_ru(float(value))})"
                self.stdout.write(f"{section:<14} {key:<36} {value}")
