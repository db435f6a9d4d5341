from django.urls import re_path

from . import views

app_name = "bitrix"

urlpatterns = [
    re_path(r"^inbound/?$", views.inbound, name="inbound"),
    re_path(r"^events/?$", views.events, name="events"),
]
