from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Заявки"

    def ready(self):
        from . import checks  # noqa: F401  (registers system checks)
