from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "DenialHelp staff"
admin.site.site_title = "DenialHelp staff"
admin.site.index_title = "Catalog, criteria and orders"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("appeals.urls")),
]
