"""Personal data past its retention period goes: deleted, or anonymised where the record must stay."""

import datetime
from io import StringIO

import pytest
from axes.models import AccessLog
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_create
from contracts.retention import REMOVED_TEXT
from core.audit import audit_verify
from core.models import AuditEvent, Notification
from core.retention import ANONYMISED_NAME, RETENTION_ACTOR_LABEL
from dashboard.tests.factories import make_ipa, make_system
from procurement.models import IndividualPlacementAgreement, Referral, ReferralResponse

NOW = timezone.now()
LONG_AGO = NOW - datetime.timedelta(days=3 * 365)


def run(*args) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def _age_user(user, when):
    """Make a person's joining, last sign-in and every change to them (their deactivation) `when`."""
    User.objects.filter(pk=user.pk).update(date_joined=when, last_login=when)
    User.history.model.objects.filter(id=user.pk).update(history_date=when)


@pytest.fixture
def personal_data(northshire, commissioner_northshire):
    """Something of each kind, one past its period and one not."""
    leaver = user_create(
        email="leaver@northshire.test",
        full_name="Joan Leaver",
        organisation=northshire,
        roles=[Role.COMMISSIONER],
        password="a-long-enough-password",
    )
    leaver.is_active = False
    leaver.save()  # a history row: the deactivation
    if apps.is_installed("django_otp.plugins.otp_totp"):  # two-factor sign-in, where installed
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(user=leaver, name="Joan's phone")
    if apps.is_installed("django_otp.plugins.otp_static"):  # and her backup codes
        from django_otp.plugins.otp_static.models import StaticDevice

        StaticDevice.objects.create(user=leaver, name="Backup codes").token_set.create(token="abcde23456")
    _age_user(leaver, LONG_AGO)
    recent_leaver = user_create(
        email="recent@northshire.test",
        full_name="Rita Recent",
        organisation=northshire,
        roles=[Role.COMMISSIONER],
        password=None,
    )
    recent_leaver.is_active = False
    recent_leaver.save()
    _age_user(commissioner_northshire, LONG_AGO)  # active, long unseen: kept

    for person, days in ((leaver, 400), (commissioner_northshire, 400), (commissioner_northshire, 10)):
        note = Notification.objects.create(
            key=f"n-{person.pk}-{days}", recipient=person, kind="test", subject=f"{days} days old"
        )
        Notification.objects.filter(pk=note.pk).update(created_at=NOW - datetime.timedelta(days=days))

    for username, days in (("leaver@northshire.test", 10), ("someone@else.test", 400), ("fresh@x.test", 5)):
        log = AccessLog.objects.create(username=username, ip_address="10.0.0.1", user_agent="t")
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=NOW - datetime.timedelta(days=days))

    for expiry in (NOW - datetime.timedelta(hours=1), NOW + datetime.timedelta(hours=1)):
        store = SessionStore()
        store.create()
        Session.objects.filter(session_key=store.session_key).update(expire_date=expiry)
    return {"leaver": leaver, "recent_leaver": recent_leaver, "active": commissioner_northshire}


def test_a_dry_run_counts_each_kind_and_changes_nothing(personal_data):
    events, users = AuditEvent.objects.count(), list(User.objects.values_list("email", "full_name"))

    output = run("--dry-run")

    assert "Sessions: 1 due" in output
    assert "Sign-in history: 1 due" in output
    assert "Notifications: 2 due" in output
    assert "Deactivated user accounts: 1 due" in output
    assert "Dry run: 5 record(s) past their retention period; nothing changed." in output
    assert AuditEvent.objects.count() == events
    assert list(User.objects.values_list("email", "full_name")) == users
    assert (Notification.objects.count(), AccessLog.objects.count(), Session.objects.count()) == (3, 3, 2)


