"""Two-factor sign-in: who must use it, setting up an authenticator app, checking codes, resetting.

Council and operator staff hold commercial, financial and children's placement data, so every person
holding a local-authority or operator role must confirm each sign-in with a 6-digit code from an
authenticator app (TOTP, RFC 6238). Evaluators are included: they read sealed bids once they are opened.
Forum members and provider users may set it up; once they have, their sign-ins ask for the code too.

Wrong codes are refused by django-otp's own throttle (each wrong code doubles the wait before the next
try) and count towards the same django-axes lockout as wrong passwords (5 in 30 minutes). Every set-up,
wrong code, accepted code and reset is written to the audit log.
"""

import base64
from dataclasses import dataclass
from xml.etree import ElementTree

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit_record
from core.models import AuditAction

from .models import Role, User

# Roles whose holders must use two-factor sign-in: every local-authority role and the operator's.
TWO_FACTOR_ROLES = frozenset(
    {
        Role.COMMISSIONER,
        Role.LEAD_COMMISSIONER,
        Role.EVALUATOR,
        Role.FINANCE_APPROVER,
        Role.LEGAL_APPROVER,
        Role.STAFF_ADMIN,
    }
)
DEVICE_NAME = "Authenticator app"
# Set at sign-in for a person who may skip two-factor sign-in but has set it up: ask them for the code.
PENDING_SESSION_KEY = "two_factor_pending"

CODE_MISSING = "Enter the 6-digit code from your authenticator app"
CODE_WRONG = "The code is not correct or has expired"


def two_factor_required(user) -> bool:
    """True when this person must use two-factor sign-in (the setting can switch enforcement off)."""
    return bool(settings.TWO_FACTOR_REQUIRED and user.is_authenticated and user.has_role(*TWO_FACTOR_ROLES))


def two_factor_device(user) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def two_factor_pending(request) -> bool:
    """True while this signed-in session still has to give a code before it reaches a private page."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    return two_factor_required(user) or bool(request.session.get(PENDING_SESSION_KEY))


def two_factor_mark_sign_in(*, request, user) -> None:
    """After the password: a person who may skip two-factor but has set it up is asked for the code too."""
    if not two_factor_required(user) and two_factor_device(user) is not None:
        request.session[PENDING_SESSION_KEY] = True


def two_factor_setup_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device whose key is shown on the set-up page (the same key on every visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def manual_key(device: TOTPDevice) -> str:
    """The key written out for typing into an app, in groups of four: 'ABCD EFGH …'."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code, drawn on the server (no image file)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    element = image.get_image()
    element.set("class", "app-qr-code")
    element.set("role", "img")
    element.set("aria-label", "QR code for your authenticator app")
    element.set("width", "200")
    element.set("height", "200")
    element.set("focusable", "false")
    ElementTree.register_namespace("", "http://www.w3.org/2000/svg")
    return ElementTree.tostring(element, encoding="unicode")


def next_unused_code(device: TOTPDevice) -> str:
    """The code an authenticator app with this key shows now, or the next one when this one was used.

    For the local demo (`manage.py demo_code`) and the tests' sign-in: never shown to anyone in a page.
    """
    current = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    step = max(current, device.last_t + 1)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


@dataclass(frozen=True)
class CodeResult:
    accepted: bool
    error: str = ""
    locked_out: bool = False


def _throttled_message(device: TOTPDevice) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (data or {}).get("locked_until")
    wait = max(1, int((locked_until - timezone.now()).total_seconds()) + 1) if locked_until else 60
    unit = "second" if wait == 1 else "seconds"
    return f"You have entered too many wrong codes. Wait {wait} {unit} and try again"


def _check_code(*, request, user: User, device: TOTPDevice, code: str, step: str) -> CodeResult:
    """Check one code against one device; record the outcome; count a wrong code towards the lockout."""
    if AxesProxyHandler.is_locked(request, {"username": user.email}):
        logout(request)
        return CodeResult(accepted=False, error=CODE_WRONG, locked_out=True)
    throttled = _throttled_message(device)
    if throttled:
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            actor=user,
            target=user,
            detail={"two_factor": f"{step}: code refused while throttled"},
        )
        return CodeResult(accepted=False, error=throttled)
    with transaction.atomic():
        # Lock the row so two requests with the same code cannot both pass (django-otp keeps last_t).
        locked = TOTPDevice.objects.select_for_update(no_key=True).get(pk=device.pk)
        accepted = locked.verify_token(code)
    if accepted:
        return CodeResult(accepted=True)
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        actor=user,
        target=user,
        detail={"two_factor": f"{step}: code not accepted"},
    )
    # The same lockout as wrong passwords: 5 failures per account and address in 30 minutes.
    AxesProxyHandler.user_login_failed(
        sender=two_factor_verify, credentials={"username": user.email}, request=request
    )
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return CodeResult(accepted=False, error=CODE_WRONG, locked_out=True)
    return CodeResult(accepted=False, error=CODE_WRONG)


def two_factor_verify(*, request, code: str) -> CodeResult:
    """The code step of signing in: a right code marks this session verified."""
    user = request.user
    device = two_factor_device(user)
    if device is None:
        return CodeResult(accepted=False, error="Set up your authenticator app first")
    result = _check_code(request=request, user=user, device=device, code=code, step="sign-in")
    if result.accepted:
        otp_login(request, device)
        request.session.pop(PENDING_SESSION_KEY, None)
        audit_record(
            action=AuditAction.LOGIN, actor=user, target=user, detail={"two_factor": "code accepted"}
        )
    return result


def two_factor_confirm_setup(*, request, code: str) -> CodeResult:
    """Finish setting up: the first right code from the new app confirms it and verifies this session."""
    user = request.user
    if two_factor_device(user) is not None:
        return CodeResult(accepted=False, error="Two-factor sign-in is already set up")
    device = two_factor_setup_device(user=user)
    result = _check_code(request=request, user=user, device=device, code=code, step="set-up")
    if result.accepted:
        with transaction.atomic():
            TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device.refresh_from_db()
            audit_record(
                action=AuditAction.CREATE,
                actor=user,
                target=user,
                detail={"two_factor": "authenticator app set up"},
            )
        otp_login(request, device)
        request.session.pop(PENDING_SESSION_KEY, None)
    return result


def two_factor_reset(*, person: User, actor: User) -> int:
    """Remove a person's authenticator apps (lost phone): they set up a new one at their next sign-in.

    Their sessions verified by the removed app stop being verified on their next request.
    """
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=person).delete()
        audit_record(
            action=AuditAction.DELETE,
            actor=actor,
            target=person,
            detail={"two_factor": "reset", "devices_removed": removed},
        )
    return removed
