"""Writes for decommissioning a contract, one guarded function per move.

A decommissioning moves `proposed → approved → notice_served → completed`, and any of the first three
may be `cancelled` with a reason. The moves are data (`TRANSITIONS`); each is a conditional UPDATE
(`... WHERE status = old`) audited in the same transaction, so two clicks cannot both win.

Decisions held here (and why):

- One decommissioning per contract (the model's OneToOne). A cancelled one is replaced by proposing
  again on the same row: the decision fields are reset; exit plan rows and what families were told are
  kept, because a record of what a family was told is never deleted. Serving notice again adds rows
  only for children not already in the plan.
- The approver is another commissioner of the same authority, never the proposer.
- Notice: served today or earlier; the end date after it, on or before the contract's own end date,
  and at least the contract's notice period later. A shorter period is refused unless the commissioner
  confirms it was agreed with the provider or the contract allows it for this reason (termination for
  breach often does); the confirmation is audited.
- Completion needs every exit row resolved and the end date reached: before it the service is still
  running, children are still there, and its capacity still counts in the gap analysis.
- Cancelling after notice withdraws the notice: the contract goes back to live (it never ended), and
  the provider's users are told.
"""

from __future__ import annotations

import datetime
import re

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from core.audit import audit_record
from core.models import AuditAction
from core.notifications import notification_send
from core.transitions import InvalidTransition
from procurement.models import IndividualPlacementAgreement

from ..models import (
    CommunicationMethod,
    Contract,
    ContractOrigin,
    ContractStatus,
    Decommissioning,
    DecommissioningStatus,
    DecommissionReason,
    ExitPlanRow,
    FamilyCommunication,
    TransitionDestination,
)
from ..rules import is_council_commissioner
from .capacity import capacity_sync

D = DecommissioningStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    D.PROPOSED: frozenset({D.APPROVED, D.CANCELLED}),
    D.APPROVED: frozenset({D.NOTICE_SERVED, D.CANCELLED}),
    D.NOTICE_SERVED: frozenset({D.COMPLETED, D.CANCELLED}),
    D.COMPLETED: frozenset(),
    D.CANCELLED: frozenset({D.PROPOSED}),
}

# Letters, digits and hyphens, 3 to 40 characters, with at least one digit: a case reference, which a
# person's name never is.
CASE_REFERENCE = re.compile(r"^(?=.*[0-9])[A-Za-z0-9][A-Za-z0-9-]{2,39}$")
CASE_REFERENCE_ERROR = (
    "Enter the case reference: 3 to 40 letters, numbers and hyphens, with at least one number. "
    "Never a child's name"
)


def long_date(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _require_commissioner(actor, contract: Contract) -> None:
    if not is_council_commissioner(actor) or actor.organisation_id != contract.organisation_id:
        raise PermissionDenied


def _provider_users(organisation_id: int):
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role_assignments__role=Role.PROVIDER_USER
    ).distinct()


def _commissioners(organisation_id: int):
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role_assignments__role=Role.COMMISSIONER
    ).distinct()


def _url(decommissioning: Decommissioning) -> str:
    return reverse("contracts:decommissioning_detail", args=[decommissioning.pk])


def _move(
    *, decommissioning: Decommissioning, to: str, actor: User, detail: dict | None = None, **fields
) -> Decommissioning:
    current = decommissioning.status
    if to not in TRANSITIONS[current]:
        raise InvalidTransition(
            f"A decommissioning that is {D(current).label.lower()} cannot become {D(to).label.lower()}."
        )
    updated = Decommissioning.objects.filter(pk=decommissioning.pk, status=current).update(
        status=to, **fields
    )
    if not updated:
        raise InvalidTransition("Someone else has changed this decommissioning. Reload the page to see it.")
    decommissioning.refresh_from_db()
    audit_record(
        action=AuditAction.TRANSITION,
        actor=actor,
        target=decommissioning,
        detail={"from": current, "to": to, **(detail or {})},
    )
    return decommissioning


def _validate_reason(reason: str, reason_detail: str) -> str:
    errors = {}
    if reason not in DecommissionReason.values:
        errors["reason"] = "Select why the contract is being decommissioned"
    detail = (reason_detail or "").strip()
    if not detail:
        errors["reason_detail"] = "Enter the detail of why the contract is being decommissioned"
    if errors:
        raise ValidationError(errors)
    return detail


