"""Backup codes: a person who cannot use their authenticator app signs in with one of 10 single-use codes.

They are made when the app is set up and shown once; each works once; wrong ones count towards the same
throttle and lockout as wrong app codes; a new set replaces the old; a staff admin's reset removes them.
"""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import (
    BACKUP_CODE_WRONG,
    backup_code_display,
    backup_codes_left,
    backup_codes_make,
    next_unused_code,
)
from conftest import PASSWORD, PERSONAS, test_authenticator
from core.models import AuditAction, AuditEvent
from tests.access import assert_access

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
CODE = "/accounts/two-factor/code/"
BACKUP = "/accounts/two-factor/backup-code/"
SET_UP = "/accounts/two-factor/set-up/"
STATUS = "/accounts/two-factor/"
NEW_CODES = "/accounts/two-factor/backup-codes/"
ADDRESS = "203.0.113.9"
MAY_SKIP = {"forum_member", "provider_oakfield", "provider_riverside"}
CODES_ON_PAGE = re.compile(r'<strong class="app-backup-code">([a-z2-9]{5} [a-z2-9]{5})</strong>')


def password_sign_in(client, user):
    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302, response.text
    return response


def enter_backup_code(client, code, url=BACKUP):
    return client.post(url, {"code": code}, REMOTE_ADDR=ADDRESS)


def signed_in_with_backup_codes(client, user) -> list[str]:
    """An app and a fresh set of backup codes; signed in with the password, at the code step."""
    test_authenticator(user)
    codes = backup_codes_make(user=user)
    password_sign_in(client, user)
    return codes


def unthrottle(user):
    """As if the wait after the last wrong backup code had passed."""
    StaticDevice.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(days=1)
    )


def all_audit_text() -> str:
    return " ".join(str(detail) for detail in AuditEvent.objects.values_list("detail", flat=True))


def assert_no_code_in_audit(codes):
    text = all_audit_text()
    for code in codes:
        assert code not in text
        assert backup_code_display(code) not in text


# Made at set-up, shown once.


def test_setting_up_an_app_shows_ten_backup_codes_once(client, commissioner_northshire):
    password_sign_in(client, commissioner_northshire)
    client.get(f"{SET_UP}?next=/needs/")
    device = TOTPDevice.objects.get(user=commissioner_northshire, confirmed=False)

    done = client.post(f"{SET_UP}?next=/needs/", {"code": next_unused_code(device)}, REMOTE_ADDR=ADDRESS)

    assert done.status_code == 200
    assert "Save your backup codes" in done.text
    assert "Keep these codes somewhere safe. Each works once." in done.text
    assert "Use one if you cannot use your authenticator app." in done.text
    assert "Two-factor sign-in is set up" in done.text
    assert 'href="/needs/"' in done.text, "Continue carries on to the page asked for"
    assert "no-store" in done["Cache-Control"]
    shown = CODES_ON_PAGE.findall(done.text)
    assert len(shown) == len(set(shown)) == 10
    stored = set(
        StaticToken.objects.filter(device__user=commissioner_northshire).values_list("token", flat=True)
    )
    assert {code.replace(" ", "") for code in shown} == stored
    # Never shown again: not on the two-factor page, not by going back to the set-up page.
    assert client.get("/needs/").status_code == 200
    for url in (STATUS, SET_UP, NEW_CODES):
        page = client.get(url, follow=True)
        assert not CODES_ON_PAGE.search(page.text), url
        assert not any(code in page.text for code in shown), url
    made = AuditEvent.objects.get(actor_id=commissioner_northshire.pk, detail__two_factor="backup codes made")
    assert made.action == AuditAction.CREATE
    assert made.detail == {"two_factor": "backup codes made", "backup_codes": 10}
    assert_no_code_in_audit(stored)


# Signing in with one.


def test_the_code_page_offers_a_backup_code_instead(client, finance_northshire):
    signed_in_with_backup_codes(client, finance_northshire)
    page = client.get(f"{CODE}?next=/needs/")
    assert f'href="{BACKUP}?next=%2Fneeds%2F"' in page.text
    assert "Use a backup code instead" in page.text
    backup = client.get(f"{BACKUP}?next=/needs/")
    assert backup.status_code == 200
    assert "Enter a backup code" in backup.text
    assert f'href="{CODE}?next=%2Fneeds%2F"' in backup.text, "and back to the app's code"
    assert client.get("/needs/").status_code == 302, "the page itself signs nobody in"


