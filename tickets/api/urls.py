"""``/manager/…``: every path answers JSON, with or without a trailing slash."""

from django.urls import re_path

from supportportal.http import not_found

from . import views

app_name = "manager_api"

urlpatterns = [
    re_path(r"^tickets/?$", views.ticket_list, name="ticket-list"),
    re_path(r"^tickets/(?P<ticket_id>[0-9]{1,18})/?$", views.ticket_detail, name="ticket-detail"),
    re_path(r"^tickets/(?P<ticket_id>[0-9]{1,18})/comment/?$", views.ticket_comment,
            name="ticket-comment"),
    re_path(r"^tickets/(?P<ticket_id>[0-9]{1,18})/status/?$", views.ticket_status,
            name="ticket-status"),
    re_path(r"", not_found),
]
