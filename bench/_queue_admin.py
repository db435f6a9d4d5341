"""``queue_1m.py``'s change to TicketAdmin, in its own process only: Django's defaults
for the "before" measurement."""

from __future__ import annotations


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


