from django.core.management.base import BaseCommand

from tickets.sla import escalation


class Command(BaseCommand):
    help = ("Отмечает нарушенные сроки SLA открытых заявок и уведомляет исполнителя и "
            "руководителя отдела, по одному разу на нарушение. Для cron: раз в минуту.")

    def handle(self, *args, **options):
        self.stdout.write(escalation.summary(escalation.sla_escalate()))
