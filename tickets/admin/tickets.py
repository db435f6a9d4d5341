"""The queue and the ticket change page: the manager's main workspace."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import queue, selectors, services
from ..formatting import local_datetime
from ..models import Message, Ticket
from . import sla_display
from .card import REPLY_STATUS, TicketCard
from .columns import QueueColumns
from .files import AttachmentUrlsMixin
from .filters import AssigneeFilter, OpenFilter, SlaFilter, TurnFilter
from .forms import TicketActionForm, TicketAdminForm
from .paginator import CappedCountPaginator
from .search import TicketSearchMixin
from .wording import RussianMessages

Status = Ticket.Status
Criticality = Ticket.Criticality


class TicketAdmin(QueueColumns, TicketCard, AttachmentUrlsMixin, RussianMessages,
                  TicketSearchMixin, admin.ModelAdmin):
    form = TicketAdminForm
    action_form = TicketActionForm
    # Scale (bench/queue_1m.py): the count stops at 10,000 and the whole table is never
    # counted; search is by number, phone and text through indexes (search.py).
    paginator = CappedCountPaginator
    show_full_result_count = False
    # About seven columns that fit 1280 px (tickets.admin.columns); the SLA time left
    # rides in the status cell.
    list_display = ["number_title", "client_cell", "status_cell", "criticality_badge",
                    "assignee_cell", "waiting_since", "department_cell"]
    list_display_links = None  # the number and title cell is the link
    list_filter = [OpenFilter, SlaFilter, TurnFilter, AssigneeFilter, "status", "criticality",
                   "department", "tag"]
    list_select_related = ["client", "department", "tag", "assignee"]
    search_fields = ["=id", "title", "description", "client__phone"]
    # No date_hierarchy (scale): its year links are a SELECT DISTINCT over every filtered
    # ticket on each page (0.5 s at 20,000 tickets on SQLite; a full scan at a million).
    list_per_page = 50
    # Overdue first, then at risk, then the longest waiting; an attribute (not
    # get_ordering) so the column headers show this order as the one in force.
    ordering = queue.QUEUE_ORDERING
    actions = ["assign_to_me", "set_status", "close_tickets"]
    readonly_fields = ["dialog", "history", "created_at", "updated_at", "first_response_at",
                       "resolved_at", "rating", "rating_comment", "bitrix_entity_type",
                       "bitrix_lead", "sla_card"]
    # The title is the page's heading and the description the dialog's first message
    # (templates/admin/tickets/ticket/change_form.html); the client sits beside them.
    fieldsets = [
        (_("Диалог"), {"fields": ["dialog"], "classes": ["ticket-dialog-box"]}),
        (_("Ответ клиенту"), {"fields": ["reply_text", "reply_files"], "classes": ["reply-box"]}),
        (_("Статус и исполнитель"), {"fields": ["status", "assignee"]}),
        (_("Классификация"), {"fields": ["criticality", "department", "tag"]}),
        (_("Сроки и оценка"), {"fields": ["sla_card", "created_at", "updated_at", "first_response_at",
                                          "resolved_at", "rating", "rating_comment"]}),
        (_("История статусов"), {"fields": ["history"], "classes": ["collapse"]}),
        (_("Битрикс24"), {"fields": ["bitrix_entity_type", "bitrix_lead"],
                          "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["admin/tickets/ticket.css"]}


    def has_add_permission(self, request):
        return False  # tickets come from clients (portal, later Telegram)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {
            "title": _("Очередь заявок"), "is_nav_sidebar_enabled": False,
            "queue_counters": self.counter_links(request), **(extra_context or {})})

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    # --- columns and fields ----------------------------------------------
    @admin.display(description=_("лид Битрикс24"), ordering="bitrix_entity_id")
    def bitrix_lead(self, obj):
        if not obj.bitrix_entity_id:
            return "—"
        if settings.BITRIX_PORTAL_URL:
            url = f"{settings.BITRIX_PORTAL_URL.rstrip('/')}/crm/lead/details/{obj.bitrix_entity_id}/"
            return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url,
                               obj.bitrix_entity_id)
        return obj.bitrix_entity_id

    # --- change page ----------------------------------------------------
    @admin.display(description=_("сообщения"))
    def dialog(self, obj):
        # Dates formatted here: strftime, not the template's date filter (see formatting).
        messages, description_files = selectors.ticket_dialog(ticket=obj, public=False)
        items = [(message, local_datetime(message.created_at)) for message in messages]
        return render_to_string("admin/tickets/ticket/dialog.html", {
            "ticket": obj, "created": local_datetime(obj.created_at), "items": items,
            "description_files": description_files})

    @admin.display(description=_("SLA"))
    def sla_card(self, obj):
        return render_to_string("admin/tickets/ticket/sla.html", sla_display.card(obj))

    @admin.display(description=_("смены статуса"))
    def history(self, obj):
        changes = selectors.ticket_status_history(ticket=obj)
        if not changes:
            return _("Статус не менялся.")
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} — {} → {} ({}, {})</li>", (
            (local_datetime(c.at), c.get_from_status_display(),
             c.get_to_status_display(), c.actor_name or "—", c.get_source_display())
            for c in changes
        )))

    def save_model(self, request, obj, form, change):
        """Apply the manager's edits through services; never ``obj.save()`` directly."""
        data, changed = form.cleaned_data, set(form.changed_data)
        actor = selectors.display_name(request.user)
        ticket = Ticket.objects.get(pk=obj.pk)
        try:
            fields = {name: data[name] for name in ("criticality", "department", "tag")
                      if name in changed}
            if fields:
                services.ticket_update(ticket=ticket, clear_tag="tag" in fields, **fields)
            if "assignee" in changed:
                services.ticket_assign(ticket=ticket, assignee=data["assignee"])
            action = self.reply_action(request)
            if data.get("reply_text", "").strip() or data.get("reply_files"):
                services.message_add(
                    ticket=ticket, author_kind=Message.AuthorKind.MANAGER, author_name=actor,
                    author_user=request.user, text=data.get("reply_text", ""),
                    is_internal=action == "note" or data.get("reply_internal", False),
                    source=Message.Source.ADMIN,
                    files=data.get("reply_files") or (),
                )
                request._ticket_replied = True
            if "status" in changed:
                services.ticket_change_status(ticket=ticket, status=data["status"],
                                              source=Message.Source.ADMIN, actor_name=actor)
            if REPLY_STATUS.get(action):
                services.ticket_change_status(ticket=ticket, status=REPLY_STATUS[action],
                                              source=Message.Source.ADMIN, actor_name=actor)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def construct_change_message(self, request, form, formsets, add=False):
        changed = [name for name in form.changed_data if name != "reply_internal"]
        return [{"changed": {"fields": changed}}] if changed else []

    # --- bulk actions ---------------------------------------------------
    @admin.action(description=_("Назначить на меня"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        for ticket in queryset:
            services.ticket_assign(ticket=ticket, assignee=request.user)
        self.message_user(request, _("Назначено на вас: %(n)d.") % {"n": len(queryset)},
                          messages.SUCCESS)

    @admin.action(description=_("Сменить статус на выбранный"), permissions=["change"])
    def set_status(self, request, queryset):
        status = request.POST.get("status")
        if status not in Status.values:
            self.message_user(request, _("Выберите новый статус в списке рядом с действием."),
                              messages.WARNING)
            return
        self._change_status(request, queryset, status)

    @admin.action(description=_("Закрыть"), permissions=["change"])
    def close_tickets(self, request, queryset):
        self._change_status(request, queryset, Status.CLOSED)

    def _change_status(self, request, queryset, status):
        actor = selectors.display_name(request.user)
        changed = sum(
            1 for ticket in queryset
            if services.ticket_change_status(ticket=ticket, status=status,
                                             source=Message.Source.ADMIN, actor_name=actor)
        )
        self.message_user(request, _("Статус «%(status)s» у заявок: %(n)d.")
                          % {"status": Status(status).label, "n": changed}, messages.SUCCESS)