def test_a_backup_code_gets_past_the_code_step(client, finance_northshire):
    codes = signed_in_with_backup_codes(client, finance_northshire)
    typed = backup_code_display(codes[3]).upper()  # as read off paper: grouped, in capitals

    response = client.post(f"{BACKUP}?next=/needs/", {"code": typed}, REMOTE_ADDR=ADDRESS)

    assert response.status_code == 302
    assert response["Location"] == "/needs/"
    page = client.get("/needs/")
    assert page.status_code == 200
    assert "govuk-notification-banner" in page.text
    assert "You signed in with a backup code. You have 9 backup codes left." in page.text
    assert "Make new backup codes" not in page.text, "plenty left: no nudge yet"
    assert (
        StaticDevice.objects.get(user=finance_northshire).persistent_id
        == client.session[DEVICE_ID_SESSION_KEY]
    )
    assert backup_codes_left(finance_northshire) == 9
    assert not StaticToken.objects.filter(token=codes[3]).exists()
    event = AuditEvent.objects.get(action=AuditAction.LOGIN, detail__two_factor="backup code accepted")
    assert event.detail == {"two_factor": "backup code accepted", "backup_codes_left": 9}
    assert_no_code_in_audit(codes)


def test_a_used_backup_code_is_refused_like_a_wrong_one(finance_northshire):
    codes = signed_in_with_backup_codes(first := Client(), finance_northshire)
    second = Client()
    password_sign_in(second, finance_northshire)
    assert enter_backup_code(first, codes[0]).status_code == 302

    again = enter_backup_code(second, codes[0])
    assert again.status_code == 200
    assert BACKUP_CODE_WRONG in again.text
    assert "There is a problem" in again.text
    assert second.get("/").status_code == 302
    unthrottle(finance_northshire)
    wrong = enter_backup_code(second, "zzzzz zzzzz")
    assert wrong.status_code == 200
    assert BACKUP_CODE_WRONG in wrong.text
    assert second.get("/").status_code == 302
    failures = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, actor_id=finance_northshire.pk)
    assert [event.detail for event in failures] == [{"two_factor": "sign-in: backup code not accepted"}] * 2
    assert_no_code_in_audit([*codes, "zzzzzzzzzz"])


@pytest.mark.parametrize("typed", ["", "abc", "abcde 2345", "abcde-23456-x", "abcde 2345!"])
def test_a_missing_or_malformed_backup_code_is_named_and_does_not_count(client, legal_northshire, typed):
    signed_in_with_backup_codes(client, legal_northshire)
    response = enter_backup_code(client, typed)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "<title>Error: " in response.text
    expected = "Enter a backup code" if not typed else "Enter the backup code as it was shown to you"
    assert expected in response.text
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).exists()


def test_after_a_wrong_backup_code_even_the_right_one_must_wait(client, legal_northshire):
    """django-otp's throttle on the backup codes, as on the app: each wrong code doubles the wait."""
    codes = signed_in_with_backup_codes(client, legal_northshire)
    enter_backup_code(client, "zzzzzzzzzz")
    too_soon = enter_backup_code(client, codes[0])
    assert "You have entered too many wrong codes. Wait" in too_soon.text
    assert client.get("/").status_code == 302
    unthrottle(legal_northshire)
    assert enter_backup_code(client, codes[0]).status_code == 302
    assert client.get("/").status_code == 200


def test_five_wrong_backup_codes_lock_the_account_and_sign_out(client, legal_northshire):
    """Wrong backup codes count towards the same lockout as wrong passwords and app codes."""
    codes = signed_in_with_backup_codes(client, legal_northshire)
    for _ in range(4):
        assert enter_backup_code(client, "zzzzzzzzzz").status_code == 200
        unthrottle(legal_northshire)
    fifth = enter_backup_code(client, "zzzzzzzzzz")
    assert fifth.status_code == 429
    assert "Your account is locked" in fifth.text
    assert "_auth_user_id" not in client.session
    again = client.post(
        LOGIN, {"username": legal_northshire.email, "password": PASSWORD}, REMOTE_ADDR=ADDRESS
    )
    assert again.status_code == 429
    assert backup_codes_left(legal_northshire) == 10
    assert_no_code_in_audit(codes)


def test_wrong_app_codes_and_wrong_backup_codes_add_up_to_the_lockout(client, legal_northshire):
    signed_in_with_backup_codes(client, legal_northshire)
    app = TOTPDevice.objects.get(user=legal_northshire)
    right = {next_unused_code(app)}
    for _ in range(3):
        wrong = next(c for c in ("000000", "111111", "222222") if c not in right)
        assert client.post(CODE, {"code": wrong}, REMOTE_ADDR=ADDRESS).status_code == 200
        TOTPDevice.objects.filter(pk=app.pk).update(throttling_failure_timestamp=None)
    assert enter_backup_code(client, "zzzzzzzzzz").status_code == 200
    unthrottle(legal_northshire)
    assert enter_backup_code(client, "yyyyyyyyyy").status_code == 429


