"""Writes for the lead authority's annual provider checks.

A check moves through these states (the moves are data, `CHECK_TRANSITIONS`):

    requested ──► submitted ──► verified
        │             ▲    └──► failed
        ▼             │
     overdue ─────────┘

- The scheduled run (`annual_checks_run`) makes one check per provider with an active place on a
  purchasing system, on the system's check date, and asks the provider's users for evidence.
- Reminders go 30, 14 and 7 days before the evidence is due (`annual_check_reminders_send`).
- A check still waiting for evidence after its due day becomes overdue (`annual_checks_mark_overdue`)
  and the provider's active places on the system are suspended: every member authority is told.
- The provider may still send evidence late; its places stay suspended until the lead authority has
  verified the evidence and reinstated them (on the membership's page: reinstating is a person's
  decision, never automatic).
- The lead authority's lead commissioners verify the evidence or fail the check; a failed check
  suspends the provider's active places on the system too.

Every transition is one function that checks who and which state, writes with a conditional UPDATE
so two racing requests (or two workers) cannot both win, records the audit event and sends the
notifications in one transaction. Notifications are keyed (kind, check, recipient, due date), so a
task that runs twice, or is retried after a crash, sends nothing twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Role, User
from accounts.rules import is_provider_user
from core.audit import audit_record
from core.documents import document_store
from core.models import AuditAction, Document
from core.notifications import notification_send
from core.transitions import InvalidTransition
from core.uploads import UploadRejected
from procurement.models import Judgement, Membership, MembershipStatus, PurchasingSystem
from procurement.rules.fps import is_council_lead_commissioner
from procurement.services.fps import SCHEDULED_ACTOR_LABEL, membership_suspend

from ..models import (
    EVIDENCE_DAYS,
    REMINDER_DAYS_BEFORE,
    CheckEvidenceArea,
    ProviderCheck,
    ProviderCheckEvidence,
    ProviderCheckStatus,
)

S = ProviderCheckStatus

CHECK_TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.SUBMITTED, S.OVERDUE}),
    S.OVERDUE: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.VERIFIED, S.FAILED}),
    S.VERIFIED: frozenset(),
    S.FAILED: frozenset(),
}

# What a piece of evidence may be: a document or a scan of one.
EVIDENCE_TYPES = ["pdf", "docx", "odt", "png", "jpg"]

OVERDUE_REASON = "Annual provider check {year} overdue: no evidence by {due:%-d %B %Y}."
FAILED_REASON = "Annual provider check {year} failed: {reason}"

__all__ = [
    "CHECK_TRANSITIONS",
    "EVIDENCE_TYPES",
    "InvalidTransition",
    "RunResult",
    "annual_check_reminders_send",
    "annual_checks_daily",
    "annual_checks_mark_overdue",
    "annual_checks_run",
    "check_date_for",
    "check_warnings",
    "provider_check_fail",
    "provider_check_submit",
    "provider_check_verify",
]


# Who is told --------------------------------------------------------------------------------------------


def _provider_users(provider_id: int):
    return User.objects.filter(
        organisation_id=provider_id, is_active=True, role_assignments__role=Role.PROVIDER_USER
    ).distinct()


def _lead_commissioners(system: PurchasingSystem):
    return User.objects.filter(
        organisation_id=system.lead_authority_id,
        is_active=True,
        role_assignments__role=Role.LEAD_COMMISSIONER,
    ).distinct()


def _provider_url(check: ProviderCheck) -> str:
    return reverse("contracts:my_check_detail", args=[check.pk])


def _lead_url(check: ProviderCheck) -> str:
    return reverse("contracts:check_detail", args=[check.pk])


def _notify_provider(check: ProviderCheck, *, kind: str, subject: str, body: str, due_date=None) -> int:
    sent = 0
    for user in _provider_users(check.provider_id):
        if notification_send(
            recipient=user,
            kind=kind,
            subject=subject,
            body=body,
            url=_provider_url(check),
            target=check,
            due_date=due_date,
        ):
            sent += 1
    return sent


def _move(check: ProviderCheck, *, to: str, **values) -> ProviderCheck:
    """The conditional UPDATE every transition goes through: of two racing moves, one wins."""
    current = check.status
    if to not in CHECK_TRANSITIONS[current]:
        raise InvalidTransition(
            f"A check that is {S(current).label.lower()} cannot become {S(to).label.lower()}."
        )
    updated = ProviderCheck.objects.filter(pk=check.pk, status=current).update(status=to, **values)
    if not updated:
        raise InvalidTransition("Someone else has changed this check. Reload the page to see it.")
    check.refresh_from_db()
    return check


def _suspend_places(check: ProviderCheck, *, actor: User | None, reason: str) -> list[Membership]:
    """Suspend the provider's active places on the check's system; `membership_suspend` tells every
    member authority's commissioners and the provider."""
    memberships = Membership.objects.filter(
        lot__system_id=check.system_id, provider_id=check.provider_id, status=MembershipStatus.ACTIVE
    ).select_related("lot", "lot__system", "provider")
    suspended = []
    for membership in memberships:
        try:
            suspended.append(membership_suspend(membership=membership, actor=actor, reason=reason))
        except InvalidTransition:
            continue  # suspended or removed by someone else a moment ago: nothing left to do
    return suspended


