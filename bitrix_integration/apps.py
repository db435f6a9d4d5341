from django.apps import AppConfig


class BitrixIntegrationConfig(AppConfig):
    name = "bitrix_integration"
    verbose_name = "Битрикс24"
