"""Two-factor sign-in: council and operator staff confirm each sign-in with a code from an app."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import next_unused_code
from conftest import PASSWORD, test_authenticator
from core.models import AuditAction, AuditEvent
from core.permissions import declared_permission

from .urls_walk import all_routes

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
CODE = "/accounts/two-factor/code/"
SET_UP = "/accounts/two-factor/set-up/"

MUST_USE = [
    "commissioner_northshire",
    "lead_northshire",
    "evaluator_northshire",
    "finance_northshire",
    "legal_northshire",
    "commissioner_southvale",
    "staff_admin",
]
MAY_SKIP = ["forum_member", "provider_oakfield", "provider_riverside"]


def password_sign_in(client, user):
    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302, response.text
    return response


def enter_code(client, code, url=CODE):
    return client.post(url, {"code": code}, REMOTE_ADDR="203.0.113.9")


def code_at(device, steps_from_now: int) -> str:
    step = int(timezone.now().timestamp()) // device.step + steps_from_now
    return f"{hotp(device.bin_key, step):06d}"


def wrong_code(device) -> str:
    right = {code_at(device, n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def unthrottle(device):
    """As if the wait after the last wrong code had passed."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(days=1)
    )


@pytest.mark.parametrize("persona", MUST_USE)
def test_council_and_operator_staff_without_an_app_must_set_one_up(request, client, persona):
    """After the password, a person holding a council or operator role is sent to set up an app."""
    password_sign_in(client, request.getfixturevalue(persona))
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith(SET_UP)


@pytest.mark.parametrize("persona", MAY_SKIP)
def test_forum_members_and_providers_may_sign_in_without_a_code(request, client, persona):
    password_sign_in(client, request.getfixturevalue(persona))
    assert client.get("/").status_code == 200


def test_a_provider_who_set_up_an_app_is_asked_for_its_code(client, provider_oakfield):
    """Two-factor sign-in is optional for providers, but once set up it is asked for at every sign-in."""
    device = test_authenticator(provider_oakfield)
    password_sign_in(client, provider_oakfield)
    assert client.get("/")["Location"].startswith(CODE)
    assert enter_code(client, next_unused_code(device)).status_code == 302
    assert client.get("/").status_code == 200


def test_the_right_code_signs_in_and_returns_to_the_page_asked_for(client, finance_northshire):
    device = test_authenticator(finance_northshire)
    client.post(
        f"{LOGIN}?next=/needs/",
        {"username": finance_northshire.email, "password": PASSWORD},
    )
    page = client.get("/needs/")
    assert page.status_code == 302
    assert page["Location"] == f"{CODE}?next=%2Fneeds%2F"
    form = client.get(page["Location"])
    assert "Enter the code from your authenticator app" in form.text
    assert 'autocomplete="one-time-code"' in form.text
    # No service navigation before the code: each link would only come back here.
    assert "govuk-service-navigation__list" not in form.text and 'href="/needs/"' not in form.text
    assert 'data-session-timeout="1800"' in form.text  # the idle warning still works
    response = client.post(page["Location"], {"code": next_unused_code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/needs/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN, actor_id=finance_northshire.pk, detail__two_factor="code accepted"
    ).exists()


def test_the_code_page_never_sends_a_person_to_another_site(client, finance_northshire):
    device = test_authenticator(finance_northshire)
    password_sign_in(client, finance_northshire)
    response = client.post(f"{CODE}?next=https://evil.example/", {"code": next_unused_code(device)})
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12345", "Enter the 6-digit code from your authenticator app"),
        ("abcdef", "Enter the 6-digit code from your authenticator app"),
    ],
)
def test_a_missing_or_malformed_code_is_named_in_the_error_summary(client, legal_northshire, typed, message):
    test_authenticator(legal_northshire)
    password_sign_in(client, legal_northshire)
    response = enter_code(client, typed)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert "<title>Error: " in response.text
    assert client.get("/").status_code == 302


def test_a_wrong_code_is_refused_and_recorded(client, legal_northshire):
    device = test_authenticator(legal_northshire)
    password_sign_in(client, legal_northshire)
    response = enter_code(client, wrong_code(device))
    assert response.status_code == 200
    assert "The code is not correct or has expired" in response.text
    assert client.get("/").status_code == 302
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED, actor_id=legal_northshire.pk)
    assert failed.detail == {"two_factor": "sign-in: code not accepted"}


def test_an_expired_code_is_refused(client, legal_northshire):
    """A code from two minutes ago (four 30-second steps) has expired."""
    device = test_authenticator(legal_northshire)
    password_sign_in(client, legal_northshire)
    response = enter_code(client, code_at(device, -4))
    assert "The code is not correct or has expired" in response.text
    assert client.get("/").status_code == 302


