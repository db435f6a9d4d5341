"""The manager's workspace. Every change goes through ``tickets.services``."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .formatting import local_datetime
from .forms import normalize_phone
from .models import Client, Department, Message, OneTimeCode, StatusChange, Tag, Ticket
from .services.tickets import TEXT_MAX_LENGTH

Status = Ticket.Status
Criticality = Ticket.Criticality


def actor_name(user) -> str:
    return user.get_full_name() or user.get_username()


class PhoneSearchMixin:
    """Search finds a client by phone however it is typed (8 999…, +7 999…)."""

    phone_lookup = "phone"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            phone = normalize_phone(search_term)
        except ValidationError:
            return results, may_have_duplicates
        return results | queryset.filter(**{self.phone_lookup: phone}), may_have_duplicates


@admin.register(Client)
class ClientAdmin(PhoneSearchMixin, admin.ModelAdmin):
    list_display = ["phone", "name", "tickets_count", "created_at"]
    search_fields = ["phone", "name"]
    readonly_fields = ["phone", "created_at"]
    fields = ["phone", "name", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(tickets_total=Count("tickets"))

    @admin.display(description=_("заявок"), ordering="tickets_total")
    def tickets_count(self, obj):
        url = reverse("admin:tickets_ticket_changelist") + f"?client__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.tickets_total)

    def has_add_permission(self, request):
        return False  # clients appear by logging in with their phone


@admin.register(Department, Tag)
class DirectoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class AssigneeFilter(admin.SimpleListFilter):
    title = _("исполнитель")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        staff = selectors.staff_users()
        return [("me", _("мои")), ("none", _("без исполнителя")),
                *[(str(user.pk), actor_name(user)) for user in staff]]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


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
            return queryset.filter(status__in=[Status.NEW, Status.IN_PROGRESS])
        if self.value() == "no":
            return queryset.filter(status__in=Ticket.DONE_STATUSES)
        return queryset


class TicketActionForm(ActionForm):
    status = forms.ChoiceField(label=_("Новый статус"), required=False,
                               choices=[("", "—"), *Status.choices])


class TicketAdminForm(forms.ModelForm):
    reply_text = forms.CharField(
        label=_("Ответ"), required=False, max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "style": "width: 100%; max-width: 48rem"}),
        help_text=_("Клиент увидит ответ в карточке заявки, если это не внутренняя заметка."),
    )
    reply_internal = forms.BooleanField(
        label=_("Внутренняя заметка"), required=False,
        help_text=_("Видна только менеджерам; клиенту не показывается."),
    )

    class Meta:
        model = Ticket
        fields = ["status", "assignee", "criticality", "department", "tag"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "assignee" in self.fields:  # only people who can actually take the ticket
            self.fields["assignee"].queryset = selectors.staff_users()
        # "Changed" means changed by this manager since the page was opened, not
        # "differs from the database now": otherwise a stale form would undo a
        # reopen by the client or an assignment made meanwhile.
        for name in TicketAdminForm.Meta.fields:
            if name in self.fields:
                self.fields[name].show_hidden_initial = True


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


@admin.register(Ticket)
class TicketAdmin(PhoneSearchMixin, admin.ModelAdmin):
    form = TicketAdminForm
    action_form = TicketActionForm
    phone_lookup = "client__phone"
    list_display = ["id", "title", "client_phone", "criticality_badge", "status", "department",
                    "tag", "assignee", "created_at", "waiting_since", "first_response_at",
                    "bitrix_lead"]
    list_display_links = ["id", "title"]
    list_filter = [OpenFilter, "status", "criticality", AssigneeFilter, "department", "tag"]
    list_select_related = ["client", "department", "tag", "assignee"]
    search_fields = ["=id", "title", "description", "client__phone"]
    date_hierarchy = "created_at"
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
        colors = {Criticality.CRITICAL: "#c62828", Criticality.HIGH: "#e65100"}
        color = colors.get(obj.criticality)
        if color is None:
            return obj.get_criticality_display()
        return format_html('<strong style="color:{}">{}</strong>', color,
                           obj.get_criticality_display())

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
        return format_html(
            '<div style="font-size:1.1em"><strong>#{} {}</strong></div>'
            '<div style="white-space:pre-wrap;margin-top:.5em;max-width:48rem">{}</div>',
            obj.pk, obj.title, obj.description,
        )

    @admin.display(description=_("клиент"))
    def client_link(self, obj):
        url = reverse("admin:tickets_client_change", args=[obj.client_id])
        return format_html('<a href="{}">{}</a> {}', url, obj.client.phone.as_international,
                           obj.client.name)

    @admin.display(description=_("сообщения"))
    def dialog(self, obj):
        items = selectors.ticket_messages(ticket=obj)
        if not items:
            return _("Сообщений пока нет.")
        return format_html(
            '<ol style="list-style:none;padding:0;margin:0;max-width:48rem">{}</ol>',
            format_html_join("", (
                '<li style="margin:0 0 .75em;padding:.5em .75em;border-radius:6px;{}">'
                '<div><strong>{}</strong> · {} · <span style="color:#666">{}</span> {}</div>'
                '<div style="white-space:pre-wrap;margin-top:.25em">{}</div></li>'
            ), (
                ("background:#fff8e1;border:1px dashed #e0a800" if m.is_internal
                 else "background:#e8f0fe" if m.author_kind == Message.AuthorKind.CLIENT
                 else "background:#f1f3f4",
                 m.author_name or m.get_author_kind_display(), m.get_author_kind_display(),
                 local_datetime(m.created_at),
                 format_html("<em>[{}]</em>", _("внутренняя заметка")) if m.is_internal else "",
                 m.text)
                for m in items
            )),
        )

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
        actor = actor_name(request.user)
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
        changed = sum(
            1 for ticket in queryset
            if services.ticket_change_status(ticket=ticket, status=status,
                                             source=Message.Source.ADMIN,
                                             actor_name=actor_name(request.user))
        )
        self.message_user(request, _("Статус «%(status)s» у заявок: %(n)d.")
                          % {"status": Status(status).label, "n": changed}, messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "from_status", "to_status", "source", "actor_name", "at"]
    list_filter = ["to_status", "source"]
    list_select_related = ["ticket"]
    search_fields = ["=ticket__id", "actor_name"]
    date_hierarchy = "at"


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(PhoneSearchMixin, ReadOnlyAdmin):
    """For «мне не пришёл код»: when codes were issued, tried and used. Never the code."""

    list_display = ["phone", "created_at", "expires_at", "attempts", "used_at", "ip"]
    fields = list_display
    search_fields = ["phone", "ip"]
    date_hierarchy = "created_at"