# The scheduled run --------------------------------------------------------------------------------------


def _request_evidence(check: ProviderCheck) -> int:
    due = f"{check.evidence_due_on:%-d %B %Y}"
    return _notify_provider(
        check,
        kind="annual_check_requested",
        subject=f"Annual check {check.year} for {check.system}: send your evidence by {due}",
        body=f"{check.system.lead_authority} asks {check.provider} for its annual evidence: registrations "
        "and the latest Ofsted judgement, insurance cover and its expiry, and financial standing. Send it "
        f"by {due}. Without it your places on the system will be suspended.",
    )


@dataclass(frozen=True)
class RunResult:
    created: int = 0
    existing: int = 0
    requests_sent: int = 0


def check_date_for(system: PurchasingSystem, year: int) -> datetime.date:
    return datetime.date(year, system.annual_check_month, system.annual_check_day)


def _systems_due(*, today: datetime.date, year: int | None, system: PurchasingSystem | None = None):
    """Systems whose check date in the year has come, running on that date."""
    systems = PurchasingSystem.objects.order_by("pk")
    if system is not None:
        systems = systems.filter(pk=system.pk)
    for system in systems:
        check_year = year if year is not None else today.year
        check_date = check_date_for(system, check_year)
        if check_date > today:
            continue
        if system.starts_on > check_date or (system.ends_on is not None and system.ends_on < check_date):
            continue
        yield system, check_year, check_date


def annual_checks_run(
    *, today: datetime.date, year: int | None = None, system: PurchasingSystem | None = None
) -> RunResult:
    """Make this year's check for every provider with an active place on a purchasing system whose check
    date has come (or, with `year`, that year's; with `system`, that system only), and ask the
    provider's users for evidence.

    The check is requested on the check date when the run is on time. A check made later (the run was
    missed, or the provider was admitted after the check date) is requested on the day it is made, so a
    provider always has its full `EVIDENCE_DAYS` to answer and is never overdue on the day it is asked.

    Idempotent: the unique (system, provider, year) key means a second run makes nothing, and the
    request notification is keyed, so nobody is asked twice. A run killed half way is finished by the
    next one.
    """
    created = existing = requests_sent = 0
    for due_system, check_year, check_date in _systems_due(today=today, year=year, system=system):
        provider_ids = (
            Membership.objects.filter(lot__system=due_system, status=MembershipStatus.ACTIVE)
            .order_by()
            .values_list("provider_id", flat=True)
            .distinct()
        )
        for provider in Organisation.objects.filter(pk__in=provider_ids).order_by("pk"):
            requested_on = max(check_date, today)
            with transaction.atomic():
                check, was_created = ProviderCheck.objects.get_or_create(
                    system=due_system,
                    provider=provider,
                    year=check_year,
                    defaults={
                        "requested_on": requested_on,
                        "evidence_due_on": requested_on + datetime.timedelta(days=EVIDENCE_DAYS),
                    },
                )
                if was_created:
                    created += 1
                    audit_record(
                        action=AuditAction.CREATE,
                        actor_label=SCHEDULED_ACTOR_LABEL,
                        target=check,
                        detail={"system": due_system.pk, "provider": provider.pk, "year": check_year},
                    )
                else:
                    existing += 1
                if check.status == S.REQUESTED:
                    # Sent again on a later run only if the first run died before it was sent.
                    requests_sent += _request_evidence(check)
    return RunResult(created=created, existing=existing, requests_sent=requests_sent)


