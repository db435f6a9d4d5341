"""Clients and the directories (departments, tags) tickets are sorted by."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .search import PhoneSearchMixin
from .wording import RussianMessages


class ClientAdmin(RussianMessages, PhoneSearchMixin, admin.ModelAdmin):
    list_display = ["phone_display", "name", "tickets_count", "created_at"]
    list_display_links = ["phone_display", "name"]
    search_fields = ["phone", "name"]
    readonly_fields = ["phone_display", "created_at", "erased_at"]
    fields = ["phone_display", "name", "created_at", "erased_at"]

    list_title = _("Выберите клиента")  # Django's: «Выберите клиент для изменения»

    @admin.display(description=_("телефон"), ordering="phone")
    def phone_display(self, obj):
        return format_html('<span class="phone">{}</span>', obj.phone_international)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(tickets_total=Count("tickets"))

    @admin.display(description=_("заявок"), ordering="tickets_total")
    def tickets_count(self, obj):
        url = (reverse("admin:tickets_ticket_changelist")
               + f"?client__id__exact={obj.pk}&open=all")
        return format_html('<a href="{}">{}</a>', url, obj.tickets_total)

    def has_add_permission(self, request):
        return False  # clients appear by logging in with their phone

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.erased_at is not None:
            return False  # erased stays erased
        return super().has_change_permission(request, obj)


class DirectoryAdmin(RussianMessages, admin.ModelAdmin):
    list_display = ["name", "slug", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class DepartmentAdmin(DirectoryAdmin):
    list_display = [*DirectoryAdmin.list_display, "lead"]
    list_select_related = ["lead"]


class ReplyTemplateAdmin(RussianMessages, admin.ModelAdmin):
    """Saved replies managers keep themselves: placeholders are listed under the text."""

    list_display = ["title", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["title", "text"]
    fields = ["title", "text", "is_active"]
