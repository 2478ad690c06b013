"""Sign-in events from Django and django-axes, written to the audit log.

These are the framework's own events; the product's flow never runs through signals.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import audit_record
from .models import AuditAction
from .request_context import client_ip_from_request


def _ip(request) -> str | None:
    return client_ip_from_request(request) if request is not None else None


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, actor=user, target=user, ip_address=_ip(request))


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        reason = "timeout" if request is not None and request.POST.get("timeout") == "1" else "signed out"
        audit_record(
            action=AuditAction.LOGOUT,
            actor=user,
            target=user,
            detail={"reason": reason},
            ip_address=_ip(request),
        )


@receiver(user_login_failed)
def record_login_failed(sender, credentials, request=None, **kwargs):
    # Never the password; the address typed is kept so repeated guessing shows up.
    username = str(credentials.get("username") or credentials.get("email") or "")[:254]
    audit_record(action=AuditAction.LOGIN_FAILED, actor_label=username, ip_address=_ip(request))


@receiver(user_locked_out)
def record_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(action=AuditAction.LOCKED_OUT, actor_label=str(username or "")[:254], ip_address=ip_address)
