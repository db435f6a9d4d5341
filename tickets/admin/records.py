"""Journals managers read but never edit: status changes and one-time codes."""

from django.contrib import admin

from .search import PhoneSearchMixin
from .wording import RussianMessages


class ReadOnlyAdmin(RussianMessages, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "from_status", "to_status", "source", "actor_name", "at"]
    list_filter = ["to_status", "source"]
    list_select_related = ["ticket"]
    search_fields = ["=ticket__id", "actor_name"]
    date_hierarchy = "at"


class OneTimeCodeAdmin(PhoneSearchMixin, ReadOnlyAdmin):
    """For «мне не пришёл код»: when codes were issued, tried and used. Never the code."""

    list_display = ["phone", "created_at", "expires_at", "attempts", "used_at", "ip"]
    fields = list_display
    search_fields = ["phone", "ip"]
    date_hierarchy = "created_at"