def _reminder_point(days_left: int) -> int | None:
    """The most recent reminder point that has come: exactly 30, 14 or 7 days before on time, or on a
    catch-up run the nearest point already passed (10 days left -> the 14-day reminder). None before the
    first point and after the due day."""
    if days_left < 0:
        return None
    passed = [point for point in REMINDER_DAYS_BEFORE if point >= days_left]
    return min(passed) if passed else None


def annual_check_reminders_send(*, today: datetime.date) -> int:
    """Remind the provider's users of checks still waiting for evidence, 30, 14 and 7 days before it is
    due. Each reminder is keyed by its point (the day it was due to go), so it goes once however often
    the task runs. A missed day is caught up by sending the most recent point that has passed and was
    not sent; older points are skipped, so nobody gets two reminders at once. Returns how many were sent.
    """
    sent = 0
    latest_due = today + datetime.timedelta(days=max(REMINDER_DAYS_BEFORE))
    checks = ProviderCheck.objects.filter(
        status=S.REQUESTED, evidence_due_on__gte=today, evidence_due_on__lte=latest_due
    ).select_related("system", "provider")
    for check in checks:
        days_left = (check.evidence_due_on - today).days
        point = _reminder_point(days_left)
        if point is None:
            continue
        reminder_day = check.evidence_due_on - datetime.timedelta(days=point)
        days = "today" if days_left == 0 else f"in {days_left} day{'s' if days_left != 1 else ''}"
        with transaction.atomic():
            sent += _notify_provider(
                check,
                kind="annual_check_reminder",
                subject=f"Reminder: your annual check evidence for {check.system} is due {days}",
                body=f"Send your evidence by {check.evidence_due_on:%-d %B %Y}. Without it your places on "
                f"{check.system} will be suspended.",
                due_date=reminder_day,
            )
    return sent


def annual_checks_mark_overdue(*, today: datetime.date) -> int:
    """Checks still waiting for evidence after their due day become overdue, and the provider's active
    places on the system are suspended (every member authority is told). Idempotent: a check already
    overdue is left alone. Returns how many checks became overdue."""
    count = 0
    due = ProviderCheck.objects.filter(status=S.REQUESTED, evidence_due_on__lt=today).select_related(
        "system", "provider"
    )
    for check in due:
        with transaction.atomic():
            try:
                check = _move(check, to=S.OVERDUE)
            except InvalidTransition:
                continue  # evidence arrived a moment ago, or another worker got here first
            audit_record(
                action=AuditAction.TRANSITION,
                actor_label=SCHEDULED_ACTOR_LABEL,
                target=check,
                detail={"from": S.REQUESTED, "to": S.OVERDUE},
            )
            reason = OVERDUE_REASON.format(year=check.year, due=check.evidence_due_on)
            _suspend_places(check, actor=None, reason=reason)
            _notify_provider(
                check,
                kind="annual_check_overdue",
                subject=f"Your annual check for {check.system} is overdue: your places are suspended",
                body=f"{reason} You can still send the evidence; your places stay suspended until the lead "
                "authority has checked it.",
            )
            count += 1
    return count


