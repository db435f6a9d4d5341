from django.core.management.base import BaseCommand

from tickets.sla import sla_recalculate


class Command(BaseCommand):
    help = ("Пересчитывает сроки SLA открытых заявок по текущим срокам и производственному "
            "календарю (после их изменения в админке).")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="заявок за один проход")

    def handle(self, *args, batch, **options):
        def progress(seen):
            if options["verbosity"] > 1:
                self.stderr.write(f"… {seen}")

        seen, changed = sla_recalculate(batch=max(1, batch), progress=progress)
        self.stdout.write(f"SLA пересчитан: открытых заявок {seen}, сроки изменились у {changed}.")
