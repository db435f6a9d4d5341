"""``queue_1m.py``'s "before", in its own process only: TicketAdmin with Django's
defaults, and the database without 0016's indexes."""

from __future__ import annotations

BEFORE_MIGRATION = "0015_department_description"
QUEUE_MIGRATION = "0016_queue_indexes_search"


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


def queue_indexes(*, apply: bool) -> None:
    """0016 alone, backwards (``apply=False``: "before", the indexes Django's defaults had)
    or forwards again; the later migrations' columns stay, as the models need them."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    migration = executor.loader.get_migration("tickets", QUEUE_MIGRATION)
    if apply:
        executor.apply_migration(
            executor.loader.project_state(("tickets", BEFORE_MIGRATION), at_end=True), migration)
    else:
        executor.unapply_migration(
            executor.loader.project_state(("tickets", QUEUE_MIGRATION), at_end=True), migration)