# The provider's evidence --------------------------------------------------------------------------------


FILE_FIELDS = {
    CheckEvidenceArea.REGISTRATION: "registration_document",
    CheckEvidenceArea.INSURANCE: "insurance_document",
    CheckEvidenceArea.FINANCIAL: "financial_document",
}


def _validate_evidence(values: dict, files: dict) -> dict:
    errors = {}
    cleaned = {
        "registration_statement": (values.get("registration_statement") or "").strip(),
        "ofsted_judgement": values.get("ofsted_judgement") or "",
        "ofsted_judgement_on": values.get("ofsted_judgement_on"),
        "insurance_cover_pounds": values.get("insurance_cover_pounds"),
        "insurance_expires_on": values.get("insurance_expires_on"),
        "financial_statement": (values.get("financial_statement") or "").strip(),
    }
    if not cleaned["registration_statement"]:
        errors["registration_statement"] = "Enter the registrations you hold"
    if cleaned["ofsted_judgement"] not in Judgement.values:
        errors["ofsted_judgement"] = "Select the latest Ofsted judgement"
    elif cleaned["ofsted_judgement"] == Judgement.NOT_YET_INSPECTED:
        cleaned["ofsted_judgement_on"] = None
    elif cleaned["ofsted_judgement_on"] is None:
        errors["ofsted_judgement_on"] = "Enter the date of the latest judgement"
    if not cleaned["insurance_cover_pounds"] or cleaned["insurance_cover_pounds"] < 1:
        errors["insurance_cover_pounds"] = "Enter the insurance cover in pounds"
    if cleaned["insurance_expires_on"] is None:
        errors["insurance_expires_on"] = "Enter the date the insurance expires"
    if not cleaned["financial_statement"]:
        errors["financial_statement"] = "Enter your latest accounts and any material change"
    for area, field in FILE_FIELDS.items():
        if not files.get(field):
            errors[field] = f"Select the {CheckEvidenceArea(area).label.lower()} evidence"
    if errors:
        raise ValidationError(errors)
    return cleaned


def provider_check_submit(*, check: ProviderCheck, actor: User, values: dict, files: dict) -> ProviderCheck:
    """The provider sends its evidence: statements and one document per area (registration, insurance,
    financial). Allowed while the check waits for evidence, and late once it is overdue (its places stay
    suspended until the lead authority reinstates them). The lead authority's lead commissioners are told.

    Everything is stored together or not at all: a refused file (wrong type, too big, a virus) is a
    ValidationError on its field, and no document, evidence row or state change is left behind.
    """
    if not is_provider_user(actor) or actor.organisation_id != check.provider_id:
        raise PermissionDenied
    if S.SUBMITTED not in CHECK_TRANSITIONS[check.status]:
        raise InvalidTransition(
            f"Evidence cannot be sent for a check that is {check.get_status_display().lower()}."
        )
    cleaned = _validate_evidence(values, files)
    stored: list[Document] = []
    try:
        with transaction.atomic():
            documents = {}
            errors = {}
            for area, field in FILE_FIELDS.items():
                try:
                    document = document_store(
                        organisation=check.provider,
                        uploaded_by=actor,
                        uploaded_file=files[field],
                        title=f"Annual check {check.year}: {CheckEvidenceArea(area).label.lower()}",
                        allowed=EVIDENCE_TYPES,
                    )
                except UploadRejected as rejected:
                    errors[field] = rejected.message
                else:
                    stored.append(document)
                    documents[area] = document
            if errors:
                raise ValidationError(errors)
            previous = check.status
            check = _move(check, to=S.SUBMITTED, submitted_by=actor, submitted_at=timezone.now(), **cleaned)
            for area, document in documents.items():
                ProviderCheckEvidence.objects.create(
                    provider_check=check, area=area, document=document, added_by=actor
                )
            audit_record(
                action=AuditAction.TRANSITION,
                actor=actor,
                target=check,
                detail={"from": previous, "to": S.SUBMITTED, "documents": [d.pk for d in stored]},
            )
            for user in _lead_commissioners(check.system):
                notification_send(
                    recipient=user,
                    kind="annual_check_submitted",
                    subject=f"{check.provider} has sent its annual check evidence for {check.system}",
                    body="Check the evidence, then verify the check or fail it.",
                    url=_lead_url(check),
                    target=check,
                )
    except Exception:
        for document in stored:
            document.file.delete(save=False)
        raise
    return check


