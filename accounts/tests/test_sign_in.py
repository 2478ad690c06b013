"""Signing in and out: email and password, lockout after repeated failures, idle timeout."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR="203.0.113.7", **extra)


def test_a_person_signs_in_with_their_email_and_reaches_their_home_page(client, commissioner_northshire):
    """The right email and password, then the code from their authenticator app, lead to the home page,
    which names the person's organisation."""
    from accounts.two_factor import next_unused_code
    from conftest import test_authenticator

    device = test_authenticator(commissioner_northshire)
    response = sign_in(client, "Commissioner@Northshire.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    code_page = client.get(response["Location"])
    assert code_page["Location"] == "/accounts/two-factor/code/?next=%2F"
    response = client.post(code_page["Location"], {"code": next_unused_code(device)})
    assert response["Location"] == "/"
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert "Northshire Council" in home.text
    assert "Priya Shah" in home.text


def test_a_wrong_password_shows_an_error_summary(client, commissioner_northshire):
    response = sign_in(client, commissioner_northshire.email, "not-the-password")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter a correct email address and password" in response.text
    assert response.text.count("<title>Error: Sign in") == 1


def test_empty_fields_are_named_in_the_error_summary(client, db):
    response = client.post(LOGIN, {"username": "", "password": ""})
    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text


def test_six_wrong_passwords_lock_the_account_with_a_clear_message(client, commissioner_northshire):
    """After 5 failures from the same address the account is locked; even the right password is refused."""
    for _ in range(5):
        sign_in(client, commissioner_northshire.email, "wrong-password-guess")
    sixth = sign_in(client, commissioner_northshire.email, "wrong-password-guess")
    assert sixth.status_code == 429
    assert "Your account is locked" in sixth.text
    assert "30 minutes" in sixth.text
    right = sign_in(client, commissioner_northshire.email, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        action=AuditAction.LOCKED_OUT, actor_label=commissioner_northshire.email
    ).exists()


def test_a_lockout_from_one_address_does_not_lock_the_account_elsewhere(client, commissioner_northshire):
    for _ in range(6):
        sign_in(client, commissioner_northshire.email, "wrong-password-guess")
    response = client.post(
        LOGIN, {"username": commissioner_northshire.email, "password": PASSWORD}, REMOTE_ADDR="198.51.100.9"
    )
    assert response.status_code == 302


def test_sign_in_and_failures_are_in_the_audit_log_with_the_address(client, commissioner_northshire):
    sign_in(client, commissioner_northshire.email, "wrong-password-guess")
    sign_in(client, commissioner_northshire.email, PASSWORD)
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor_label == commissioner_northshire.email
    assert failed.ip_address == "203.0.113.7"
    login = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert login.actor_id == commissioner_northshire.pk
    assert login.ip_address == "203.0.113.7"
    assert "password" not in str(failed.detail)


def test_signing_out_is_a_post_and_ends_the_session(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_after_an_idle_timeout_the_sign_in_page_says_why(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(reverse("accounts:logout"), {"timeout": "1"}, follow=True)
    assert "You were signed out because you had not done anything for 30 minutes" in response.text
    assert AuditEvent.objects.get(action=AuditAction.LOGOUT).detail == {"reason": "timeout"}


def test_sessions_end_after_30_idle_minutes_and_use_extends_them(
    client, commissioner_northshire, monkeypatch
):
    """A request pushes the end back to 30 minutes from then, writing the session at most once a minute."""
    from django.contrib.sessions.models import Session

    from accounts import middleware

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    clock = [1_000_000.0]
    monkeypatch.setattr(middleware, "_now", lambda: clock[0])
    client.force_login(commissioner_northshire)
    key = client.session.session_key

    def expiry():
        return Session.objects.get(session_key=key).expire_date

    client.get(reverse("dashboard:home"))
    first = expiry()
    clock[0] += 30  # half a minute later: no write
    Session.objects.filter(session_key=key).update(expire_date=first - datetime.timedelta(minutes=5))
    client.get(reverse("dashboard:home"))
    assert expiry() == first - datetime.timedelta(minutes=5)
    clock[0] += 31  # over a minute since the last write: 30 minutes from now again
    client.get(reverse("dashboard:home"))
    assert expiry() > first - datetime.timedelta(seconds=5)
    assert (expiry() - timezone.now()) > datetime.timedelta(minutes=29, seconds=50)


def test_the_keep_alive_writes_the_session_whenever_it_is_called(client, commissioner_northshire):
    from django.contrib.sessions.models import Session

    client.force_login(commissioner_northshire)
    client.get(reverse("dashboard:home"))
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=2))
    client.post(reverse("accounts:keep_alive"), headers={"X-Requested-With": "fetch"})
    remaining = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert remaining > datetime.timedelta(minutes=29, seconds=50)


def test_pages_warn_before_the_idle_timeout(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    page = client.get(reverse("dashboard:home")).text
    assert 'data-session-timeout="1800"' in page
    assert 'data-session-warning="300"' in page
    assert "You're about to be signed out" in page


def test_keep_alive_answers_scripts_with_no_content_and_forms_with_a_redirect(
    client, commissioner_northshire
):
    client.force_login(commissioner_northshire)
    assert (
        client.post(reverse("accounts:keep_alive"), headers={"X-Requested-With": "fetch"}).status_code == 204
    )
    response = client.post(reverse("accounts:keep_alive"), {"next": "/documents/"})
    assert response["Location"] == "/documents/"
    offsite = client.post(reverse("accounts:keep_alive"), {"next": "https://evil.example/"})
    assert offsite["Location"] == reverse("dashboard:home")
    assert client.get(reverse("accounts:keep_alive")).status_code == 405


def test_passwords_must_be_at_least_12_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        password_validation.validate_password("Xq7#kLm2pWz")
    password_validation.validate_password("a-long-enough-passphrase")


def test_a_signed_in_person_visiting_sign_in_goes_home(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    assert client.get(LOGIN)["Location"] == reverse("dashboard:home")


def test_changing_password_needs_the_old_one_and_a_long_new_one(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    url = reverse("accounts:change_password")
    short = client.post(url, {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"})
    assert "at least 12 characters" in short.text
    ok = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )
    assert ok.status_code == 302
    commissioner_northshire.refresh_from_db()
    assert commissioner_northshire.check_password("a-brand-new-passphrase")
