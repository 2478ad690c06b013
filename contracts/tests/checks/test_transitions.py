"""Moving a check: the provider sends evidence, the lead authority verifies or fails it. Every forbidden move
is refused with a named error and leaves the check as it was."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import ProviderCheck, ProviderCheckEvidence, ProviderCheckStatus
from contracts.services import checks as services
from core.models import AuditEvent, Document, Notification
from procurement.models import Membership, MembershipStatus

from .helpers import DUE_DAY, evidence_files, evidence_values, submit

pytestmark = pytest.mark.django_db

S = ProviderCheckStatus


def _force(check, status):
    ProviderCheck.objects.filter(pk=check.pk).update(status=status)
    check.refresh_from_db()
    return check


def test_the_provider_sends_evidence_and_the_lead_commissioners_are_told(
    checks, provider_oakfield, lead_northshire
):
    check = submit(checks["oakfield"], provider_oakfield)
    assert check.status == S.SUBMITTED and check.submitted_by == provider_oakfield
    assert check.insurance_cover_pounds == 5_000_000 and check.ofsted_judgement == "good"
    evidence = ProviderCheckEvidence.objects.filter(provider_check=check)
    assert sorted(evidence.values_list("area", flat=True)) == ["financial", "insurance", "registration"]
    assert {e.document.organisation_id for e in evidence} == {check.provider_id}
    told = Notification.objects.get(kind="annual_check_submitted")
    assert told.recipient == lead_northshire
    assert AuditEvent.objects.filter(target_type="contracts.providercheck", action="transition").count() == 1


def test_late_evidence_is_taken_but_the_places_stay_suspended(checks, provider_oakfield):
    services.annual_checks_mark_overdue(today=DUE_DAY + datetime.timedelta(days=1))
    check = submit(ProviderCheck.objects.get(pk=checks["oakfield"].pk), provider_oakfield)
    assert check.status == S.SUBMITTED
    assert set(Membership.objects.filter(provider=check.provider).values_list("status", flat=True)) == {
        MembershipStatus.SUSPENDED
    }


def test_verify_records_the_decision_and_tells_the_provider(checks, provider_oakfield, lead_northshire):
    check = submit(checks["oakfield"], provider_oakfield)
    check = services.provider_check_verify(check=check, actor=lead_northshire, notes="Certificates seen.")
    assert (check.status, check.decided_by, check.decision_notes) == (
        S.VERIFIED,
        lead_northshire,
        "Certificates seen.",
    )
    assert Notification.objects.filter(kind="annual_check_verified", recipient=provider_oakfield).count() == 1
    assert set(Membership.objects.filter(provider=check.provider).values_list("status", flat=True)) == {
        MembershipStatus.ACTIVE
    }


def test_fail_suspends_the_places_and_tells_every_member_authority(
    checks, provider_oakfield, lead_northshire, commissioner_northshire, commissioner_southvale
):
    check = submit(checks["oakfield"], provider_oakfield)
    check = services.provider_check_fail(
        check=check, actor=lead_northshire, reason="Insurance lapsed in May."
    )
    assert check.status == S.FAILED and check.decision_notes == "Insurance lapsed in May."
    places = Membership.objects.filter(provider=check.provider)
    assert places.count() == 2 and {m.status for m in places} == {MembershipStatus.SUSPENDED}
    assert all(m.status_changed_by == lead_northshire for m in places)
    riverside = Membership.objects.exclude(provider=check.provider).get()
    assert riverside.status == MembershipStatus.ACTIVE
    told = {n.recipient for n in Notification.objects.filter(kind="fps_suspended")}
    assert {commissioner_northshire, commissioner_southvale, lead_northshire} <= told


def test_a_fail_needs_a_reason(checks, provider_oakfield, lead_northshire):
    check = submit(checks["oakfield"], provider_oakfield)
    with pytest.raises(ValidationError):
        services.provider_check_fail(check=check, actor=lead_northshire, reason="  ")
    check.refresh_from_db()
    assert check.status == S.SUBMITTED


@pytest.mark.parametrize(
    ("start", "move"),
    [
        (S.REQUESTED, "verify"),
        (S.REQUESTED, "fail"),
        (S.OVERDUE, "verify"),
        (S.VERIFIED, "verify"),
        (S.VERIFIED, "fail"),
        (S.FAILED, "verify"),
        (S.FAILED, "fail"),
        (S.SUBMITTED, "submit"),
        (S.VERIFIED, "submit"),
        (S.FAILED, "submit"),
    ],
)
def test_forbidden_moves_are_refused_and_change_nothing(
    checks, provider_oakfield, lead_northshire, start, move
):
    check = _force(checks["oakfield"], start)
    documents = Document.objects.count()
    with pytest.raises(services.InvalidTransition):
        if move == "verify":
            services.provider_check_verify(check=check, actor=lead_northshire)
        elif move == "fail":
            services.provider_check_fail(check=check, actor=lead_northshire, reason="No.")
        else:
            submit(check, provider_oakfield)
    check.refresh_from_db()
    assert check.status == start and Document.objects.count() == documents


def test_a_stale_copy_cannot_win_a_second_time(checks, provider_oakfield, lead_northshire):
    """Two lead commissioners click at once: the second, holding the old state, is refused."""
    check = submit(checks["oakfield"], provider_oakfield)
    stale = ProviderCheck.objects.get(pk=check.pk)
    services.provider_check_verify(check=check, actor=lead_northshire)
    with pytest.raises(services.InvalidTransition):
        services.provider_check_fail(check=stale, actor=lead_northshire, reason="Late second click")
    assert ProviderCheck.objects.get(pk=check.pk).status == S.VERIFIED


@pytest.mark.parametrize("persona", ["commissioner_northshire", "commissioner_southvale", "lead_southvale"])
def test_only_the_lead_authority_s_lead_commissioners_decide(request, checks, provider_oakfield, persona):
    check = submit(checks["oakfield"], provider_oakfield)
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.provider_check_verify(check=check, actor=actor)
    with pytest.raises(PermissionDenied):
        services.provider_check_fail(check=check, actor=actor, reason="No")
    assert ProviderCheck.objects.get(pk=check.pk).status == S.SUBMITTED


def test_another_provider_cannot_send_evidence(checks, provider_riverside):
    with pytest.raises(PermissionDenied):
        submit(checks["oakfield"], provider_riverside)
    assert ProviderCheck.objects.get(pk=checks["oakfield"].pk).status == S.REQUESTED
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        SimpleUploadedFile("accounts.pdf", b"<svg onload=alert(1)></svg>"),
        SimpleUploadedFile("accounts.csv", b"year,turnover\n2025,4200000\n"),
    ],
    ids=["svg dressed as pdf", "a spreadsheet"],
)
def test_a_refused_file_leaves_nothing_written(checks, provider_oakfield, bad):
    files = evidence_files()
    files["financial_document"] = bad
    with pytest.raises(ValidationError) as error:
        services.provider_check_submit(
            check=checks["oakfield"], actor=provider_oakfield, values=evidence_values(), files=files
        )
    assert "financial_document" in error.value.error_dict
    assert not Document.objects.exists() and not ProviderCheckEvidence.objects.exists()
    assert ProviderCheck.objects.get(pk=checks["oakfield"].pk).status == S.REQUESTED


def test_warnings_show_insurance_running_out_and_an_inadequate_judgement(checks, provider_oakfield):
    check = submit(
        checks["oakfield"],
        provider_oakfield,
        insurance_expires_on=datetime.date(2026, 12, 31),
        ofsted_judgement="inadequate",
    )
    warnings = services.check_warnings(check)
    assert warnings == [
        "The insurance expires on 31 December 2026, before next year's check on 1 April 2027.",
        "The latest Ofsted judgement is Inadequate (4 November 2025).",
    ]
    good = submit(
        checks["riverside"], provider_oakfield.__class__.objects.get(email="provider@riverside.test")
    )
    assert services.check_warnings(good) == []
