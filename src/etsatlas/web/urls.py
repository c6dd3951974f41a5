"""Root URL configuration: each area mounts its own urls; the API lives under /api/v1/."""

from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("etsatlas.web.atlas.urls")),
    path("prices/", include("etsatlas.web.prices.urls")),
    path("", include("etsatlas.web.analysis.urls")),
    path("", include("etsatlas.web.linking.urls")),
    path("library/", include("etsatlas.web.library.urls")),
    path("partnership/", include("etsatlas.web.partnership.urls")),
    path("accounts/", include("etsatlas.web.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler404 = "etsatlas.web.core.views.page_not_found"
handler500 = "etsatlas.web.core.views.server_error"
