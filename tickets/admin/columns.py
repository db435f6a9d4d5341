"""The queue's columns: what a manager reads in one glance, in about seven columns that
fit a 1280 px screen. Each cell is built from the row alone (no query per row)."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import queue, selectors
from ..formatting import duration_short, local_datetime, short_datetime
from ..models import Ticket

Criticality = Ticket.Criticality
# Criticalities the queue singles out, each with its class in ticket.css.
LOUD_CRITICALITIES = {Criticality.CRITICAL, Criticality.HIGH}


def sla_chip(ticket, now):
    """«просрочено 2 ч» / «осталось 35 мин»: words first, the colour only repeats them."""
    state = queue.ticket_sla_state(ticket, now)
    if not state:
        return ""
    due = ticket.sla_due_at
    if state == "overdue":
        text = (_("просрочено %(t)s") % {"t": duration_short((now - due).total_seconds())}
                if due and due < now else _("просрочено"))
        icon = "⚠ "
    else:
        text = _("осталось %(t)s") % {"t": duration_short((due - now).total_seconds())}
        icon = "◔ " if state == "at_risk" else ""
    title = _("срок: %(at)s") % {"at": local_datetime(due)} if due else ""
    return format_html('<span class="sla sla--{}" title="{}">{}{}</span>', state, title,
                       icon, text)


class QueueColumns:
    """Mixed into ``TicketAdmin``: ``list_display`` names these methods."""

    @admin.display(description=_("заявка"), ordering="id")
    def number_title(self, obj):
        url = reverse("admin:tickets_ticket_change", args=[obj.pk])
        return format_html('<a class="queue-title" href="{}"><span class="queue-id">№{}</span> '
                           '{}</a>', url, obj.pk, obj.title)

    @admin.display(description=_("клиент"), ordering="client__phone")
    def client_cell(self, obj):
        name = obj.client.name
        phone = obj.client.phone_international
        if name:
            return format_html('<span class="queue-client">{}</span>'
                               '<span class="phone">{}</span>', name, phone)
        return format_html('<span class="phone">{}</span>', phone)

    @admin.display(description=_("статус и срок"), ordering="sla_due_at")
    def status_cell(self, obj):
        now = getattr(self, "_now", None) or timezone.now()
        return format_html('<span class="badge badge--{}">{}</span>{}', obj.status,
                           obj.get_status_display(), sla_chip(obj, now))

    @admin.display(description=_("критичность"), ordering="criticality")
    def criticality_badge(self, obj):
        if obj.criticality not in LOUD_CRITICALITIES:
            return obj.get_criticality_display()
        return format_html('<strong class="criticality criticality--{}">{}</strong>',
                           obj.criticality, obj.get_criticality_display())

    @admin.display(description=_("исполнитель"), ordering="assignee__first_name")
    def assignee_cell(self, obj):
        if obj.assignee is None:
            return format_html('<span class="muted">{}</span>', _("никто"))
        return selectors.display_name(obj.assignee)

    @admin.display(description=_("ждёт с"), ordering="last_public_at")
    def waiting_since(self, obj):
        if obj.last_public_at is None:
            return "—"
        whose = (_("ответ за нами") if obj.last_public_by == "client"
                 and obj.status in (Ticket.Status.NEW, Ticket.Status.IN_PROGRESS) else "")
        return format_html('<time datetime="{}" title="{}">{}</time>{}',
                           obj.last_public_at.isoformat(), local_datetime(obj.last_public_at),
                           short_datetime(obj.last_public_at),
                           format_html('<span class="turn">{}</span>', whose) if whose else "")

    @admin.display(description=_("отдел"), ordering="department__name")
    def department_cell(self, obj):
        return obj.department.name

    def counter_links(self, request):
        """«новые · ждут нас · ждут клиента · мои · просрочено»: one aggregate query, each
        a link to the queue filtered the same way; the one shown now is marked."""
        counts = queue.queue_counters(user=request.user)
        base = reverse("admin:tickets_ticket_changelist")
        current = request.GET.urlencode()
        rows = [("new", _("новые"), "status__exact=new"),
                ("waiting_on_us", _("ждут нас"), "turn=us"),
                ("waiting_on_client", _("ждут клиента"), "status__exact=waiting"),
                ("mine", _("мои"), "assignee=me"),
                ("overdue", _("просрочено"), "sla=overdue")]
        return [{"key": key, "label": label, "count": counts[key], "url": f"{base}?{query}",
                 "current": current == query} for key, label, query in rows]
