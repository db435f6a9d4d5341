from django.apps import AppConfig


class SupportPortalConfig(AppConfig):
    """The project package as an app: only to register the project's system checks."""

    name = "supportportal"
    verbose_name = "Портал поддержки"

    def ready(self):
        from . import checks  # noqa: F401  (registers system checks)
