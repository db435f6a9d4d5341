from django.apps import AppConfig, apps
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Аналитика"

    def ready(self):
        from tickets.api.openapi import register_paths

        from . import openapi
        from .selectors.percentiles import register_sqlite_percentile
        from .statistics import analyze_sqlite

        register_paths(openapi.PATHS)
        # Sent per app with models (this one has none): once a migrate, after the tickets'.
        post_migrate.connect(analyze_sqlite, sender=apps.get_app_config("tickets"),
                             dispatch_uid="analytics.analyze_sqlite")
        connection_created.connect(register_sqlite_percentile,
                                   dispatch_uid="analytics.register_sqlite_percentile")
