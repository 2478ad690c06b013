from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import include, path, reverse

admin.site.site_header = "SEND Commissioning support"
admin.site.site_title = "SEND Commissioning support"
admin.site.index_title = "Support"


@login_not_required
def support_admin_login(request, extra_context=None):
    """The support admin signs in through the service's own sign-in page (one page, one lockout)."""
    if request.user.is_authenticated:
        raise PermissionDenied  # signed in, but not support staff
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


admin.site.login = support_admin_login

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