def decommissioning_propose(
    *, contract: Contract, actor: User, reason: str, reason_detail: str
) -> Decommissioning:
    """A commissioner of the contract's authority proposes decommissioning a live contract.

    One per contract: a cancelled one is proposed again on the same row; any other is refused."""
    _require_commissioner(actor, contract)
    detail = _validate_reason(reason, reason_detail)
    now = timezone.now()
    with transaction.atomic():
        contract = Contract.objects.select_for_update(no_key=True).get(pk=contract.pk)
        if contract.status != ContractStatus.LIVE:
            raise InvalidTransition(
                f"Only a live contract can be decommissioned; {contract.reference} is "
                f"{contract.get_status_display().lower()}."
            )
        existing = Decommissioning.objects.filter(contract=contract).first()
        fields = {
            "reason": reason,
            "reason_detail": detail,
            "proposed_by": actor,
            "proposed_at": now,
            "approved_by": None,
            "approved_at": None,
            "notice_served_on": None,
            "end_on": None,
            "completed_by": None,
            "completed_at": None,
            "lessons": "",
            "cancelled_reason": "",
        }
        if existing is None:
            decommissioning = Decommissioning.objects.create(contract=contract, **fields)
            audit_record(
                action=AuditAction.CREATE, actor=actor, target=decommissioning, detail={"reason": reason}
            )
        elif existing.status == D.CANCELLED:
            decommissioning = _move(
                decommissioning=existing,
                to=D.PROPOSED,
                actor=actor,
                detail={"reason": reason, "proposed_again": True},
                **fields,
            )
        else:
            raise InvalidTransition(
                f"{contract.reference} already has a decommissioning that is "
                f"{existing.get_status_display().lower()}."
            )
        for user in _commissioners(contract.organisation_id).exclude(pk=actor.pk):
            notification_send(
                recipient=user,
                kind="decommissioning_proposed",
                subject=f"Decommissioning of {contract.reference} needs approval",
                body=f"{actor.full_name} has proposed decommissioning {contract}: "
                f"{decommissioning.get_reason_display().lower()}. Another commissioner must approve it.",
                url=_url(decommissioning),
                target=decommissioning,
                due_date=timezone.localdate(now),
            )
    return decommissioning


def decommissioning_approve(*, decommissioning: Decommissioning, actor: User) -> Decommissioning:
    """Another commissioner of the same authority approves; never the proposer. The proposer is told."""
    contract = decommissioning.contract
    _require_commissioner(actor, contract)
    if actor.pk == decommissioning.proposed_by_id:
        raise InvalidTransition(
            "You proposed this decommissioning, so you cannot approve it. Another commissioner must."
        )
    with transaction.atomic():
        decommissioning = _move(
            decommissioning=decommissioning,
            to=D.APPROVED,
            actor=actor,
            approved_by=actor,
            approved_at=timezone.now(),
        )
        notification_send(
            recipient=decommissioning.proposed_by,
            kind="decommissioning_approved",
            subject=f"Decommissioning of {contract.reference} approved",
            body=f"{actor.full_name} has approved decommissioning {contract}. "
            "Serve notice on the provider next.",
            url=_url(decommissioning),
            target=decommissioning,
        )
    return decommissioning


def earliest_end(contract: Contract, notice_served_on: datetime.date) -> datetime.date:
    """The earliest end date the contract's notice period allows for notice served on this day."""
    return notice_served_on + relativedelta(months=contract.notice_period_months)


def _validate_notice(
    contract: Contract,
    notice_served_on: datetime.date | None,
    end_on: datetime.date | None,
    *,
    shorter_notice_agreed: bool,
    today: datetime.date,
) -> None:
    errors = {}
    if notice_served_on is None:
        errors["notice_served_on"] = "Enter the date notice was served"
    elif notice_served_on > today:
        errors["notice_served_on"] = "The date notice was served must be today or in the past"
    elif notice_served_on < contract.starts_on:
        errors["notice_served_on"] = (
            "The date notice was served must be on or after the contract started "
            f"({long_date(contract.starts_on)})"
        )
    if end_on is None:
        errors["end_on"] = "Enter the date the service ends"
    elif end_on > contract.ends_on:
        errors["end_on"] = (
            "The date the service ends must be on or before the contract's end date "
            f"({long_date(contract.ends_on)})"
        )
    elif notice_served_on and "notice_served_on" not in errors:
        if end_on <= notice_served_on:
            errors["end_on"] = "The date the service ends must be after the date notice was served"
        elif end_on < earliest_end(contract, notice_served_on) and not shorter_notice_agreed:
            errors["end_on"] = (
                f"The contract's notice period is {contract.notice_period_months} months, so the service "
                f"cannot end before {long_date(earliest_end(contract, notice_served_on))}. Choose a later "
                "date, or confirm that a shorter notice period was agreed or the contract allows it"
            )
    if errors:
        raise ValidationError(errors)


