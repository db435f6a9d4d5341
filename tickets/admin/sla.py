"""SLA settings managers with the right permission edit: targets, working hours,
the production calendar; and the breaches recorded (read only)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import WorkSchedule
from .records import ReadOnlyAdmin


class SlaTargetAdmin(admin.ModelAdmin):
    list_display = ["criticality", "department", "first_response_hours", "resolution_hours"]
    list_filter = ["criticality", "department"]
    list_select_related = ["department"]


class WorkScheduleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "day_start", "day_end"]

    def has_add_permission(self, request):
        return not WorkSchedule.objects.exists()  # one row: the portal's working day


class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["note"]


class SlaBreachAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "kind", "due_at", "at", "assignee", "notified"]
    list_filter = ["kind"]
    list_select_related = ["ticket", "ticket__assignee"]
    search_fields = ["=ticket__id", "ticket__title"]
    date_hierarchy = "at"

    @admin.display(description=_("исполнитель"), ordering="ticket__assignee")
    def assignee(self, obj):
        return obj.ticket.assignee or "—"
