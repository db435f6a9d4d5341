"""``queue_1m.py``'s changes to TicketAdmin, in its own process only: the queue as the
"queue" work shapes it (when this branch lacks it), and Django's defaults for "before"."""

from __future__ import annotations


def shape_queue_admin() -> list[str]:
    """COMMON.md's queue order and the SLA/turn filters on TicketAdmin when the branch
    lacks them (see the docstring); returns what was added, for the output."""
    from django.contrib import admin

    from tickets import queue
    from tickets.models import Ticket

    ticket_admin = admin.site._registry[Ticket]
    added = []
    if list(ticket_admin.get_ordering(None)) != list(queue.QUEUE_ORDERING):
        base = type(ticket_admin).get_queryset
        ticket_admin.get_ordering = lambda request: list(queue.QUEUE_ORDERING)
        ticket_admin.get_queryset = lambda request: base(ticket_admin, request).order_by(
            *queue.QUEUE_ORDERING)
        added.append("order QUEUE_ORDER")
    names = {getattr(f, "parameter_name", None) for f in ticket_admin.list_filter}

    def simple(parameter, choices):
        class Filter(admin.SimpleListFilter):
            title, parameter_name = parameter, parameter

            def lookups(self, request, model_admin):
                return [(key, key) for key in choices]

            def queryset(self, request, queryset):
                from django.utils import timezone

                make = choices.get(self.value())
                return queryset.filter(make(timezone.now())) if make else queryset
        return Filter

    for parameter, choices in (("sla", {"overdue": queue.overdue_q,
                                        "at_risk": queue.at_risk_q}),
                               ("turn", {"us": lambda now: queue.waiting_on_us_q()})):
        if parameter not in names:
            ticket_admin.list_filter = [*ticket_admin.list_filter, simple(parameter, choices)]
            added.append(f"filter ?{parameter}=")
    return added


def django_defaults(ticket_admin):
    """The 'before' admin: Django's paginator and counts, ``search_fields`` as Django
    searches them plus the phone typed any way (the mixin of before this work)."""
    from django.contrib import admin
    from django.core.exceptions import ValidationError
    from django.core.paginator import Paginator

    from tickets.forms import normalize_phone

    def search(request, queryset, term):
        found, duplicates = admin.ModelAdmin.get_search_results(ticket_admin, request,
                                                                queryset, term)
        try:
            return found | queryset.filter(client__phone=normalize_phone(term)), duplicates
        except ValidationError:
            return found, duplicates

    ticket_admin.paginator, ticket_admin.show_full_result_count = Paginator, True
    ticket_admin.get_search_results = search