def test_retention_deletes_and_anonymises_what_is_past_its_period_once(personal_data):
    leaver, recent, active = personal_data["leaver"], personal_data["recent_leaver"], personal_data["active"]

    output = run()

    assert "Retention applied: 5 record(s) deleted or anonymised." in output
    leaver.refresh_from_db()
    assert (leaver.email, leaver.full_name) == (f"removed-{leaver.pk}@anonymised.invalid", ANONYMISED_NAME)
    assert not leaver.has_usable_password() and not leaver.role_assignments.exists()
    # Nothing of the old name or email is left in the person's history either.
    assert set(User.history.model.objects.filter(id=leaver.pk).values_list("email", "full_name")) == {
        (leaver.email, ANONYMISED_NAME)
    }
    assert not User.objects.filter(email="leaver@northshire.test").exists()
    assert not AccessLog.objects.filter(username="leaver@northshire.test").exists()
    assert not Notification.objects.filter(recipient=leaver).exists()
    if apps.is_installed("django_otp"):
        from django_otp import devices_for_user

        assert not list(devices_for_user(leaver, confirmed=None))
    if apps.is_installed("django_otp.plugins.otp_static"):
        from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

        assert not StaticDevice.objects.filter(user=leaver).exists()
        assert not StaticToken.objects.filter(token="abcde23456").exists()
    # Kept: a recent leaver, an active person however long unseen, recent notifications and sign-ins.
    recent.refresh_from_db()
    active.refresh_from_db()
    assert recent.full_name == "Rita Recent" and active.full_name == "Priya Shah"
    assert list(Notification.objects.values_list("subject", flat=True)) == ["10 days old"]
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["fresh@x.test"]
    assert Session.objects.filter(expire_date__gt=NOW).count() == Session.objects.count() == 1

    # Audited by the service, one event per kind, with counts and ids but never the data removed.
    events = AuditEvent.objects.filter(actor_label=RETENTION_ACTOR_LABEL)
    assert {event.detail["retention"]: event.detail["count"] for event in events} == {
        "sessions": 1,
        "sign_in_records:AccessLog": 1,
        "notifications": 2,
        "deactivated_accounts": 1,
    }
    assert "leaver@northshire.test" not in str(list(events.values_list("detail", flat=True)))
    assert next(audit_verify(), None) is None

    # Idempotent: a second run finds nothing and records nothing.
    count = AuditEvent.objects.count()
    assert "Retention applied: 0 record(s)" in run()
    assert AuditEvent.objects.count() == count


@override_settings(RETENTION={"notifications": 5, "deactivated_accounts": 10 * 365})
def test_periods_come_from_settings(personal_data):
    output = run("--dry-run")
    assert "Notifications: 3 due" in output
    assert "Deactivated user accounts: 0 due" in output


def test_the_nightly_task_applies_retention(personal_data):
    from core.retention import apply_retention

    assert apply_retention.apply().get() == 5
    assert apply_retention.apply().get() == 0


@pytest.fixture
def placements(lead_northshire, commissioner_northshire, provider_oakfield):
    _, lot = make_system(lead_northshire)
    oakfield = provider_oakfield.organisation
    old = make_ipa(
        commissioner_northshire,
        lot,
        oakfield,
        reference="IPA-OLD",
        start_on=datetime.date(2015, 9, 1),
        end_on=datetime.date(2018, 7, 20),
    )
    new = make_ipa(commissioner_northshire, lot, oakfield, reference="IPA-NEW")
    for ipa in (old, new):
        ReferralResponse.objects.create(referral=ipa.referral, provider=oakfield, notes="Knows the family.")
    return old, new


def test_case_references_go_six_years_after_the_placement_ended(placements):
    old, new = placements

    assert "Children's case references in closed placements and referrals: 1 due" in run("--dry-run")
    run()

    old.refresh_from_db()
    referral = Referral.objects.get(pk=old.referral_id)
    assert old.case_reference == referral.case_reference == f"removed-{referral.pk}"
    assert referral.key_requirements == REMOVED_TEXT
    assert not referral.responses.exclude(notes="").exists()
    # Nor in the history of either.
    assert not Referral.history.model.objects.filter(case_reference="CASE-IPA-OLD").exists()
    ipa_history = IndividualPlacementAgreement.history.model.objects
    assert not ipa_history.filter(case_reference="CASE-IPA-OLD").exists()
    # The placement itself (fees, dates) stays; the other, running placement is untouched.
    assert old.weekly_fee > 0
    new.refresh_from_db()
    assert new.case_reference == "CASE-IPA-NEW"
    event = AuditEvent.objects.get(actor_label=RETENTION_ACTOR_LABEL, detail__retention="placements")
    assert event.detail["ids"] == [str(referral.pk)] and "CASE-IPA-OLD" not in str(event.detail)
    assert next(audit_verify(), None) is None
