"""Fail closed on two-factor sign-in: until a session is verified, private pages send the person to it."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from .two_factor import two_factor_device, two_factor_pending


class TwoFactorMiddleware:
    """After AuthenticationMiddleware, LoginRequiredMiddleware and django-otp's OTPMiddleware.

    A signed-in person who must give a code (see accounts.two_factor) and has not yet done so in this
    session reaches only public pages (signing in, password reset, the accessibility statement, the
    health check) and the views marked `two_factor_exempt` (the code and set-up pages, signing out).
    Everything else, the support admin included, redirects to the code page, or to the set-up page
    when they have no authenticator app yet. GET requests come back to where they were going.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "login_required", True) is False:
            return None
        if getattr(view_func, "two_factor_exempt", False):
            return None
        view_class = getattr(view_func, "view_class", None)
        if view_class is not None and getattr(view_class, "two_factor_exempt", False):
            return None
        if not two_factor_pending(request):
            return None
        has_app = two_factor_device(request.user) is not None
        url = reverse("accounts:two_factor_verify" if has_app else "accounts:two_factor_setup")
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return redirect(url)
