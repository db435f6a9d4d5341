from django.apps import AppConfig
from django.db.models.signals import post_save


class BitrixIntegrationConfig(AppConfig):
    name = "bitrix_integration"
    verbose_name = "Битрикс24"
    # What the «Менеджеры» group may do here (see tickets.permissions).
    manager_permissions = ("view_outboxjob", "change_outboxjob", "view_inboundevent")

    def ready(self):
        from tickets.models import Message, StatusChange, Ticket
        from tickets.signals import description_files_stored

        from . import checks, receivers  # noqa: F401  (checks register themselves)

        post_save.connect(receivers.ticket_saved, sender=Ticket,
                          dispatch_uid="bitrix_ticket_saved")
        post_save.connect(receivers.message_saved, sender=Message,
                          dispatch_uid="bitrix_message_saved")
        description_files_stored.connect(receivers.description_files_stored, sender=Ticket,
                                         dispatch_uid="bitrix_description_files_stored")
        post_save.connect(receivers.status_change_saved, sender=StatusChange,
                          dispatch_uid="bitrix_status_change_saved")
