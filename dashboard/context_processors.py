from django.conf import settings

from core.selectors import unread_notification_count

from .navigation import navigation_for


def layout(request) -> dict:
    """What the base layout needs: the service, the person's organisation, their links, the idle timeout."""
    context = {"service_name": settings.SERVICE_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    unread = unread_notification_count(user)
    context.update(
        {
            "navigation": navigation_for(user, request.path, unread=unread),
            "unread_notifications": unread,
            "session_timeout": settings.SESSION_COOKIE_AGE,
            "session_warning": settings.SESSION_WARNING_SECONDS,
            "support_admin": user.is_staff,
        }
    )
    return context
