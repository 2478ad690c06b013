"""Two-factor sign-in: who must use it, setting up an authenticator app, checking codes, resetting.

Council and operator staff hold commercial, financial and children's placement data, so every person
holding a local-authority or operator role must confirm each sign-in with a 6-digit code from an
authenticator app (TOTP, RFC 6238). Evaluators are included: they read sealed bids once they are opened.
Forum members and provider users may set it up; once they have, their sign-ins ask for the code too.

Setting up an app also makes 10 single-use backup codes (django-otp's static plugin: one StaticDevice per
person holding StaticTokens), shown once, for signing in without the phone. Each works once; making a new
set replaces the old; a staff admin's reset removes them with the app.

Wrong codes, app or backup, are refused by django-otp's own throttle (each wrong code doubles the wait
before the next try) and count towards the same django-axes lockout as wrong passwords (5 in 30 minutes).
Every set-up, wrong code, accepted code, set of backup codes and reset is written to the audit log (never
a code itself).
"""

import base64
import secrets
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
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
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

BACKUP_DEVICE_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10
BACKUP_CODE_LENGTH = 10
# 32 letters and digits without the look-alikes l, o, 0 and 1: 10 characters hold 50 random bits.
BACKUP_CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
# At or below this many left, the person is told to make new ones.
BACKUP_CODES_LOW = 3
BACKUP_CODE_WRONG = "The backup code is not correct or has already been used"


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


def backup_codes_device(user) -> StaticDevice | None:
    """The person's backup codes (one device holding them all), if they have ever had any."""
    return StaticDevice.objects.filter(user=user).order_by("pk").first()


def backup_codes_left(user) -> int:
    """How many of the person's backup codes are still unused."""
    return StaticToken.objects.filter(device__user=user).count()


def new_backup_code() -> str:
    return "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))


def backup_code_display(code: str) -> str:
    """A backup code written out in two groups for reading and copying: 'abcde 23456'."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def _make_backup_codes(*, user: User) -> tuple[list[str], int]:
    """A new set of codes for the person's backup device, replacing any left; (codes, how many replaced).

    The device itself is kept, so a session it verified (signed in with a backup code) stays verified.
    """
    device = StaticDevice.objects.select_for_update(no_key=True).filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    replaced, _ = StaticToken.objects.filter(device=device).delete()
    codes = [new_backup_code() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    device.throttle_reset(commit=True)
    return codes, replaced


def backup_codes_make(*, user: User) -> list[str]:
    """Make a new set of backup codes (replacing the old, if any); the codes to show, once."""
    with transaction.atomic():
        had_device = StaticDevice.objects.filter(user=user).exists()
        codes, replaced = _make_backup_codes(user=user)
        detail = {"two_factor": "backup codes replaced" if had_device else "backup codes made"}
        detail["backup_codes"] = len(codes)
        if had_device:
            detail["backup_codes_replaced"] = replaced
        audit_record(
            action=AuditAction.UPDATE if had_device else AuditAction.CREATE,
            actor=user,
            target=user,
            detail=detail,
        )
    return codes


@dataclass(frozen=True)
class CodeResult:
    accepted: bool
    error: str = ""
    locked_out: bool = False
    # Set-up: the new backup codes to show once. Signing in with a backup code: how many are left.
    backup_codes: tuple[str, ...] = ()
    backup_codes_left: int | None = None


def _throttled_message(device: TOTPDevice | StaticDevice) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (data or {}).get("locked_until")
    wait = max(1, int((locked_until - timezone.now()).total_seconds()) + 1) if locked_until else 60
    unit = "second" if wait == 1 else "seconds"
    return f"You have entered too many wrong codes. Wait {wait} {unit} and try again"


def _check_code(
    *,
    request,
    user: User,
    device: TOTPDevice | StaticDevice | None,
    code: str,
    step: str,
    kind: str = "code",
    wrong: str = CODE_WRONG,
) -> CodeResult:
    """Check one code against one device; record the outcome; count a wrong code towards the lockout.

    `kind` names the code in the audit log ("code" from the app, "backup code"); with no device (no
    backup codes), every code is wrong and counts like any other.
    """
    if AxesProxyHandler.is_locked(request, {"username": user.email}):
        logout(request)
        return CodeResult(accepted=False, error=wrong, locked_out=True)
    throttled = _throttled_message(device) if device is not None else None
    if throttled:
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            actor=user,
            target=user,
            detail={"two_factor": f"{step}: {kind} refused while throttled"},
        )
        return CodeResult(accepted=False, error=throttled)
    accepted = False
    if device is not None:
        with transaction.atomic():
            # Lock the row so two requests with the same code cannot both pass (django-otp keeps last_t
            # for an app; a backup code is deleted as it is used).
            locked = type(device).objects.select_for_update(no_key=True).filter(pk=device.pk).first()
            accepted = locked is not None and locked.verify_token(code)
    if accepted:
        return CodeResult(accepted=True)
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        actor=user,
        target=user,
        detail={"two_factor": f"{step}: {kind} not accepted"},
    )
    # The same lockout as wrong passwords: 5 failures per account and address in 30 minutes.
    AxesProxyHandler.user_login_failed(
        sender=two_factor_verify, credentials={"username": user.email}, request=request
    )
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return CodeResult(accepted=False, error=wrong, locked_out=True)
    return CodeResult(accepted=False, error=wrong)


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


def two_factor_verify_backup(*, request, code: str) -> CodeResult:
    """The code step with a backup code instead of the app's: a right one is used up and verifies this
    session. A used code is refused exactly like a wrong one."""
    user = request.user
    if two_factor_device(user) is None:
        return CodeResult(accepted=False, error="Set up your authenticator app first")
    device = backup_codes_device(user)
    result = _check_code(
        request=request,
        user=user,
        device=device,
        code=code,
        step="sign-in",
        kind="backup code",
        wrong=BACKUP_CODE_WRONG,
    )
    if not result.accepted:
        return result
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    left = backup_codes_left(user)
    audit_record(
        action=AuditAction.LOGIN,
        actor=user,
        target=user,
        detail={"two_factor": "backup code accepted", "backup_codes_left": left},
    )
    return CodeResult(accepted=True, backup_codes_left=left)


def two_factor_confirm_setup(*, request, code: str) -> CodeResult:
    """Finish setting up: the first right code from the new app confirms it and verifies this session.

    The result carries the person's new backup codes, to be shown to them once."""
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
            codes = backup_codes_make(user=user)
        otp_login(request, device)
        request.session.pop(PENDING_SESSION_KEY, None)
        return CodeResult(accepted=True, backup_codes=tuple(codes))
    return result


def two_factor_reset(*, person: User, actor: User) -> int:
    """Remove a person's authenticator apps and backup codes (lost phone): they set up a new app, and get
    new codes, at their next sign-in.

    Their sessions verified by the removed app or a backup code stop being verified on their next request.
    """
    with transaction.atomic():
        codes_removed = backup_codes_left(person)
        StaticDevice.objects.filter(user=person).delete()  # its codes go with it
        removed, _ = TOTPDevice.objects.filter(user=person).delete()
        audit_record(
            action=AuditAction.DELETE,
            actor=actor,
            target=person,
            detail={"two_factor": "reset", "devices_removed": removed, "backup_codes_removed": codes_removed},
        )
    return removed