def placements_under_contract(contract: Contract, on: datetime.date):
    """The authority's placement agreements with the contract's provider (on the membership's lot, for an
    admission contract) that have not ended by `on`: live on that day, or agreed to start later."""
    ipas = IndividualPlacementAgreement.objects.filter(
        authority_id=contract.organisation_id, provider_id=contract.provider_id, end_on__gte=on
    )
    if contract.origin == ContractOrigin.FPS_ADMISSION:
        ipas = ipas.filter(lot_id=contract.membership.lot_id)
    return ipas.order_by("case_reference", "start_on")


def decommissioning_serve_notice(
    *,
    decommissioning: Decommissioning,
    actor: User,
    notice_served_on: datetime.date,
    end_on: datetime.date,
    shorter_notice_agreed: bool = False,
    today: datetime.date | None = None,
) -> Decommissioning:
    """Record notice served on the provider: the contract becomes "being decommissioned", the exit plan
    gets one row per child placed under it, and the provider's users are told."""
    today = today or timezone.localdate()
    contract = decommissioning.contract
    _require_commissioner(actor, contract)
    # Checked before the dates so that a refused move is not reported as a date problem.
    _move_check(decommissioning, D.NOTICE_SERVED)
    _validate_notice(
        contract, notice_served_on, end_on, shorter_notice_agreed=shorter_notice_agreed, today=today
    )
    shorter = end_on < earliest_end(contract, notice_served_on)
    with transaction.atomic():
        decommissioning = _move(
            decommissioning=decommissioning,
            to=D.NOTICE_SERVED,
            actor=actor,
            detail={
                "notice_served_on": notice_served_on.isoformat(),
                "end_on": end_on.isoformat(),
                "shorter_notice_agreed": shorter,
            },
            notice_served_on=notice_served_on,
            end_on=end_on,
        )
        if not Contract.objects.filter(pk=contract.pk, status=ContractStatus.LIVE).update(
            status=ContractStatus.DECOMMISSIONING
        ):
            raise InvalidTransition(f"{contract.reference} is no longer live, so notice cannot be served.")
        added = exit_plan_build(decommissioning=decommissioning, actor=actor)
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            target=contract,
            detail={"from": ContractStatus.LIVE, "to": ContractStatus.DECOMMISSIONING, "exit_rows": added},
        )
        for user in _provider_users(contract.provider_id):
            notification_send(
                recipient=user,
                kind="decommissioning_notice",
                subject=f"Notice served: {contract.reference} ends on {long_date(end_on)}",
                body=f"{contract.organisation} has served notice on {contract} on "
                f"{long_date(notice_served_on)}. The service ends on {long_date(end_on)}.",
                url=_url(decommissioning),
                target=decommissioning,
            )
    return decommissioning


def _move_check(decommissioning: Decommissioning, to: str) -> None:
    if to not in TRANSITIONS[decommissioning.status]:
        raise InvalidTransition(
            f"A decommissioning that is {decommissioning.get_status_display().lower()} cannot become "
            f"{D(to).label.lower()}."
        )


def exit_plan_build(*, decommissioning: Decommissioning, actor: User) -> int:
    """One exit plan row per child placed under the contract on the notice date, linked to their placement
    agreement; children already in the plan are left as they are. Returns the number of rows added."""
    existing = set(decommissioning.exit_rows.values_list("case_reference", flat=True))
    rows = []
    for ipa in placements_under_contract(decommissioning.contract, decommissioning.notice_served_on):
        if ipa.case_reference in existing:
            continue
        existing.add(ipa.case_reference)
        rows.append(
            ExitPlanRow(
                decommissioning=decommissioning, case_reference=ipa.case_reference, placement_agreement=ipa
            )
        )
    ExitPlanRow.objects.bulk_create(rows)
    return len(rows)


PLAN_CLOSED = (
    "The exit plan and communications can be changed only while notice is served and the "
    "decommissioning is not completed or cancelled."
)


def _require_open_plan(decommissioning: Decommissioning, actor: User) -> None:
    _require_commissioner(actor, decommissioning.contract)
    current = Decommissioning.objects.filter(pk=decommissioning.pk).values_list("status", flat=True).first()
    if current != D.NOTICE_SERVED:
        raise InvalidTransition(PLAN_CLOSED)


def _lock_open_plan(decommissioning: Decommissioning) -> None:
    """Inside the write's transaction: hold the decommissioning's row so completion (which takes the same
    lock) cannot slip between this check and the write."""
    current = (
        Decommissioning.objects.select_for_update(no_key=True)
        .filter(pk=decommissioning.pk)
        .values_list("status", flat=True)
        .first()
    )
    if current != D.NOTICE_SERVED:
        raise InvalidTransition(PLAN_CLOSED)


