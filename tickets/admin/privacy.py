"""Requests to erase a client's data: pending first; a user with ``tickets.erase_client``
confirms them (an action with a confirmation page), and the record stays."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import services

ERASE_PERMISSION = "tickets.erase_client"


class StateFilter(admin.SimpleListFilter):
    title = gettext_lazy("состояние")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", gettext_lazy("ждёт подтверждения")),
                ("done", gettext_lazy("выполнен"))]

    def queryset(self, request, queryset):
        if self.value() in ("pending", "done"):
            return queryset.filter(confirmed_at__isnull=self.value() == "pending")
        return queryset


class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "client_link", "requested_at", "state", "confirmed_at",
                    "confirmed_by_name"]
    list_display_links = ["pk"]
    list_filter = [StateFilter]
    list_select_related = ["client"]
    # Pending first (oldest first: they have waited longest), then the done ones, newest first.
    ordering = [F("confirmed_at").desc(nulls_first=True), "requested_at"]
    fields = ["client_link", "requested_at", "state", "confirmed_at", "confirmed_by_name",
              "summary"]
    readonly_fields = fields
    actions = ["confirm_erasure"]

    @admin.display(description=gettext_lazy("клиент"))
    def client_link(self, obj):
        url = reverse("admin:tickets_client_change", args=[obj.client_id])
        return format_html('<a href="{}">#{} {}</a>', url, obj.client_id, obj.client)

    @admin.display(description=gettext_lazy("состояние"), boolean=False)
    def state(self, obj):
        return _("ждёт подтверждения") if obj.is_pending else _("выполнен")

    def has_view_permission(self, request, obj=None):
        return (super().has_view_permission(request, obj)
                or request.user.has_perm(ERASE_PERMISSION))

    def has_add_permission(self, request):
        return False  # only the client asks, on «Мои данные»

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of an erasure is kept

    def has_erase_permission(self, request):
        return request.user.has_perm(ERASE_PERMISSION)

    @admin.action(description=gettext_lazy("Удалить данные клиентов (подтвердить запросы)"),
                  permissions=["erase"])
    def confirm_erasure(self, request, queryset):
        pending = list(queryset.filter(confirmed_at__isnull=True).select_related("client"))
        if not pending:
            self.message_user(request, _("Среди выбранных нет запросов, ждущих подтверждения."),
                              messages.WARNING)
            return None
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(request, "admin/tickets/erasurerequest/confirm.html", {
                **self.admin_site.each_context(request),
                "title": _("Удалить данные клиентов?"),
                "opts": self.model._meta,
                "pending": pending,
                "action": "confirm_erasure",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            })
        done = 0
        for erasure in pending:
            try:
                services.client_erase(erasure=erasure, by=request.user)
            except ValidationError as exc:  # confirmed meanwhile by someone else
                self.message_user(request, exc.messages[0], messages.WARNING)
            else:
                done += 1
        self.message_user(request, _("Данные удалены: клиентов — %(n)d. Кто и когда — "
                                     "записано в запросах.") % {"n": done}, messages.SUCCESS)
        return None