def test_a_locked_account_cannot_use_a_right_backup_code(client, legal_northshire):
    codes = signed_in_with_backup_codes(client, legal_northshire)
    for _ in range(5):
        enter_backup_code(client, "zzzzzzzzzz")
        unthrottle(legal_northshire)
    other = Client()
    # The password step itself is refused while locked, so no session reaches the backup code page.
    assert (
        other.post(
            LOGIN, {"username": legal_northshire.email, "password": PASSWORD}, REMOTE_ADDR=ADDRESS
        ).status_code
        == 429
    )
    assert backup_codes_left(legal_northshire) == len(codes)


def test_a_provider_who_set_up_an_app_may_use_a_backup_code(client, provider_oakfield):
    """Two-factor sign-in is optional for providers; once set up, a backup code passes the code step."""
    codes = signed_in_with_backup_codes(client, provider_oakfield)
    assert client.get("/")["Location"].startswith(CODE)
    assert enter_backup_code(client, codes[0]).status_code == 302
    assert client.get("/").status_code == 200


# How many are left, and the nudge to make more.


def test_few_codes_left_the_banner_and_the_page_say_make_new_ones(client, commissioner_northshire):
    codes = signed_in_with_backup_codes(client, commissioner_northshire)
    StaticToken.objects.filter(token__in=codes[:6]).delete()  # 4 left

    assert enter_backup_code(client, codes[6]).status_code == 302

    home = client.get("/")
    assert "You have 3 backup codes left. Make new backup codes" in home.text
    status = client.get(STATUS)
    assert status.status_code == 200
    assert "You have 3 backup codes left." in status.text
    assert "govuk-warning-text" in status.text
    assert "You have only 3 backup codes left. Make new ones" in status.text
    assert f'href="{NEW_CODES}"' in status.text


def test_the_last_code_says_so(client, commissioner_northshire):
    codes = signed_in_with_backup_codes(client, commissioner_northshire)
    StaticToken.objects.filter(token__in=codes[1:]).delete()
    assert enter_backup_code(client, codes[0]).status_code == 302
    assert "You signed in with your last backup code. Make new backup codes now" in client.get("/").text
    assert "You have no backup codes left" in client.get(STATUS).text


def test_the_two_factor_page_shows_how_many_are_left(client, finance_northshire):
    test_authenticator(finance_northshire)
    client.force_login(finance_northshire)
    assert "You have 0 backup codes left." in client.get(STATUS).text, "set up before backup codes existed"
    backup_codes_make(user=finance_northshire)
    page = client.get(STATUS)
    assert "You have 10 backup codes left." in page.text
    assert "You have only" not in page.text
    assert "Make new backup codes" in page.text


# A new set replaces the old.


def test_making_a_new_set_shows_it_once_and_the_old_codes_stop_working(commissioner_northshire):
    old = signed_in_with_backup_codes(client := Client(), commissioner_northshire)
    assert enter_backup_code(client, old[0]).status_code == 302  # verified by a backup code

    confirm = client.get(NEW_CODES)
    assert confirm.status_code == 200
    assert "Make new backup codes" in confirm.text
    assert "Your old backup codes will stop working." in confirm.text
    assert "You have 9 backup codes left." in confirm.text
    made = client.post(NEW_CODES)
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    assert "Your old backup codes no longer work" in made.text
    new = [code.replace(" ", "") for code in CODES_ON_PAGE.findall(made.text)]
    assert len(set(new)) == 10 and not set(new) & set(old)
    assert backup_codes_left(commissioner_northshire) == 10
    assert client.get("/").status_code == 200, "the session a backup code verified stays verified"
    event = AuditEvent.objects.get(detail__two_factor="backup codes replaced")
    assert (event.action, event.actor_id, event.target_id) == (
        AuditAction.UPDATE,
        commissioner_northshire.pk,
        str(commissioner_northshire.pk),
    )
    assert event.detail == {
        "two_factor": "backup codes replaced",
        "backup_codes": 10,
        "backup_codes_replaced": 9,
    }
    assert_no_code_in_audit([*old, *new])

    later = Client()
    password_sign_in(later, commissioner_northshire)
    assert BACKUP_CODE_WRONG in enter_backup_code(later, old[1]).text
    unthrottle(commissioner_northshire)
    assert enter_backup_code(later, new[0]).status_code == 302


