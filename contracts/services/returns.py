"""Writes for performance returns: the provider's figures for a period against every KPI.

A return moves `submitted → accepted` or `submitted → queried → submitted` (resubmitted) … `accepted`.
An accepted return never changes; only a queried return can be resubmitted. Each move is a conditional
UPDATE (so two clicks cannot both win), audited in the same transaction, and tells the other side.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.rules import is_provider_user
from core.audit import audit_record
from core.models import AuditAction
from core.notifications import notification_send
from core.transitions import InvalidTransition

from ..models import Contract, ContractStatus, KpiResult, PerformanceReturn, ReturnStatus
from ..rules import is_council_commissioner

S = ReturnStatus

RETURN_TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.ACCEPTED, S.QUERIED}),
    S.QUERIED: frozenset({S.SUBMITTED}),
    S.ACCEPTED: frozenset(),
}


def provider_users(organisation_id: int):
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role_assignments__role=Role.PROVIDER_USER
    ).distinct()


def council_commissioners(organisation_id: int):
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role_assignments__role=Role.COMMISSIONER
    ).distinct()


def _require_provider(actor: User, contract: Contract) -> None:
    if not is_provider_user(actor) or actor.organisation_id != contract.provider_id:
        raise PermissionDenied


def _require_commissioner(actor: User, contract: Contract) -> None:
    if not is_council_commissioner(actor) or actor.organisation_id != contract.organisation_id:
        raise PermissionDenied


def _validate(contract: Contract, *, period_start, period_end, results: dict) -> dict:
    """results: {kpi_id: (value, commentary)} for every KPI of the contract."""
    errors: dict[str, str] = {}
    if period_start is None:
        errors["period_start"] = "Enter the start of the period"
    if period_end is None:
        errors["period_end"] = "Enter the end of the period"
    if period_start and period_end:
        if period_end < period_start:
            errors["period_end"] = "The end of the period must be on or after its start"
        elif period_start < contract.starts_on or period_end > contract.ends_on:
            errors["period_start"] = (
                f"The period must be inside the contract, from {contract.starts_on:%-d %B %Y} "
                f"to {contract.ends_on:%-d %B %Y}"
            )
    kpis = list(contract.kpis.all())
    if not kpis:
        raise ValidationError("This contract has no KPIs to report against yet.")
    clean = {}
    for kpi in kpis:
        value, commentary = results.get(kpi.pk, (None, ""))
        if value is None:
            errors[f"kpi_{kpi.pk}_value"] = f"Enter the result for “{kpi.title}”"
        else:
            clean[kpi.pk] = (Decimal(value), (commentary or "").strip())
    if errors:
        raise ValidationError(errors)
    return clean


def _notify(*, recipients, kind: str, subject: str, body: str, performance_return, stamp) -> None:
    url = reverse("contracts:return_detail", args=[performance_return.pk])
    for user in recipients:
        notification_send(
            recipient=user,
            kind=f"{kind}:{int(stamp.timestamp())}"[:64],
            subject=subject,
            body=body,
            url=url,
            target=performance_return,
        )


def return_submit(
    *,
    actor: User,
    contract: Contract,
    period_start: datetime.date,
    period_end: datetime.date,
    provider_commentary: str,
    results: dict,
    now: datetime.datetime | None = None,
) -> PerformanceReturn:
    """The provider submits its figures for a period: a value (and commentary) for every KPI."""
    _require_provider(actor, contract)
    now = now or timezone.now()
    if contract.status == ContractStatus.ENDED:
        raise InvalidTransition("This contract has ended: no more returns can be submitted.")
    clean = _validate(contract, period_start=period_start, period_end=period_end, results=results)
    if contract.returns.filter(period_start=period_start).exists():
        raise ValidationError({"period_start": "A return for a period starting on this date already exists"})
    try:
        with transaction.atomic():
            performance_return = PerformanceReturn.objects.create(
                contract=contract,
                period_start=period_start,
                period_end=period_end,
                provider_commentary=(provider_commentary or "").strip(),
                submitted_by=actor,
                submitted_at=now,
            )
            KpiResult.objects.bulk_create(
                [
                    KpiResult(
                        performance_return=performance_return, kpi_id=kpi_id, value=value, commentary=note
                    )
                    for kpi_id, (value, note) in clean.items()
                ]
            )
            audit_record(
                action=AuditAction.CREATE,
                actor=actor,
                target=performance_return,
                detail={"contract": contract.pk, "period_start": period_start, "period_end": period_end},
            )
            _notify(
                recipients=council_commissioners(contract.organisation_id),
                kind="contract_return_submitted",
                subject=f"{contract.provider.name} submitted a performance return for {contract.reference}",
                body=f"The return for {period_start:%-d %B %Y} to {period_end:%-d %B %Y} is ready to review.",
                performance_return=performance_return,
                stamp=now,
            )
    except IntegrityError as error:
        raise ValidationError(
            {"period_start": "A return for a period starting on this date already exists"}
        ) from error
    return performance_return


def _move(*, performance_return: PerformanceReturn, to: str, actor: User, detail: dict, **fields):
    current = performance_return.status
    if to not in RETURN_TRANSITIONS[current]:
        raise InvalidTransition(
            {
                S.ACCEPTED: "This return has been accepted and can no longer change.",
                S.SUBMITTED: "This return is waiting for the council's review: it can only be resubmitted "
                "once the council returns it to you.",
                S.QUERIED: "This return has been returned to the provider and is waiting for it "
                "to be resubmitted.",
            }[current]
        )
    updated = PerformanceReturn.objects.filter(pk=performance_return.pk, status=current).update(
        status=to, **fields
    )
    if not updated:
        raise InvalidTransition("Someone else has changed this return. Reload the page to see it.")
    performance_return.refresh_from_db()
    audit_record(
        action=AuditAction.TRANSITION,
        actor=actor,
        target=performance_return,
        detail={"from": current, "to": to, **detail},
    )
    return performance_return


def return_accept(
    *,
    actor: User,
    performance_return: PerformanceReturn,
    notes: str = "",
    now: datetime.datetime | None = None,
) -> PerformanceReturn:
    contract = performance_return.contract
    _require_commissioner(actor, contract)
    now = now or timezone.now()
    with transaction.atomic():
        performance_return = _move(
            performance_return=performance_return,
            to=S.ACCEPTED,
            actor=actor,
            detail={},
            reviewed_by=actor,
            reviewed_at=now,
            review_notes=(notes or "").strip(),
        )
        _notify(
            recipients=provider_users(contract.provider_id),
            kind="contract_return_accepted",
            subject=f"{contract.organisation.name} accepted your performance return for {contract.reference}",
            body=f"The return for {performance_return.period_start:%-d %B %Y} to "
            f"{performance_return.period_end:%-d %B %Y} has been accepted.",
            performance_return=performance_return,
            stamp=now,
        )
    return performance_return


def return_query(
    *, actor: User, performance_return: PerformanceReturn, notes: str, now: datetime.datetime | None = None
) -> PerformanceReturn:
    contract = performance_return.contract
    _require_commissioner(actor, contract)
    now = now or timezone.now()
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": "Enter what the provider needs to change or explain"})
    with transaction.atomic():
        performance_return = _move(
            performance_return=performance_return,
            to=S.QUERIED,
            actor=actor,
            detail={"notes": notes},
            reviewed_by=actor,
            reviewed_at=now,
            review_notes=notes,
        )
        _notify(
            recipients=provider_users(contract.provider_id),
            kind="contract_return_queried",
            subject=f"{contract.organisation.name} returned your performance return for {contract.reference}",
            body="The council has questions about the return for "
            f"{performance_return.period_start:%-d %B %Y} to {performance_return.period_end:%-d %B %Y}:"
            f"\n\n{notes}\n\nCorrect it and submit it again.",
            performance_return=performance_return,
            stamp=now,
        )
    return performance_return


def return_resubmit(
    *,
    actor: User,
    performance_return: PerformanceReturn,
    period_end: datetime.date,
    provider_commentary: str,
    results: dict,
    now: datetime.datetime | None = None,
) -> PerformanceReturn:
    """The provider corrects a queried return and submits it again (the period's start stays)."""
    contract = performance_return.contract
    _require_provider(actor, contract)
    now = now or timezone.now()
    if performance_return.status != S.QUERIED:
        _move(performance_return=performance_return, to=S.SUBMITTED, actor=actor, detail={})
    clean = _validate(
        contract, period_start=performance_return.period_start, period_end=period_end, results=results
    )
    with transaction.atomic():
        performance_return = _move(
            performance_return=performance_return,
            to=S.SUBMITTED,
            actor=actor,
            detail={"resubmitted": True},
            period_end=period_end,
            provider_commentary=(provider_commentary or "").strip(),
            submitted_by=actor,
            submitted_at=now,
        )
        performance_return.results.all().delete()
        KpiResult.objects.bulk_create(
            [
                KpiResult(performance_return=performance_return, kpi_id=kpi_id, value=value, commentary=note)
                for kpi_id, (value, note) in clean.items()
            ]
        )
        _notify(
            recipients=council_commissioners(contract.organisation_id),
            kind="contract_return_resubmitted",
            subject=f"{contract.provider.name} resubmitted a performance return for {contract.reference}",
            body=f"The corrected return for {performance_return.period_start:%-d %B %Y} to "
            f"{period_end:%-d %B %Y} is ready to review.",
            performance_return=performance_return,
            stamp=now,
        )
    return performance_return
