from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.shortcuts import redirect
from django.urls import include, path, re_path

from analytics import manager_views
from analytics import views as analytics_views
from notifications import views as notification_views
from tickets.admin.workspace import workspace_index

from . import openapi
from .http import not_found

admin.site.site_header = "Портал поддержки — рабочее место менеджера"
admin.site.site_title = "Портал поддержки"
admin.site.index_title = "Заявки и справочники"



def favicon(request):
    """Browsers and bots ask for /favicon.ico whatever the page links: the static icon."""
    return redirect(staticfiles_storage.url("favicon.ico"), permanent=True)


urlpatterns = [
    path("favicon.ico", favicon),
    # Staff alone is not enough: a manager's right to see tickets (the «Менеджеры» group).
    path("admin/analytics/", admin.site.admin_view(
        permission_required("tickets.view_ticket", raise_exception=True)(
            analytics_views.dashboard)), name="analytics-dashboard"),
    # The per-manager dashboard: a manager's own page; the team's table for a lead.
    path("admin/analytics/me/", admin.site.admin_view(
        permission_required("tickets.view_ticket", raise_exception=True)(
            manager_views.manager_dashboard)), name="analytics-manager"),
    path("admin/analytics/team/", admin.site.admin_view(
        permission_required(manager_views.TEAM_PERMISSION, raise_exception=True)(
            manager_views.team_dashboard)), name="analytics-team"),
    path("admin/notifications/telegram-link/",
         admin.site.admin_view(notification_views.manager_link),
         name="notifications-manager-link"),
    # The first screen after login is the queue (in front of the stock index).
    path("admin/", admin.site.admin_view(workspace_index), name="workspace-index"),
    path("admin/", admin.site.urls),
    re_path(r"^manager/openapi\.json$", openapi.document, name="openapi"),
    re_path(r"^manager/analytics/?$", analytics_views.analytics_json, name="analytics-json"),
    path("manager/", include("tickets.api.urls")),
    path("integrations/bitrix/", include("bitrix_integration.urls")),
    re_path(r"^integrations/telegram/webhook/?$", notification_views.webhook,
            name="telegram-webhook"),
    # Integration endpoints are added in front of this catch-all; any other
    # path under /integrations/ (or bare /manager) still answers JSON.
    re_path(r"^(manager|integrations)(/.*)?$", not_found),
    path("notifications/", include("notifications.urls")),
    path("", include("tickets.urls")),
]
