"""URL configuration: the analysts' admin at /admin/, the API under /api/ (later issues)."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Dangerous entities registry"
admin.site.site_title = "Registry admin"
admin.site.index_title = "Curation"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
