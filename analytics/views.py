"""The analytics figures as JSON (manager key) and as an admin dashboard."""

from datetime import date

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from supportportal.http import api_error_from, json_endpoint, json_response
from tickets.formatting import day_month
from tickets.selectors import active_departments

from . import charts, selectors
from .formatting import duration_ru, number_ru, percent_ru


def _period_from(query):
    return selectors.period_parse(query.get("from"), query.get("to"),
                                  department=query.get("department"))


@json_endpoint(methods=["GET"], key_setting="MANAGER_API_KEY", key_header="X-Manager-Key")
def analytics_json(request):
    try:
        period = _period_from(request.GET)
    except ValidationError as exc:
        raise api_error_from(exc) from None
    return json_response(selectors.report(period))


def dashboard(request):
    """Mounted inside admin (``admin_view``): staff only."""
    errors = {}
    try:
        period = _period_from(request.GET)
    except ValidationError as exc:
        errors = exc.message_dict
        period = selectors.period_parse()
    data = selectors.report(period)
    same = {"from": period.start.isoformat(), "to": period.end.isoformat(),
            **({"department": period.department.slug} if period.department else {})}
    for row in data["by_manager"]:
        row["first_response_human"] = duration_ru(row["avg_first_response_seconds"])
        row["resolution_human"] = duration_ru(row["avg_resolution_seconds"])
        row["rating_human"] = number_ru(row["avg_rating"])
    for section in ("by_manager", "by_department", "by_criticality"):
        for row in data[section]:
            row["sla_human"] = [percent_ru(row["sla_first_response_met_pct"]),
                                percent_ru(row["sla_resolution_met_pct"])]
    context = {
        **admin.site.each_context(request),
        "title": _("Аналитика поддержки"),
        "data": data,
        "errors": errors,
        "period": period,
        "form": {"from": request.GET.get("from", period.start.isoformat()),
                 "to": request.GET.get("to", period.end.isoformat()),
                 # Found by name or id too: the list then shows it chosen.
                 "department": (period.department.slug if period.department
                                else request.GET.get("department", ""))},
        "departments": active_departments(),
        # The same figures elsewhere: the JSON query and the command's arguments.
        "same_query": urlencode(same),
        "same_args": " ".join(f"--{key} {value}" for key, value in same.items()),
        "cards": [
            (_("Заявок"), data["tickets_total"], ""),
            (_("Первый ответ, среднее"), duration_ru(data["avg_first_response_seconds"]),
             _("медиана %(m)s · 90%% — %(p)s") % {
                 "m": duration_ru(data["median_first_response_seconds"]),
                 "p": duration_ru(data["p90_first_response_seconds"])}),
            (_("Решение, среднее"), duration_ru(data["avg_resolution_seconds"]),
             _("медиана %(m)s · 90%% — %(p)s") % {
                 "m": duration_ru(data["median_resolution_seconds"]),
                 "p": duration_ru(data["p90_resolution_seconds"])}),
            (_("Средняя оценка"), number_ru(data["avg_rating"]),
             _("оценок: %(n)s") % {"n": data["ratings_count"]}),
            (_("Первый ответ в срок SLA"), percent_ru(data["sla_first_response_met_pct"]),
             _("из заявок, где первый ответ уже дан")),
            (_("Решено в срок SLA"), percent_ru(data["sla_resolution_met_pct"]),
             _("из решённых и закрытых заявок")),
        ],
        "charts": [
            (title, charts.bars(rows, title=title)) for title, rows in [
                (_("По тегам"), [(r["tag"] or _("без тега"), r["count"]) for r in data["by_tag"]]),
                (_("По отделам"), [(r["department"], r["count"]) for r in data["by_department"]]),
                (_("По критичности"), [(r["label"], r["count"]) for r in data["by_criticality"]]),
                (_("По статусам"), [(r["label"], r["count"]) for r in data["by_status"]]),
            ]
        ],
        "daily_chart": charts.lines(
            [date.fromisoformat(d["date"]) for d in data["daily"]],
            [(_("создано"), "#2557d6", [d["created"] for d in data["daily"]]),
             (_("решено"), "#2e7d32", [d["resolved"] for d in data["daily"]])],
            title=_("Создано и решено по дням"),
        ),
        "period_text": _("с %(start)s по %(end)s") % {
            "start": day_month(period.start), "end": f"{day_month(period.end)} {period.end.year}"},
    }
    return render(request, "admin/analytics/dashboard.html", context,
                  status=400 if errors else 200)
