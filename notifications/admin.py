from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Notification, TelegramChat


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Every notification: to whom, through what, and how it went (its delivery job too)."""

    list_display = ["id", "created_at", "event", "channel", "recipient", "ticket_id", "state",
                    "job_state", "short_error", "sent_at"]
    list_filter = ["state", "channel", "event"]
    list_select_related = ["client", "user", "job"]
    search_fields = ["=ticket__id", "address", "text"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]
    list_per_page = 100

    @admin.display(description=_("кому"))
    def recipient(self, obj):
        return obj.client or obj.user or obj.address

    @admin.display(description=_("доставка"))
    def job_state(self, obj):
        return obj.job.get_state_display() if obj.job else "—"

    @admin.display(description=_("ошибка"))
    def short_error(self, obj):
        return (obj.error or (obj.job.last_error if obj.job else ""))[:120]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TelegramChat)
class TelegramChatAdmin(admin.ModelAdmin):
    list_display = ["chat_id", "client", "user", "username", "linked_at"]
    list_select_related = ["client", "user"]
    search_fields = ["=chat_id", "username", "client__phone", "user__username"]
    filter_horizontal = ["departments"]
    readonly_fields = ["chat_id", "client", "user", "username", "linked_at"]

    def has_add_permission(self, request):
        return False
