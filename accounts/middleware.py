"""Sessions: the idle timeout, and failing closed on two-factor sign-in (until a session is verified,
private pages send the person to the code step)."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.shortcuts import redirect
from django.urls import reverse

from .two_factor import two_factor_device, two_factor_pending

# When the session's idle timer was last pushed back (seconds since the epoch), kept in the session.
REFRESHED_SESSION_KEY = "idle_refreshed"


def _now() -> float:
    return time.time()


def mark_session_fresh(sender, request, user, **kwargs) -> None:
    """At sign-in (a receiver of user_logged_in): the new session is written anyway, so the idle timer
    starts there and the first page after it writes nothing."""
    if request is not None and hasattr(request, "session"):
        request.session[REFRESHED_SESSION_KEY] = _now()


class IdleTimeoutMiddleware:
    """Right after SessionMiddleware: each request from a signed-in person pushes the session's expiry
    back to SESSION_COOKIE_AGE (30 minutes) from now, but writes the session at most once every
    SESSION_REFRESH_SECONDS, not on every request (a database write and commit each time, under load a
    good part of a page's cost). The idle timeout is so between 29 and 30 minutes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = _now()
            if now - session.get(REFRESHED_SESSION_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_SESSION_KEY] = now  # modified: saved with a new expiry as the response goes
        return self.get_response(request)


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