def test_a_code_cannot_be_used_twice(legal_northshire):
    """Somebody who saw a code typed in cannot sign in with it again."""
    device = test_authenticator(legal_northshire)
    code = next_unused_code(device)
    first, second = Client(), Client()
    password_sign_in(first, legal_northshire)
    password_sign_in(second, legal_northshire)
    assert enter_code(first, code).status_code == 302
    replay = enter_code(second, code)
    assert "The code is not correct or has expired" in replay.text
    assert second.get("/").status_code == 302


def test_after_a_wrong_code_even_the_right_one_must_wait(client, legal_northshire):
    """django-otp's throttle: each wrong code doubles the wait before the next try is checked at all."""
    device = test_authenticator(legal_northshire)
    password_sign_in(client, legal_northshire)
    enter_code(client, wrong_code(device))
    too_soon = enter_code(client, next_unused_code(device))
    assert "You have entered too many wrong codes. Wait" in too_soon.text
    assert client.get("/").status_code == 302
    unthrottle(device)
    assert enter_code(client, next_unused_code(device)).status_code == 302
    assert client.get("/").status_code == 200


def test_five_wrong_codes_lock_the_account_and_sign_out(client, legal_northshire):
    """Wrong codes count towards the same lockout as wrong passwords: 5 in 30 minutes from one address."""
    device = test_authenticator(legal_northshire)
    password_sign_in(client, legal_northshire)
    for _ in range(4):
        assert enter_code(client, wrong_code(device)).status_code == 200
        unthrottle(device)
    fifth = enter_code(client, wrong_code(device))
    assert fifth.status_code == 429
    assert "Your account is locked" in fifth.text
    assert "_auth_user_id" not in client.session
    again = client.post(
        LOGIN, {"username": legal_northshire.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert again.status_code == 429


def test_setting_up_shows_a_qr_code_and_the_key_then_confirms_with_a_code(client, commissioner_northshire):
    password_sign_in(client, commissioner_northshire)
    page = client.get(SET_UP)
    assert page.status_code == 200
    assert re.search(r'<svg[^>]*class="app-qr-code"[^>]*role="img"', page.text)
    device = TOTPDevice.objects.get(user=commissioner_northshire, confirmed=False)
    key = re.search(r'id="manual-key"><strong>([A-Z2-7 ]+)</strong>', page.text).group(1)
    assert len(key.replace(" ", "")) == 32
    assert client.get(SET_UP).text.count(key) == 1, "the same key on every visit until confirmed"

    wrong = enter_code(client, wrong_code(device), url=SET_UP)
    assert "The code is not correct or has expired" in wrong.text
    unthrottle(device)
    done = enter_code(client, next_unused_code(device), url=SET_UP)
    assert done.status_code == 200, "the new backup codes are shown before carrying on"
    assert "Save your backup codes" in done.text
    assert TOTPDevice.objects.get(user=commissioner_northshire).confirmed
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE,
        actor_id=commissioner_northshire.pk,
        detail__two_factor="authenticator app set up",
    ).exists()


def test_a_person_with_an_app_cannot_set_up_another_to_skip_the_code(client, commissioner_northshire):
    """The set-up page would otherwise let somebody with only the password add their own app."""
    test_authenticator(commissioner_northshire)
    password_sign_in(client, commissioner_northshire)
    assert client.get(SET_UP)["Location"] == CODE
    assert enter_code(client, "123456", url=SET_UP)["Location"] == CODE
    assert TOTPDevice.objects.filter(user=commissioner_northshire).count() == 1


PASSING = {
    "accounts:two_factor_verify",
    "accounts:two_factor_setup",
    "accounts:two_factor_backup",
    "accounts:logout",
    "accounts:keep_alive",
}


def _private_routes():
    for route in all_routes():
        if route.name in PASSING or declared_permission(route.callback) == "public":
            continue
        if route.namespace == "admin" and route.name in {"admin:login"}:
            continue
        yield route


def test_every_private_page_and_the_support_admin_redirect_until_the_code_is_given(client, staff_admin):
    """Walk every URL pattern: with only the password, each one leads to the code page."""
    test_authenticator(staff_admin)
    password_sign_in(client, staff_admin)
    routes = list(_private_routes())
    assert len(routes) > 300
    failures = []
    # A third of the patterns by GET, in every app and the admin; every other one of those by POST too.
    # The middleware answers before any view runs, so the sample stands for the rest.
    for number, route in enumerate(routes[::3]):
        for method in ("get", "post") if number % 2 == 0 else ("get",):
            response = getattr(client, method)(route.url)
            if response.status_code != 302 or not response["Location"].startswith(CODE):
                failures.append(f"{method.upper()} {route.url} -> {response.status_code}")
    assert not failures, "\n".join(failures)


def test_public_pages_and_signing_out_still_work_before_the_code(client, commissioner_northshire):
    password_sign_in(client, commissioner_northshire)
    assert client.get("/accessibility/").status_code == 200
    assert client.get("/healthz").status_code in (200, 503)
    out = client.post("/accounts/logout/")
    assert out.status_code == 302
    assert "_auth_user_id" not in client.session


def test_force_login_verifies_unless_told_not_to(commissioner_northshire):
    """The test suite's shim: force_login gives a verified session; verified=False leaves the code to give."""
    verified, unverified = Client(), Client()
    verified.force_login(commissioner_northshire)
    unverified.force_login(commissioner_northshire, verified=False)
    assert verified.get("/").status_code == 200
    assert unverified.get("/")["Location"].startswith(CODE)


@override_settings(TWO_FACTOR_REQUIRED=False)
def test_the_setting_switches_enforcement_off(client, commissioner_northshire):
    password_sign_in(client, commissioner_northshire)
    assert client.get("/").status_code == 200


# Resetting a person's two-factor sign-in (a lost phone): staff admins only, audited.


def reset_url(person_pk) -> str:
    return f"/accounts/people/{person_pk}/two-factor/reset/"


def test_a_staff_admin_resets_a_persons_app_and_they_set_up_a_new_one(
    client, staff_admin, finance_northshire
):
    device = test_authenticator(finance_northshire)
    finance = Client()
    finance.force_login(finance_northshire)
    assert finance.get("/").status_code == 200

    client.force_login(staff_admin)
    page = client.get(reset_url(finance_northshire.pk))
    assert page.status_code == 200
    assert finance_northshire.email in page.text
    done = client.post(reset_url(finance_northshire.pk))
    assert done.status_code == 302
    assert done["Location"] == f"/support/accounts/user/{finance_northshire.pk}/change/"
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETE, actor_id=staff_admin.pk)
    assert event.target_id == str(finance_northshire.pk)
    assert event.detail == {"two_factor": "reset", "devices_removed": 1, "backup_codes_removed": 0}
    # The session the removed app verified is no longer verified: set up a new app.
    assert finance.get("/")["Location"].startswith(SET_UP)


