from django.urls import path

from . import attachment_views, privacy_views, views

app_name = "tickets"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify_view, name="verify"),
    path("logout/", views.logout_view, name="logout"),
    path("tickets/", views.ticket_list, name="list"),
    path("tickets/new/", views.ticket_new, name="new"),
    path("tickets/<int:ticket_id>/", views.ticket_detail, name="detail"),
    path("tickets/<int:ticket_id>/comment/", views.ticket_comment, name="comment"),
    path("tickets/<int:ticket_id>/rate/", views.ticket_rate, name="rate"),
    path("me/", privacy_views.my_data, name="my_data"),
    path("me/export/", privacy_views.my_data_export, name="my_data_export"),
    path("me/erase/", privacy_views.my_data_erase, name="my_data_erase"),
    path("attachments/<int:attachment_id>/", attachment_views.attachment_download,
         name="attachment"),
    path("attachments/<int:attachment_id>/thumb/", attachment_views.attachment_download,
         {"thumbnail": True}, name="attachment-thumb"),
    path("healthz", views.healthz, name="healthz"),
]
