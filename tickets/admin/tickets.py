"""The queue and the ticket change page: the manager's main workspace."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import selectors, services
from ..formatting import local_datetime
from ..models import Message, Ticket
from .filters import AssigneeFilter, OpenFilter
from .forms import TicketActionForm, TicketAdminForm
from .paginator import CappedCountPaginator
from .search import TicketSearchMixin

Status = Ticket.Status
Criticality = Ticket.Criticality


def _rank(field, order):
    return Case(*[When(**{field: value}, then=Value(i)) for i, value in enumerate(order)],
                default=Value(len(order)), output_field=IntegerField())


# One rank for all open statuses: a critical ticket in progress goes before a new low one.
OPEN_RANK = Case(When(status__in=Ticket.OPEN_STATUSES, then=Value(0)), default=Value(1),
                 output_field=IntegerField())
CRITICALITY_RANK = _rank("criticality", [Criticality.CRITICAL, Criticality.HIGH,
                                         Criticality.NORMAL, Criticality.LOW])
WAITING_SINCE = Coalesce(  # the last client message, or the ticket's creation
    Subquery(Message.objects.filter(ticket=OuterRef("pk"), author_kind=Message.AuthorKind.CLIENT)
             .order_by("-created_at").values("created_at")[:1]),
    "created_at",
)
# Criticalities the queue singles out, each with its class in ticket.css.
LOUD_CRITICALITIES = {Criticality.CRITICAL, Criticality.HIGH}


class TicketAdmin(TicketSearchMixin, admin.ModelAdmin):
    form = TicketAdminForm
    action_form = TicketActionForm
    # Scale (bench/queue_1m.py): the count stops at 10,000 and the whole table is never
    # counted; search is by number, phone and text through indexes (search.py).
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_display = ["id", "title", "client_phone", "criticality_badge", "status", "department",
                    "tag", "assignee", "created_at", "waiting_since", "first_response_at",
                    "bitrix_lead"]
    list_display_links = ["id", "title"]
    list_filter = [OpenFilter, "status", "criticality", AssigneeFilter, "department", "tag"]
    list_select_related = ["client", "department", "tag", "assignee"]
    search_fields = ["=id", "title", "description", "client__phone"]
    # No date_hierarchy (scale): its year links are a SELECT DISTINCT over every filtered
    # ticket on each page (0.5 s at 20,000 tickets on SQLite; a full scan at a million).
    list_per_page = 50
    actions = ["assign_to_me", "set_status", "close_tickets"]
    readonly_fields = ["ticket_summary", "dialog", "history", "client_link", "created_at",
                       "updated_at", "first_response_at", "resolved_at", "rating",
                       "rating_comment", "bitrix_entity_type", "bitrix_lead"]
    fieldsets = [
        (None, {"fields": ["ticket_summary"]}),
        (_("Диалог"), {"fields": ["dialog"]}),
        (_("Ответить и изменить"), {"fields": ["reply_text", "reply_internal", "status",
                                               "assignee"]}),
        (_("Классификация"), {"fields": ["criticality", "department", "tag"]}),
        (_("Сроки и оценка"), {"fields": ["client_link", "created_at", "updated_at",
                                          "first_response_at", "resolved_at", "rating",
                                          "rating_comment"]}),
        (_("История статусов"), {"fields": ["history"], "classes": ["collapse"]}),
        (_("Битрикс24"), {"fields": ["bitrix_entity_type", "bitrix_lead"],
                          "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["admin/tickets/ticket.css"]}

    def get_queryset(self, request):
        # The same expression objects as in get_ordering(): SQL orders by the
        # selected column instead of computing the subquery twice.
        tickets = Ticket.objects.annotate(waiting_since_at=WAITING_SINCE, open_rank=OPEN_RANK,
                                          criticality_rank=CRITICALITY_RANK)
        return tickets.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # Open before done, then the most critical, then the oldest waiting first.
        # Expressions, not annotation names: other admins order the ticket
        # choices of their foreign keys with this on a plain Ticket queryset.
        return [OPEN_RANK.asc(), CRITICALITY_RANK.asc(), WAITING_SINCE.asc()]

    def has_add_permission(self, request):
        return False  # tickets come from clients (portal, later Telegram)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": _("Очередь заявок"),
                                                 **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        title = _("Заявка №%(id)s") % {"id": object_id}
        return super().change_view(request, object_id, form_url,
                                   {"title": title, **(extra_context or {})})

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    # --- list columns ---------------------------------------------------
    @admin.display(description=_("телефон"), ordering="client__phone")
    def client_phone(self, obj):
        return obj.client.phone.as_international

    @admin.display(description=_("критичность"), ordering="criticality_rank")
    def criticality_badge(self, obj):
        if obj.criticality not in LOUD_CRITICALITIES:
            return obj.get_criticality_display()
        return format_html('<strong class="criticality criticality--{}">{}</strong>',
                           obj.criticality, obj.get_criticality_display())

    @admin.display(description=_("ждёт с"), ordering="waiting_since_at")
    def waiting_since(self, obj):
        return getattr(obj, "waiting_since_at", None)

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
    @admin.display(description=_("заявка"))
    def ticket_summary(self, obj):
        return format_html('<div class="ticket-summary__title"><strong>#{} {}</strong></div>'
                           '<div class="ticket-summary__text">{}</div>',
                           obj.pk, obj.title, obj.description)

    @admin.display(description=_("клиент"))
    def client_link(self, obj):
        url = reverse("admin:tickets_client_change", args=[obj.client_id])
        return format_html('<a href="{}">{}</a> {}', url, obj.client.phone.as_international,
                           obj.client.name)

    @admin.display(description=_("сообщения"))
    def dialog(self, obj):
        # Dates formatted here: strftime, not the template's date filter (see formatting).
        items = [(message, local_datetime(message.created_at))
                 for message in selectors.ticket_messages(ticket=obj)]
        return render_to_string("admin/tickets/ticket/dialog.html", {"items": items})

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
            if data.get("reply_text", "").strip():
                services.message_add(
                    ticket=ticket, author_kind=Message.AuthorKind.MANAGER, author_name=actor,
                    author_user=request.user, text=data["reply_text"],
                    is_internal=data.get("reply_internal", False), source=Message.Source.ADMIN,
                )
            if "status" in changed:
                services.ticket_change_status(ticket=ticket, status=data["status"],
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