# The lead authority's decision --------------------------------------------------------------------------


def _require_lead(actor: User, check: ProviderCheck) -> None:
    if not is_council_lead_commissioner(actor) or actor.organisation_id != check.system.lead_authority_id:
        raise PermissionDenied


def provider_check_verify(*, check: ProviderCheck, actor: User, notes: str = "") -> ProviderCheck:
    """A lead commissioner of the system's lead authority accepts the evidence."""
    _require_lead(actor, check)
    with transaction.atomic():
        previous = check.status
        check = _move(
            check, to=S.VERIFIED, decided_by=actor, decided_at=timezone.now(), decision_notes=notes.strip()
        )
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            target=check,
            detail={"from": previous, "to": S.VERIFIED},
        )
        _notify_provider(
            check,
            kind="annual_check_verified",
            subject=f"Your annual check {check.year} for {check.system} is verified",
            body=notes.strip(),
        )
    return check


def provider_check_fail(*, check: ProviderCheck, actor: User, reason: str) -> ProviderCheck:
    """A lead commissioner fails the check, saying why: the provider's active places on the system are
    suspended and every member authority is told."""
    _require_lead(actor, check)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the check has failed"})
    with transaction.atomic():
        previous = check.status
        check = _move(check, to=S.FAILED, decided_by=actor, decided_at=timezone.now(), decision_notes=reason)
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            target=check,
            detail={"from": previous, "to": S.FAILED, "reason": reason},
        )
        _suspend_places(check, actor=actor, reason=FAILED_REASON.format(year=check.year, reason=reason))
        _notify_provider(
            check,
            kind="annual_check_failed",
            subject=f"Your annual check {check.year} for {check.system} has failed",
            body=f"Reason: {reason}",
        )
    return check


def check_warnings(check: ProviderCheck) -> list[str]:
    """What the lead commissioner should look at before verifying: insurance that runs out before the
    check's year is out (before next year's check date), and an Inadequate judgement."""
    warnings = []
    next_check = check_date_for(check.system, check.year + 1)
    if check.insurance_expires_on is not None and check.insurance_expires_on < next_check:
        warnings.append(
            f"The insurance expires on {check.insurance_expires_on:%-d %B %Y}, before next year's check on "
            f"{next_check:%-d %B %Y}."
        )
    if check.ofsted_judgement == Judgement.INADEQUATE:
        when = f" ({check.ofsted_judgement_on:%-d %B %Y})" if check.ofsted_judgement_on else ""
        warnings.append(f"The latest Ofsted judgement is Inadequate{when}.")
    return warnings


def annual_checks_daily(*, today: datetime.date, year: int | None = None) -> dict[str, int]:
    """The scheduled day's work, in order: make the checks that are due, send the reminders that are
    due, and mark overdue what is still waiting. Each step is idempotent, so the whole is safe to rerun."""
    run = annual_checks_run(today=today, year=year)
    reminders = annual_check_reminders_send(today=today)
    overdue = annual_checks_mark_overdue(today=today)
    return {
        "created": run.created,
        "existing": run.existing,
        "requests_sent": run.requests_sent,
        "reminders_sent": reminders,
        "overdue": overdue,
    }
