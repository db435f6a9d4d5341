from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tickets.admin.wording import RussianMessages

from .models import Chore, Job, Pause
from .services import job_retry


class JobAdmin(RussianMessages, admin.ModelAdmin):
    """The outbox as operators read it: what waits, what failed and why, and a retry."""

    list_display = ["id", "channel", "key", "kind", "state_badge", "attempts", "next_attempt_at",
                    "short_error", "created_at", "done_at"]
    list_filter = ["state", "channel", "kind"]
    search_fields = ["=ticket__id", "key", "last_error"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    readonly_fields = ["channel", "key", "ticket", "kind", "payload", "state", "attempts",
                       "next_attempt_at", "locked_until", "uncertain_until", "last_error",
                       "result", "created_at", "done_at"]
    list_per_page = 100

    class Media:
        css = {"all": ["delivery/admin.css"]}

    @admin.display(description=_("состояние"), ordering="state")
    def state_badge(self, obj):
        return format_html('<span class="delivery-state delivery-state-{}">{}</span>',
                           obj.state, obj.get_state_display())

    @admin.display(description=_("ошибка"))
    def short_error(self, obj):
        return obj.last_error[:120]

    @admin.action(description=_("Отправить снова"), permissions=["change"])
    def retry(self, request, queryset):
        count = job_retry(queryset)
        self.message_user(request, _("Снова в очереди: %(n)d.") % {"n": count}, messages.SUCCESS)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


admin.site.register(Job, JobAdmin)


@admin.register(Pause)
class PauseAdmin(admin.ModelAdmin):
    list_display = ["channel", "scope", "until", "reason"]
    list_filter = ["channel"]

    def has_add_permission(self, request):
        return False


@admin.register(Chore)
class ChoreAdmin(admin.ModelAdmin):
    list_display = ["name", "next_run_at", "last_result"]
    readonly_fields = ["name", "next_run_at", "last_result"]

    def has_add_permission(self, request):
        return False
