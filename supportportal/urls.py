from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Портал поддержки — рабочее место менеджера"
admin.site.site_title = "Портал поддержки"
admin.site.index_title = "Заявки и справочники"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("tickets.urls")),
]
