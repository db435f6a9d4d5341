from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Аналитика"

    def ready(self):
        from .statistics import analyze_sqlite

        # Sent per app with models (this one has none): once a migrate, after the tickets'.
        post_migrate.connect(analyze_sqlite, sender=apps.get_app_config("tickets"),
                             dispatch_uid="analytics.analyze_sqlite")
