"""Admin registrations. The full manager workspace grows here (issue #3)."""

from django.contrib import admin

from .models import Client, Department, Message, StatusChange, Tag, Ticket


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["phone", "name", "created_at"]
    search_fields = ["phone", "name"]


@admin.register(Department, Tag)
class DirectoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active"]
    list_filter = ["is_active"]
    prepopulated_fields = {"slug": ["name"]}


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["created_at", "author_kind", "author_name", "is_internal", "source", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "client", "criticality", "status", "department", "tag",
                    "assignee", "created_at"]
    list_filter = ["status", "criticality", "department", "tag"]
    list_select_related = ["client", "department", "tag", "assignee"]
    search_fields = ["=id", "title", "description", "client__phone"]
    readonly_fields = ["client", "status", "created_at", "updated_at", "first_response_at",
                       "resolved_at", "rating", "rating_comment", "bitrix_entity_type",
                       "bitrix_entity_id"]
    inlines = [MessageInline]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["ticket", "from_status", "to_status", "source", "actor_name", "at"]
    list_filter = ["to_status", "source"]
    list_select_related = ["ticket"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