def exit_row_add(*, decommissioning: Decommissioning, actor: User, case_reference: str) -> ExitPlanRow:
    """Add a child placed outside a placement agreement, by case reference only."""
    _require_open_plan(decommissioning, actor)
    reference = (case_reference or "").strip()
    if not CASE_REFERENCE.match(reference):
        raise ValidationError({"case_reference": CASE_REFERENCE_ERROR})
    with transaction.atomic():
        _lock_open_plan(decommissioning)
        if decommissioning.exit_rows.filter(case_reference__iexact=reference).exists():
            raise ValidationError({"case_reference": f"{reference} is already in the exit plan"})
        row = ExitPlanRow.objects.create(decommissioning=decommissioning, case_reference=reference)
        # The case reference is the authority's own; the audit log keeps only the row.
        audit_record(action=AuditAction.CREATE, actor=actor, target=row, detail={"manual": True})
    return row


ROW_FROM_AGREEMENT = (
    "This child is placed with the provider under a placement agreement, so their row stays in the exit "
    "plan until it is resolved."
)
ROW_WITH_COMMUNICATIONS = (
    "What was told to this child's family is recorded against the row, so it cannot be removed."
)


def exit_row_remove(*, row: ExitPlanRow, actor: User) -> None:
    """Remove a row added by hand by mistake (a wrong case reference): never a row built from a placement
    agreement, nor one with communications recorded against it (they would go with it)."""
    decommissioning = row.decommissioning
    _require_open_plan(decommissioning, actor)
    if row.placement_agreement_id is not None:
        raise InvalidTransition(ROW_FROM_AGREEMENT)
    with transaction.atomic():
        _lock_open_plan(decommissioning)
        if row.communications.exists():
            raise InvalidTransition(ROW_WITH_COMMUNICATIONS)
        # As when it was added: the audit log keeps the row, not the case reference.
        audit_record(action=AuditAction.DELETE, actor=actor, target=row, detail={"manual": True})
        row.delete()


def exit_row_update(
    *,
    row: ExitPlanRow,
    actor: User,
    destination: str = "",
    destination_detail: str = "",
    transition_on: datetime.date | None = None,
    notes: str = "",
    resolve: bool = False,
) -> ExitPlanRow:
    """Record where the child goes next and when; resolve the row once both are settled (or re-open it)."""
    _require_open_plan(row.decommissioning, actor)
    errors = {}
    if destination and destination not in TransitionDestination.values:
        errors["destination"] = "Select where the child goes next"
    if resolve:
        if not destination:
            errors["destination"] = "Select where the child goes next before resolving the row"
        if transition_on is None:
            errors["transition_on"] = "Enter the transition date before resolving the row"
    if destination == TransitionDestination.OTHER and not (destination_detail or "").strip():
        errors["destination_detail"] = "Enter the detail of where the child goes next"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        _lock_open_plan(row.decommissioning)
        fields = {
            "destination": destination,
            "destination_detail": (destination_detail or "").strip(),
            "transition_on": transition_on,
            "notes": (notes or "").strip(),
            "resolved_at": (row.resolved_at or now) if resolve else None,
            "resolved_by_id": (row.resolved_by_id or actor.pk) if resolve else None,
        }
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=row,
            detail={"destination": destination, "resolved": resolve},
        )
    return row


def communication_record(
    *,
    decommissioning: Decommissioning,
    actor: User,
    sent_on: datetime.date | None,
    method: str,
    summary: str,
    exit_row: ExitPlanRow | None = None,
    today: datetime.date | None = None,
) -> FamilyCommunication:
    """Record what the authority told one family (one exit row) or every family, and when."""
    today = today or timezone.localdate()
    _require_open_plan(decommissioning, actor)
    errors = {}
    if sent_on is None:
        errors["sent_on"] = "Enter the date the family was told"
    elif sent_on > today:
        errors["sent_on"] = "The date the family was told must be today or in the past"
    if method not in CommunicationMethod.values:
        errors["method"] = "Select how the family was told"
    if not (summary or "").strip():
        errors["summary"] = "Enter a summary of what was said"
    if exit_row is not None and exit_row.decommissioning_id != decommissioning.pk:
        errors["exit_row"] = "Select a child in this exit plan"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_open_plan(decommissioning)
        communication = FamilyCommunication.objects.create(
            decommissioning=decommissioning,
            exit_row=exit_row,
            sent_on=sent_on,
            method=method,
            summary=summary.strip(),
            recorded_by=actor,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            target=communication,
            detail={"method": method, "all_families": exit_row is None},
        )
    return communication


