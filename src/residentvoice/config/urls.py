"""The site's URLs: one include per domain app."""

from django.contrib import admin
from django.urls import include, path

from residentvoice.core.api import api

admin.site.site_header = "Resident Voice administration"
admin.site.site_title = "Resident Voice administration"

urlpatterns = [
    path("", include("residentvoice.core.urls")),
    path("", include("residentvoice.organisations.urls")),
    path("charter/", include("residentvoice.charter.urls")),
    path("", include("residentvoice.accounts.urls")),
    path("tsm/", include("residentvoice.tsm.urls")),
    path("scorecards/", include("residentvoice.publication.urls")),
    path("assessment/", include("residentvoice.assessment.urls")),
    path("practices/", include("residentvoice.practices.urls")),
    path("notifications/", include("residentvoice.notifications.urls")),
    path("", include("residentvoice.participation.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler403 = "residentvoice.core.views.permission_denied"
handler404 = "residentvoice.core.views.page_not_found"
handler500 = "residentvoice.core.views.server_error"
