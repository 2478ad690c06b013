from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("dashboard.urls")),
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("needs/", include("needs.urls")),
    path("commissioning/", include("commissioning.urls")),
    path("coproduction/", include("coproduction.urls")),
    path("procurement/", include("procurement.urls")),
    path("contracts/", include("contracts.urls")),
    path("support/", admin.site.urls),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
