from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Заявки"
    # What the «Менеджеры» group may do here (see tickets.permissions).
    manager_permissions = (
        "view_ticket", "change_ticket", "view_message", "view_client", "change_client",
        "view_department", "view_tag", "view_statuschange", "view_onetimecode",
        "view_slabreach", "view_slatarget", "view_workschedule", "view_calendarday",
        "view_replytemplate", "add_replytemplate", "change_replytemplate",
    )

    def ready(self):
        from . import checks  # noqa: F401  (registers system checks)
        from .permissions import managers_group_sync

        post_migrate.connect(managers_group_sync, dispatch_uid="tickets_managers_group_sync")
