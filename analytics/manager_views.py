"""The per-manager dashboard in admin: «Мой день» for a manager, «Команда» for a team lead.

Who sees what: every manager (``tickets.view_ticket``, the «Менеджеры» group) sees their
own page. A team lead, a user with ``tickets.view_team_dashboard`` (given per user or
through a group of leads; superusers have it), sees the team's table and any manager's
page (``?manager=<id>``).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tickets.selectors import id_from_text

from . import selectors
from .formatting import duration_ru, number_ru
from .selectors.managers import manager_board, team_board

TEAM_PERMISSION = "tickets.view_team_dashboard"


def _period(request):
    """The period from ``from``/``to``, or the last 30 days and the errors to show."""
    try:
        return selectors.period_parse(request.GET.get("from"), request.GET.get("to")), {}
    except ValidationError as exc:
        return selectors.period_parse(), exc.message_dict


def _human(figures) -> dict:
    """The figures as the page shows them: durations in words, shares in percent."""
    def pct(value):
        return "—" if value is None else f"{number_ru(value)} %"

    return {
        **figures,
        **{f"{kind}_{name}": duration_ru(figures[f"{kind}_{name}_seconds"])
           for name in ("first_response", "resolution") for kind in ("median", "p90")},
        "first_response_met": pct(figures["sla_first_response_met_pct"]),
        "resolution_met": pct(figures["sla_resolution_met_pct"]),
        "rating": number_ru(figures["avg_rating"]),
    }


def _queue_links(user_id) -> dict:
    """The queue filtered to this manager's tickets of each kind (the admin's filters)."""
    base = reverse("admin:tickets_ticket_changelist")
    who = {"assignee": user_id}
    return {name: f"{base}?{urlencode({**who, **query})}" for name, query in {
        "open": {"open": "yes"},
        "overdue": {"sla": "overdue"},
        "at_risk": {"sla": "at_risk"},
        "waiting_on_client": {"status__exact": "waiting"},
        "waiting_on_us": {"turn": "us"},
    }.items()}


def _context(request, period, errors, **extra):
    return {
        **admin.site.each_context(request),
        "period": period,
        "errors": errors,
        "form": {"from": request.GET.get("from", period.start.isoformat()),
                 "to": request.GET.get("to", period.end.isoformat())},
        "is_lead": request.user.has_perm(TEAM_PERMISSION),
        **extra,
    }


def manager_dashboard(request):
    """Mounted inside admin with ``tickets.view_ticket``: the manager's own page, or (for a
    team lead) another manager's, ``?manager=<id>``."""
    user = request.user
    if request.GET.get("manager") not in (None, "", str(user.pk)):
        if not user.has_perm(TEAM_PERMISSION):
            raise PermissionDenied
        manager_id = id_from_text(request.GET["manager"])
        user = get_user_model().objects.filter(pk=manager_id).first() if manager_id else None
        if user is None:
            raise Http404(_("Нет такого менеджера."))
    period, errors = _period(request)
    board = manager_board(user=user, period=period, now=timezone.now())
    board["figures"] = _human(board["figures"])
    own = user.pk == request.user.pk
    context = _context(
        request, period, errors, board=board, own=own,
        title=_("Мой день") if own else _("Показатели: %(name)s") % {"name": board["name"]},
        links=_queue_links("me" if own else user.pk),
        manager_query=urlencode({} if own else {"manager": user.pk}),
    )
    return render(request, "admin/analytics/manager.html", context,
                  status=400 if errors else 200)


def team_dashboard(request):
    """Mounted inside admin with ``tickets.view_team_dashboard``: every manager, side by
    side."""
    period, errors = _period(request)
    rows = team_board(period=period, now=timezone.now())
    for row in rows:
        row["figures"] = _human(row["figures"])
        row["link"] = reverse("analytics-manager") + "?" + urlencode(
            {"manager": row["manager"].pk, "from": period.start.isoformat(),
             "to": period.end.isoformat()})
    context = _context(request, period, errors, rows=rows, title=_("Команда: показатели"))
    return render(request, "admin/analytics/team.html", context,
                  status=400 if errors else 200)