def test_the_support_admin_links_to_the_reset(client, staff_admin, finance_northshire):
    client.force_login(staff_admin)
    page = client.get(f"/support/accounts/user/{finance_northshire.pk}/change/")
    assert page.status_code == 200
    assert reset_url(finance_northshire.pk) in page.text


@pytest.mark.parametrize(
    "persona",
    ["commissioner_northshire", "lead_northshire", "finance_northshire", "forum_member", "provider_oakfield"],
)
def test_nobody_but_a_staff_admin_may_reset(request, client, persona, finance_northshire):
    device = test_authenticator(finance_northshire)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reset_url(finance_northshire.pk)).status_code == 403
    assert client.post(reset_url(finance_northshire.pk)).status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_resetting_a_missing_person_answers_404_and_signed_out_visitors_sign_in(client, staff_admin):
    assert Client().get(reset_url(staff_admin.pk))["Location"].startswith(LOGIN)
    client.force_login(staff_admin)
    assert client.get(reset_url(999999)).status_code == 404
    assert client.post(reset_url(999999)).status_code == 404


# The local demo: one published key for every council and operator login, and a command for its code.


def test_the_demo_logins_of_council_and_operator_staff_have_the_published_key(db):
    from dashboard.demo import people

    people.seed(password=PASSWORD)
    devices = TOTPDevice.objects.filter(confirmed=True).select_related("user")
    emails = {device.user.email for device in devices}
    assert "commissioner@northshire.example" in emails
    assert "admin@example.org" in emails
    assert "provider@oakfield.example" not in emails
    assert "forum@northshire-pcf.example" not in emails
    assert {device.key for device in devices} == {"911a31918e911a31918e911a31918e911a31918e"}


@override_settings(DEBUG=True)
def test_demo_code_prints_a_code_the_code_page_accepts(client, capsys, finance_northshire):
    test_authenticator(finance_northshire)
    call_command("demo_code", finance_northshire.email)
    code = capsys.readouterr().out.strip()
    assert re.fullmatch(r"\d{6}", code)
    password_sign_in(client, finance_northshire)
    assert enter_code(client, code).status_code == 302
    assert client.get("/").status_code == 200


def test_demo_code_refuses_outside_the_local_demo(finance_northshire):
    test_authenticator(finance_northshire)
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_code", finance_northshire.email)
