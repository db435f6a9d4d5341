from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import InboundEvent, MethodPause, OutboxJob


@admin.register(OutboxJob)
class OutboxJobAdmin(admin.ModelAdmin):
    list_display = ["id", "ticket_id", "kind", "state_badge", "attempts", "next_attempt_at",
                    "short_error", "created_at", "done_at"]
    list_filter = ["state", "kind"]
    search_fields = ["=ticket__id", "last_error"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    readonly_fields = ["ticket", "message", "kind", "payload", "state", "attempts",
                       "next_attempt_at", "locked_until", "last_error", "result", "created_at",
                       "done_at"]
    list_per_page = 100

    @admin.display(description=_("состояние"), ordering="state")
    def state_badge(self, obj):
        color = {"dead": "#c62828", "pending": "#e65100", "done": "#2e7d32"}[obj.state]
        return format_html('<strong style="color:{}">{}</strong>', color, obj.get_state_display())

    @admin.display(description=_("ошибка"))
    def short_error(self, obj):
        return obj.last_error[:120]

    @admin.action(description=_("Отправить снова"), permissions=["change"])
    def retry(self, request, queryset):
        count = queryset.exclude(state=OutboxJob.State.DONE).update(
            state=OutboxJob.State.PENDING, attempts=0, next_attempt_at=timezone.now(),
            locked_until=None)
        self.message_user(request, _("Снова в очереди: %(n)d.") % {"n": count}, messages.SUCCESS)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


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


@admin.register(MethodPause)
class MethodPauseAdmin(admin.ModelAdmin):
    list_display = ["method", "until"]

    def has_add_permission(self, request):
        return False