def _refuse_unresolved(decommissioning: Decommissioning) -> None:
    unresolved = decommissioning.exit_rows.filter(resolved_at__isnull=True).count()
    if unresolved:
        raise InvalidTransition(
            f"{unresolved} exit plan row{'s are' if unresolved != 1 else ' is'} not resolved. "
            "Every child needs a destination and a transition date before the decommissioning can be "
            "completed."
        )


def decommissioning_complete(
    *, decommissioning: Decommissioning, actor: User, lessons: str, today: datetime.date | None = None
) -> Decommissioning:
    """Complete once every exit row is resolved and the service has ended: the contract is ended, what
    was learnt is kept for the next needs assessment, and contracted capacity is recalculated."""
    today = today or timezone.localdate()
    contract = decommissioning.contract
    _require_commissioner(actor, contract)
    _move_check(decommissioning, D.COMPLETED)
    _refuse_unresolved(decommissioning)
    if decommissioning.end_on and today < decommissioning.end_on:
        raise InvalidTransition(
            f"The service runs until {long_date(decommissioning.end_on)}. You can complete the "
            "decommissioning on or after that date."
        )
    lessons = (lessons or "").strip()
    if not lessons:
        raise ValidationError({"lessons": "Enter what was learnt, as evidence for the next needs assessment"})
    with transaction.atomic():
        # Hold the row (as every exit plan write does) and count again, so a row re-opened meanwhile
        # cannot slip through.
        list(
            Decommissioning.objects.select_for_update(no_key=True)
            .filter(pk=decommissioning.pk)
            .values_list("pk")
        )
        _refuse_unresolved(decommissioning)
        decommissioning = _move(
            decommissioning=decommissioning,
            to=D.COMPLETED,
            actor=actor,
            completed_by=actor,
            completed_at=timezone.now(),
            lessons=lessons,
        )
        if not Contract.objects.filter(pk=contract.pk, status=ContractStatus.DECOMMISSIONING).update(
            status=ContractStatus.ENDED
        ):
            raise InvalidTransition(
                f"{contract.reference} is not being decommissioned, so it cannot end here."
            )
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            target=contract,
            detail={"from": ContractStatus.DECOMMISSIONING, "to": ContractStatus.ENDED},
        )
        for user in _provider_users(contract.provider_id):
            notification_send(
                recipient=user,
                kind="decommissioning_completed",
                subject=f"{contract.reference} has ended",
                body=f"{contract.organisation} has recorded that {contract} has ended.",
                url=_url(decommissioning),
                target=decommissioning,
            )
        capacity_sync(organisation=contract.organisation)
    return decommissioning


def decommissioning_cancel(*, decommissioning: Decommissioning, actor: User, reason: str) -> Decommissioning:
    """Cancel before completion, with a reason. If notice had been served it is withdrawn: the contract
    goes back to live and the provider's users are told."""
    contract = decommissioning.contract
    _require_commissioner(actor, contract)
    _move_check(decommissioning, D.CANCELLED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the decommissioning is cancelled"})
    notice_was_served = decommissioning.status == D.NOTICE_SERVED
    with transaction.atomic():
        decommissioning = _move(
            decommissioning=decommissioning, to=D.CANCELLED, actor=actor, cancelled_reason=reason
        )
        if notice_was_served:
            Contract.objects.filter(pk=contract.pk, status=ContractStatus.DECOMMISSIONING).update(
                status=ContractStatus.LIVE
            )
            audit_record(
                action=AuditAction.TRANSITION,
                actor=actor,
                target=contract,
                detail={"from": ContractStatus.DECOMMISSIONING, "to": ContractStatus.LIVE},
            )
            for user in _provider_users(contract.provider_id):
                notification_send(
                    recipient=user,
                    kind="decommissioning_cancelled",
                    subject=f"Notice withdrawn: {contract.reference} continues",
                    body=f"{contract.organisation} has withdrawn its notice on {contract}. "
                    "The contract continues.",
                    url=reverse("contracts:decommissioning_detail", args=[decommissioning.pk]),
                    target=decommissioning,
                    due_date=timezone.localdate(),
                )
        if decommissioning.proposed_by_id != actor.pk:
            notification_send(
                recipient=decommissioning.proposed_by,
                kind="decommissioning_cancelled",
                subject=f"Decommissioning of {contract.reference} cancelled",
                body=f"{actor.full_name} has cancelled the decommissioning of {contract}: {reason}",
                url=_url(decommissioning),
                target=decommissioning,
                due_date=timezone.localdate(),
            )
    return decommissioning