def test_making_new_codes_touches_nobody_elses(client, commissioner_northshire, finance_northshire):
    """There is no id in the address: a person only ever makes, and sees, their own codes."""
    theirs = set(backup_codes_make(user=finance_northshire))
    test_authenticator(commissioner_northshire)
    client.force_login(commissioner_northshire)
    made = client.post(NEW_CODES, {"user": finance_northshire.pk, "pk": finance_northshire.pk})
    assert made.status_code == 200
    assert (
        set(StaticToken.objects.filter(device__user=finance_northshire).values_list("token", flat=True))
        == theirs
    )
    assert not any(code in made.text for code in theirs)
    assert backup_codes_left(commissioner_northshire) == 10


# Reset by a staff admin.


def test_a_staff_admin_reset_removes_the_backup_codes_too(staff_admin, finance_northshire):
    codes = signed_in_with_backup_codes(finance := Client(), finance_northshire)
    assert enter_backup_code(finance, codes[0]).status_code == 302
    assert finance.get("/").status_code == 200
    admin = Client()
    admin.force_login(staff_admin)

    assert admin.post(f"/accounts/people/{finance_northshire.pk}/two-factor/reset/").status_code == 302

    assert not StaticDevice.objects.filter(user=finance_northshire).exists()
    assert not StaticToken.objects.filter(token__in=codes).exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETE, actor_id=staff_admin.pk)
    assert event.detail == {"two_factor": "reset", "devices_removed": 1, "backup_codes_removed": 9}
    # The session the backup code verified is no longer verified: set up a new app (and get new codes).
    assert finance.get("/")["Location"].startswith(SET_UP)
    assert_no_code_in_audit(codes)


# Who reaches the pages.


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in (BACKUP, NEW_CODES):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(LOGIN), url


def test_who_may_make_new_backup_codes(request):
    """Anyone whose sign-in is verified by two-factor; the rest are sent to the two-factor page."""
    for persona in PERSONAS:
        if persona not in MAY_SKIP:
            test_authenticator(request.getfixturevalue(persona))
    table = {persona: 302 if persona in MAY_SKIP else 200 for persona in PERSONAS}
    assert_access(request, NEW_CODES, {"anonymous": 302, **table})
    assert_access(request, NEW_CODES, {"anonymous": 302, **table}, method="post")
    for persona in MAY_SKIP:
        assert not StaticDevice.objects.filter(user=request.getfixturevalue(persona)).exists()


@pytest.mark.parametrize("persona", sorted(MAY_SKIP))
def test_somebody_without_an_app_is_told_to_set_one_up_first(request, client, persona):
    person = request.getfixturevalue(persona)
    client.force_login(person)
    for method in ("get", "post"):
        response = getattr(client, method)(NEW_CODES, follow=True)
        assert response.redirect_chain[0] == (STATUS, 302)
        assert "Set up two-factor sign-in first" in response.text
    # Not at the code step: the backup code page sends them on, and signs nobody in.
    assert client.get(f"{BACKUP}?next=/needs/")["Location"] == "/needs/"
    assert client.post(BACKUP, {"code": "abcde23456"})["Location"] == "/"
    assert not StaticDevice.objects.filter(user=person).exists()


def test_before_the_code_step_new_codes_wait_for_the_code(client, commissioner_northshire):
    """A password alone cannot make new backup codes: that would be a way round the code step."""
    codes = signed_in_with_backup_codes(client, commissioner_northshire)
    for method in ("get", "post"):
        response = getattr(client, method)(NEW_CODES)
        assert response.status_code == 302
        assert response["Location"].startswith(CODE)
    assert set(
        StaticToken.objects.filter(device__user=commissioner_northshire).values_list("token", flat=True)
    ) == set(codes)


def test_without_an_app_the_backup_code_page_sends_to_set_up(client, commissioner_northshire):
    password_sign_in(client, commissioner_northshire)
    assert client.get(BACKUP)["Location"] == SET_UP
    response = enter_backup_code(client, "abcde23456")
    assert response.status_code == 200
    assert "Set up your authenticator app first" in response.text


def test_once_verified_the_backup_code_page_sends_the_person_on(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    assert client.get(f"{BACKUP}?next=/needs/")["Location"] == "/needs/"
    assert client.post(f"{BACKUP}?next=https://evil.example/", {"code": "abcde23456"})["Location"] == "/"
