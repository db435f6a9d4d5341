from django.apps import AppConfig
from django.db.models.signals import post_save


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Уведомления"
    # What the «Менеджеры» group may do here (see tickets.permissions).
    manager_permissions = ("view_notification", "view_telegramchat")

    def ready(self):
        from tickets.models import Message, SlaBreach, StatusChange, Ticket
        from tickets.signals import client_erased, sla_breach_recorded

        from . import checks, receivers  # noqa: F401  (checks register themselves)

        post_save.connect(receivers.ticket_saved, sender=Ticket,
                          dispatch_uid="notifications_ticket_saved")
        post_save.connect(receivers.message_saved, sender=Message,
                          dispatch_uid="notifications_message_saved")
        post_save.connect(receivers.status_change_saved, sender=StatusChange,
                          dispatch_uid="notifications_status_change_saved")
        client_erased.connect(receivers.client_erased, dispatch_uid="notifications_client_erased")
        sla_breach_recorded.connect(receivers.sla_breach_recorded, sender=SlaBreach,
                                    dispatch_uid="notifications_sla_breach")
