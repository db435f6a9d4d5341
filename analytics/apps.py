from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Аналитика"

    def ready(self):
        from tickets.api.openapi import register_paths

        from . import openapi

        register_paths(openapi.PATHS)
