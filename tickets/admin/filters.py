"""The queue's filters, in the manager's terms: mine, unassigned, open, overdue, whose turn."""

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.utils.translation import gettext_lazy as _

from .. import queue, selectors
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
    """Open tickets unless asked otherwise: resolved and closed ones are out of the way.

    Without ``open=`` in the address the queue shows open tickets; «все» is ``open=all``.
    A status chosen in its own filter wins (``?status__exact=closed`` shows closed ones),
    and so does a search: a manager who types a number or a phone looks for that ticket,
    open or not.
    """

    title = _("показать")
    parameter_name = "open"
    DEFAULT = "yes"

    def __init__(self, request, params, model, model_admin):
        self._status_chosen = (any(key.startswith("status") for key in params)
                               or bool(request.GET.get(SEARCH_VAR, "").strip()))
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [("yes", _("открытые")), ("no", _("решённые и закрытые")), ("all", _("все"))]

    def value(self):
        chosen = super().value()
        if chosen is None and not self._status_chosen:
            return self.DEFAULT
        return chosen

    def choices(self, changelist):
        # No «Все» link that drops the parameter: that would be the default again.
        for lookup, title in self.lookup_choices:
            yield {"selected": self.value() == lookup,
                   "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                   "display": title}

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status__in=Ticket.OPEN_STATUSES)
        if self.value() == "no":
            return queryset.filter(status__in=Ticket.DONE_STATUSES)
        return queryset


class SlaFilter(admin.SimpleListFilter):
    """``?sla=overdue`` («просрочено»), ``?sla=at_risk`` («скоро срок»)."""

    title = _("срок")
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [("overdue", _("просрочено")), ("at_risk", _("скоро срок"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queue.sla_overdue(queryset)
        if self.value() == "at_risk":
            return queue.sla_at_risk(queryset)
        return queryset


class TurnFilter(admin.SimpleListFilter):
    """Whose turn it is: ``?turn=us`` («ждут нас»), ``?turn=client`` («ждёт клиента»)."""

    title = _("чей ход")
    parameter_name = "turn"

    def lookups(self, request, model_admin):
        return [("us", _("ждут нас")), ("client", _("ждёт клиента"))]

    def queryset(self, request, queryset):
        if self.value() == "us":
            return queue.waiting_on_us(queryset)
        if self.value() == "client":
            return queue.waiting_on_client(queryset)
        return queryset
