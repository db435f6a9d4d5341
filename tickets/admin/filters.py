"""The queue's filters, in the manager's terms: mine, unassigned, open, awaiting a reply."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..models import Ticket


class AssigneeFilter(admin.SimpleListFilter):
    title = _("исполнитель")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        staff = selectors.staff_users()
        return [("me", _("мои")), ("none", _("без исполнителя")),
                *[(str(user.pk), selectors.display_name(user)) for user in staff]]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if not value:
            return queryset
        # A value that is no id names nobody: an empty list.
        if (user_id := selectors.id_from_text(value)) is not None:
            return queryset.filter(assignee_id=user_id)
        return queryset.none()


class OpenFilter(admin.SimpleListFilter):
    title = _("открытость")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("открытые")), ("awaiting", _("ждут ответа менеджера")),
                ("no", _("решённые и закрытые"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status__in=Ticket.OPEN_STATUSES)
        if self.value() == "awaiting":
            return queryset.filter(status__in=[Ticket.Status.NEW, Ticket.Status.IN_PROGRESS])
        if self.value() == "no":
            return queryset.filter(status__in=Ticket.DONE_STATUSES)
        return queryset
