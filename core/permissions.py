"""How every view declares who may use it. Deny by default.

Each view either is public (Django's `login_not_required`) or declares one permission with
`requires(...)` (function views) or `RequiresPermission` (class views). A test walks every URL pattern
and fails for a view that does neither. Permissions are `rules` predicates registered in each app's
`rules.py`; the object a person may reach is settled by that app's scoped queryset, so another
organisation's object answers 404 exactly like a missing one.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import ImproperlyConfigured, PermissionDenied

# Any signed-in, active person who belongs to an organisation.
SIGNED_IN = "core.signed_in"


def requires(permission: str) -> Callable:
    """Decorate a function view: refuse with 403 unless the user holds `permission`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator


class RequiresPermission:
    """Mixin for class views: `required_permission = "app.rule"`; refuse with 403 without it."""

    required_permission: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not self.required_permission:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare required_permission.")
        if not request.user.has_perm(self.required_permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def declared_permission(view) -> str | None:
    """What a resolved URL callback declares: its permission, "public", or None when it forgot."""
    if getattr(view, "login_required", True) is False:
        return "public"
    permission = getattr(view, "required_permission", None)
    if permission:
        return permission
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        if getattr(view_class, "login_required", True) is False:
            return "public"
        return getattr(view_class, "required_permission", None) or None
    return None
