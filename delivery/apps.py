from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = "Доставка"
    # What the «Менеджеры» group may do here (see tickets.permissions): read the
    # queue of every channel, and retry («Отправить снова» needs change).
    manager_permissions = ("view_job", "change_job", "view_pause")
