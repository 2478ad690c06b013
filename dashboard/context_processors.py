from django.conf import settings

from accounts.two_factor import two_factor_pending
from core.selectors import unread_notification_count

from .navigation import navigation_for, section_navigation_for


def layout(request) -> dict:
    """What the base layout needs: the service, the person's organisation, their links, the idle timeout."""
    context = {"service_name": settings.SERVICE_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    context.update(
        {"session_timeout": settings.SESSION_COOKIE_AGE, "session_warning": settings.SESSION_WARNING_SECONDS}
    )
    if hasattr(user, "is_verified") and two_factor_pending(request):
        # Signed in with the password only: every link would lead back to the code step, so none is shown.
        return context
    unread = unread_notification_count(user)
    context.update(
        {
            "navigation": navigation_for(user, request.path, unread=unread),
            "section_navigation": section_navigation_for(user, _namespace(request), request.path),
            "unread_notifications": unread,
            "support_admin": user.is_staff,
        }
    )
    return context


def _namespace(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.namespace if match else ""
