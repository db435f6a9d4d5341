"""The admin dashboard (/admin/analytics/) shows what ``selectors.report`` computes for
the same period, in Russian, to managers only."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client as HttpClient

from analytics.formatting import duration_ru, number_ru, percent_ru
from tickets.permissions import MANAGERS_GROUP

from .helpers import QUERY, report_as_json

pytestmark = pytest.mark.django_db

CARD = re.compile(r'<div class="value">(.*?)</div>')
MANAGER_ROW = re.compile(r"<tr><td>([^<]*)</td><td>(\d+)</td><td>(\d+)</td><td>([^<]*)</td>"
                         r"<td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>")


def _page(http, query=QUERY):
    response = http.get("/admin/analytics/", query)
    return response, response.content.decode()


@pytest.fixture(params=["superuser", "group_manager"])
def staff_http(request, admin_client, group_manager):
    if request.param == "superuser":
        return admin_client
    http = HttpClient()
    http.force_login(group_manager)
    return http


def test_dashboard_cards_show_the_report_figures(dataset, staff_http):
    response, html = _page(staff_http)
    data = report_as_json()
    assert response.status_code == 200
    assert CARD.findall(html) == [str(data["tickets_total"]),
                                  duration_ru(data["avg_first_response_seconds"]),
                                  duration_ru(data["avg_resolution_seconds"]),
                                  number_ru(data["avg_rating"]),
                                  percent_ru(data["sla_first_response_met_pct"]),
                                  percent_ru(data["sla_resolution_met_pct"])]
    assert CARD.findall(html)[:4] == ["6", "4 мин", "2 ч 40 мин", "3,7"]


def test_dashboard_shows_median_and_p90_in_russian(dataset, admin_client):
    _response, html = _page(admin_client)
    assert "медиана 2 мин · 90% — 10 мин" in html
    assert "медиана 2 ч · 90% — 5 ч" in html


def test_dashboard_manager_table_shows_the_report_rows(dataset, admin_client):
    _response, html = _page(admin_client)
    expected = [(row["manager"], str(row["tickets_assigned"]), str(row["replies"]),
                 duration_ru(row["avg_first_response_seconds"]),
                 duration_ru(row["avg_resolution_seconds"]), number_ru(row["avg_rating"]),
                 percent_ru(row["sla_first_response_met_pct"]),
                 percent_ru(row["sla_resolution_met_pct"]))
                for row in report_as_json()["by_manager"]]
    assert MANAGER_ROW.findall(html) == expected
    assert expected[0][:6] == ("Анна Петрова", "3", "3", "1 мин", "1 ч 30 мин", "4,5")


def test_dashboard_draws_named_charts_with_russian_dates_and_y_ticks(dataset, admin_client):
    _response, html = _page(admin_client)
    # The daily lines: an SVG with a name, a summary and the same figures as a table.
    [svg] = re.findall(r'<svg viewBox="[^"]*" width="100%" role="img"[^>]*>.*?</svg>', html,
                       re.S)
    assert 'aria-labelledby="an-daily-title an-daily-desc"' in svg
    assert '<title id="an-daily-title">Создано и решено по дням</title>' in svg
    assert re.search(r"<desc id=\"an-daily-desc\">С 2 марта по 6 марта\. Создано — всего \d+",
                     svg)
    assert "2 мар" in svg and "6 мар" in svg  # the days in Russian, not 02.03
    sizes = {int(size) for size in re.findall(r'font-size="(\d+)"', svg)}
    assert min(sizes) >= 13
    y_ticks = re.findall(r'text-anchor="end" fill="currentColor">(\d+)</text>', svg)
    assert len(y_ticks) == 3 and y_ticks[0] == "0"
    assert "Те же цифры таблицей" in html
    # Tags, departments, criticality and status: tables named by a caption.
    captions = re.findall(r'<table class="an-bars"><caption class="visually-hidden">([^<]*)',
                          html)
    assert captions == ["По тегам", "По отделам", "По критичности", "По статусам"]
    assert "без тега" in html
    assert "Заявки, созданные с 2 марта по 6 марта 2026." in html


def test_dashboard_shows_no_developer_text_to_a_manager(dataset, django_user_model):
    manager = django_user_model.objects.create_user("olga", is_staff=True)
    manager.groups.add(Group.objects.get(name=MANAGERS_GROUP))
    http = HttpClient()
    http.force_login(manager)

    html = http.get("/admin/analytics/", QUERY).content.decode()

    assert "GET /manager/analytics" not in html
    assert "analytics_report" not in html


def test_dashboard_loads_nothing_from_other_sites(dataset, admin_client):
    _response, html = _page(admin_client)
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_dashboard_filters_by_department(dataset, admin_client):
    _response, html = _page(admin_client, {**QUERY, "department": "billing"})
    assert CARD.findall(html)[0] == "2"
    assert "отдел «Бухгалтерия»" in html
    # The same figures elsewhere, for this department too.
    assert "GET /manager/analytics?from=2026-03-02&amp;to=2026-03-06&amp;department=billing" in html
    assert ("manage.py analytics_report --from 2026-03-02 --to 2026-03-06 --department billing"
            in html)


def test_dashboard_department_typed_by_name_is_chosen_in_the_list(dataset, admin_client):
    _response, html = _page(admin_client, {**QUERY, "department": "бухгалтерия"})
    assert CARD.findall(html)[0] == "2"
    assert '<option value="billing" selected>Бухгалтерия</option>' in html


def test_dashboard_for_an_anonymous_visitor_redirects_to_admin_login(dataset):
    response = HttpClient().get("/admin/analytics/", QUERY)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/analytics/")


def test_dashboard_for_a_non_staff_user_redirects_to_admin_login(dataset, django_user_model):
    http = HttpClient()
    http.force_login(django_user_model.objects.create_user(username="outsider"))
    assert http.get("/admin/analytics/", QUERY).status_code == 302
    response = http.get("/admin/analytics/", QUERY)
    assert response["Location"].startswith("/admin/login/?next=/admin/analytics/")


@pytest.mark.parametrize(("query", "words"), [
    ({"from": "2026-02-31", "to": "2026-03-06"}, "Такой даты нет в календаре: 2026-02-31."),
    ({"from": "abc"}, "Дата в формате ГГГГ-ММ-ДД"),
    ({**QUERY, "department": "nowhere"}, "Нет такого отдела: «nowhere»."),
])
def test_dashboard_bad_parameter_is_a_400_page_with_the_russian_error(dataset, admin_client,
                                                                      query, words):
    response, html = _page(admin_client, query)
    assert response.status_code == 400
    assert words in html
    assert 'role="img"' in html  # still the whole page with its charts, for the default period


def test_admin_index_links_to_the_dashboard(db, admin_client):
    html = admin_client.get("/admin/", follow=True).content.decode()
    assert 'href="/admin/analytics/"' in html
