from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from delivery.admin import JobAdmin

from . import refusals
from .models import InboundEvent, OutboxJob


@admin.register(OutboxJob)
class OutboxJobAdmin(JobAdmin):
    """The Bitrix channel's part of the outbox, by ticket."""

    list_display = ["id", "ticket_id", "kind_label", "state_badge", "attempts", "next_attempt_at",
                    "short_error", "created_at", "done_at"]
    list_filter = ["state", "kind"]
    search_fields = ["=ticket__id", "last_error"]

    def changelist_view(self, request, extra_context=None):
        if line := refusals.status_line():  # the one line that explains why nothing moves
            messages.warning(request, line)
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("что"), ordering="kind")
    def kind_label(self, obj):
        return obj.get_kind_display()


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    list_display = ["received_at", "channel", "action", "ticket_id", "status_code", "event_id",
                    "short_error", "remote_addr"]
    list_filter = ["channel", "status_code", "action"]
    search_fields = ["=ticket__id", "event_id", "body", "error"]
    date_hierarchy = "received_at"
    readonly_fields = [f.name for f in InboundEvent._meta.fields]

    @admin.display(description=_("ошибка"))
    def short_error(self, obj):
        return obj.error[:120]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
