"""Writes for contracts: creating one (from an award, an FPS admission or a spot purchase), its KPIs and
capacity, its risk rating and the review decision at its notice point.

Every function checks who may act (a commissioner of the authority that let the contract) and in which
state, writes the audit entry in the same transaction, and after any change to capacity, status or dates
asks `capacity_sync` to rewrite the authority's contracted capacity. Forbidden moves raise
`InvalidTransition` (a message fit for the page); bad values raise `ValidationError` naming the field.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, User
from core.audit import audit_record
from core.models import AuditAction
from core.transitions import InvalidTransition
from needs.vocabulary import AGE_BAND_BY_CODE, PrimaryNeed, Setting
from procurement.models import Award, Membership, MembershipStatus, TenderStatus

from ..models import (
    Contract,
    ContractCapacity,
    ContractOrigin,
    ContractStatus,
    Kpi,
    KpiDirection,
    KpiFrequency,
    ReviewDecision,
    RiskAssessment,
    RiskRating,
)
from ..rules import is_council_commissioner
from .capacity import capacity_sync

__all__ = [
    "InvalidTransition",
    "awards_open_for_contract",
    "capacity_add",
    "capacity_remove",
    "contract_create_from_award",
    "contract_create_from_membership",
    "contract_create_spot",
    "contract_update",
    "extension_months_between",
    "kpi_add",
    "kpi_remove",
    "kpi_update",
    "memberships_open_for_contract",
    "review_decide",
    "risk_assess",
]


def require_contract_commissioner(actor: User, contract: Contract) -> None:
    if not is_council_commissioner(actor) or actor.organisation_id != contract.organisation_id:
        raise PermissionDenied


def awards_open_for_contract(organisation):
    """Awards of the authority's tenders that are awarded and have no contract yet."""
    return (
        Award.objects.filter(
            tender__organisation=organisation, tender__status=TenderStatus.AWARDED, contracts__isnull=True
        )
        .select_related("tender", "lot", "submission__provider")
        .order_by("-tender__id", "lot__number")
    )


def memberships_open_for_contract(organisation):
    """Active memberships with the overarching contract accepted, on systems the authority leads or
    belongs to, that the authority has no contract for yet."""
    return (
        Membership.objects.filter(status=MembershipStatus.ACTIVE, contract_accepted_at__isnull=False)
        .filter(Q(lot__system__lead_authority=organisation) | Q(lot__system__member_authorities=organisation))
        .exclude(contracts__organisation=organisation)
        .select_related("lot__system", "provider")
        .distinct()
        .order_by("lot__system__name", "provider__name", "lot__code")
    )


def _validate_terms(values: dict) -> dict:
    errors = {}
    reference = (values.get("reference") or "").strip()
    if not reference:
        errors["reference"] = "Enter the contract reference"
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = "Enter the contract title"
    value = values.get("value")
    if value is None:
        errors["value"] = "Enter the total value"
    elif value <= 0:
        errors["value"] = "The total value must be more than £0"
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if starts_on is None:
        errors["starts_on"] = "Enter the start date"
    if ends_on is None:
        errors["ends_on"] = "Enter the end date"
    elif starts_on is not None and ends_on <= starts_on:
        errors["ends_on"] = "The end date must be after the start date"
    months = values.get("extension_months_available") or 0
    if months < 0 or months > 120:
        errors["extension_months_available"] = "Months of extension available must be from 0 to 120"
    notice = values.get("notice_period_months")
    if notice is None or not 0 <= notice <= 36:
        errors["notice_period_months"] = "The notice period must be from 0 to 36 months"
    if errors:
        raise ValidationError(errors)
    return {
        **values,
        "reference": reference,
        "title": title,
        "description": (values.get("description") or "").strip(),
        "extension_options": (values.get("extension_options") or "").strip(),
        "extension_months_available": months,
    }


def _create(*, actor: User, provider: Organisation, origin: str, values: dict, **source) -> Contract:
    if not is_council_commissioner(actor):
        raise PermissionDenied
    values = _validate_terms(values)
    if Contract.objects.filter(organisation_id=actor.organisation_id, reference=values["reference"]).exists():
        raise ValidationError({"reference": "Your council already has a contract with this reference"})
    try:
        with transaction.atomic():
            contract = Contract.objects.create(
                organisation_id=actor.organisation_id,
                provider=provider,
                origin=origin,
                created_by=actor,
                **source,
                **values,
            )
            audit_record(
                action=AuditAction.CREATE,
                actor=actor,
                target=contract,
                detail={
                    "origin": origin,
                    "provider": provider.pk,
                    "value": str(contract.value),
                    "starts_on": contract.starts_on,
                    "ends_on": contract.ends_on,
                    **{
                        key: getattr(obj, "pk", None)
                        for key, obj in source.items()
                        if key != "spot_justification"
                    },
                },
            )
            capacity_sync(organisation=contract.organisation)
    except IntegrityError as error:
        raise ValidationError(
            {"reference": "Your council already has a contract with this reference"}
        ) from error
    return contract


def contract_create_from_award(*, actor: User, award: Award, **values) -> Contract:
    """The contract for one awarded lot: provider, value and title from the award; one per award."""
    if not is_council_commissioner(actor) or award.tender.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if award.tender.status != TenderStatus.AWARDED:
        raise InvalidTransition(
            f"{award.tender.reference} has not been awarded yet. A contract can be made once it is awarded."
        )
    with transaction.atomic():
        # Lock the award so two commissioners cannot both make its contract.
        Award.objects.select_for_update(no_key=True).filter(pk=award.pk).first()
        if Contract.objects.filter(award=award).exists():
            raise InvalidTransition(f"{award.tender.reference} already has its contract.")
        values.setdefault("title", award.tender.title)
        values["value"] = award.value
        return _create(
            actor=actor,
            provider=award.submission.provider,
            origin=ContractOrigin.AWARD,
            values=values,
            award=award,
        )


def contract_create_from_membership(*, actor: User, membership: Membership, **values) -> Contract:
    """The overarching contract with a provider admitted to a purchasing system the authority leads or
    belongs to; the membership must be active with the overarching contract accepted."""
    if not is_council_commissioner(actor):
        raise PermissionDenied
    system = membership.lot.system
    if not (
        system.lead_authority_id == actor.organisation_id
        or system.member_authorities.filter(pk=actor.organisation_id).exists()
    ):
        raise PermissionDenied
    if membership.status != MembershipStatus.ACTIVE or membership.contract_accepted_at is None:
        raise InvalidTransition(
            "Only an active place with the overarching contract accepted can have a contract."
        )
    with transaction.atomic():
        Membership.objects.select_for_update(no_key=True).filter(pk=membership.pk).first()
        if Contract.objects.filter(membership=membership, organisation_id=actor.organisation_id).exists():
            raise InvalidTransition("Your council already has a contract for this place.")
        values.setdefault("title", system.overarching_contract_title)
        return _create(
            actor=actor,
            provider=membership.provider,
            origin=ContractOrigin.FPS_ADMISSION,
            values=values,
            membership=membership,
        )


def contract_create_spot(
    *, actor: User, provider: Organisation, spot_justification: str, **values
) -> Contract:
    """A spot purchase with a provider, with the reason no tender or purchasing system was used."""
    if provider.kind != OrganisationKind.PROVIDER:
        raise ValidationError({"provider": "Select a provider"})
    justification = (spot_justification or "").strip()
    if not justification:
        raise ValidationError({"spot_justification": "Enter why no tender or purchasing system was used"})
    return _create(
        actor=actor,
        provider=provider,
        origin=ContractOrigin.SPOT,
        values=values,
        spot_justification=justification,
    )


def contract_update(
    *,
    actor: User,
    contract: Contract,
    title: str,
    description: str,
    extension_options: str,
    notice_period_months: int,
) -> Contract:
    """Correct a live contract's title, description, extension options and notice period. Its provider,
    value, dates and origin do not change here: the end date moves only by an extension."""
    require_contract_commissioner(actor, contract)
    _require_live(contract, "change its details")
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Enter the contract title"
    if notice_period_months is None or not 0 <= notice_period_months <= 36:
        errors["notice_period_months"] = "The notice period must be from 0 to 36 months"
    if errors:
        raise ValidationError(errors)
    values = {
        "title": title,
        "description": (description or "").strip(),
        "extension_options": (extension_options or "").strip(),
        "notice_period_months": notice_period_months,
    }
    with transaction.atomic():
        before = {field: getattr(contract, field) for field in values}
        Contract.objects.filter(pk=contract.pk).update(**values)
        contract.refresh_from_db()
        changed = {
            field: {"from": before[field], "to": value}
            for field, value in values.items()
            if before[field] != value
        }
        audit_record(action=AuditAction.UPDATE, actor=actor, target=contract, detail={"changed": changed})
    return contract


# KPIs ----------------------------------------------------------------------------------------------------


def _require_live(contract: Contract, doing: str) -> None:
    if contract.status == ContractStatus.ENDED:
        raise InvalidTransition(f"This contract has ended: you cannot {doing}.")


def _validate_kpi(values: dict) -> dict:
    errors = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = "Enter the KPI"
    if values.get("target") is None:
        errors["target"] = "Enter the target"
    if values.get("direction") not in KpiDirection.values:
        errors["direction"] = "Select whether the result must be at least or at most the target"
    if values.get("frequency") not in KpiFrequency.values:
        errors["frequency"] = "Select how often it is reported"
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "unit": (values.get("unit") or "").strip(),
        "target": values["target"],
        "direction": values["direction"],
        "frequency": values["frequency"],
    }


def kpi_add(*, actor: User, contract: Contract, **values) -> Kpi:
    require_contract_commissioner(actor, contract)
    _require_live(contract, "add a KPI")
    values = _validate_kpi(values)
    with transaction.atomic():
        order = (contract.kpis.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        kpi = Kpi.objects.create(contract=contract, order=order, **values)
        audit_record(
            action=AuditAction.CREATE, actor=actor, target=kpi, detail={"contract": contract.pk, **values}
        )
    return kpi


def kpi_update(*, actor: User, kpi: Kpi, **values) -> Kpi:
    contract = kpi.contract
    require_contract_commissioner(actor, contract)
    _require_live(contract, "change its KPIs")
    values = _validate_kpi(values)
    with transaction.atomic():
        before = {field: getattr(kpi, field) for field in values}
        for field, value in values.items():
            setattr(kpi, field, value)
        kpi.save()
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=kpi,
            detail={"contract": contract.pk, "before": before, "after": values},
        )
    return kpi


def kpi_remove(*, actor: User, kpi: Kpi) -> None:
    contract = kpi.contract
    require_contract_commissioner(actor, contract)
    _require_live(contract, "remove its KPIs")
    if kpi.results.exists():
        raise InvalidTransition(
            f"“{kpi.title}” has results in performance returns, so it stays on the record."
        )
    with transaction.atomic():
        audit_record(
            action=AuditAction.DELETE,
            actor=actor,
            target=kpi,
            detail={"contract": contract.pk, "title": kpi.title},
        )
        kpi.delete()


# Capacity ------------------------------------------------------------------------------------------------


def capacity_add(
    *, actor: User, contract: Contract, primary_need: str, age_band: str, setting: str, places: int
) -> ContractCapacity:
    require_contract_commissioner(actor, contract)
    _require_live(contract, "change its capacity")
    errors = {}
    if primary_need and primary_need not in PrimaryNeed.values:
        errors["primary_need"] = "Select a primary need"
    if age_band not in AGE_BAND_BY_CODE:
        errors["age_band"] = "Select an age band"
    if setting not in Setting.values:
        errors["setting"] = "Select a setting"
    if places is None or places < 1:
        errors["places"] = "Places must be 1 or more"
    if errors:
        raise ValidationError(errors)
    if contract.capacity.filter(primary_need=primary_need, age_band=age_band, setting=setting).exists():
        raise ValidationError(
            "This contract already has places for this need, age band and setting. Remove that row first."
        )
    with transaction.atomic():
        row = ContractCapacity.objects.create(
            contract=contract, primary_need=primary_need, age_band=age_band, setting=setting, places=places
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            target=row,
            detail={
                "contract": contract.pk,
                "primary_need": primary_need,
                "age_band": age_band,
                "setting": setting,
                "places": places,
            },
        )
        capacity_sync(organisation=contract.organisation)
    return row


def capacity_remove(*, actor: User, row: ContractCapacity) -> None:
    contract = row.contract
    require_contract_commissioner(actor, contract)
    _require_live(contract, "change its capacity")
    with transaction.atomic():
        audit_record(
            action=AuditAction.DELETE,
            actor=actor,
            target=row,
            detail={"contract": contract.pk, "places": row.places, "age_band": row.age_band},
        )
        row.delete()
        capacity_sync(organisation=contract.organisation)


# Risk ----------------------------------------------------------------------------------------------------


def risk_assess(
    *, actor: User, contract: Contract, rating: str, reasons: str, now: datetime.datetime | None = None
) -> RiskAssessment:
    """Rate the contract's risk with reasons: a new RiskAssessment row; the contract holds the newest."""
    require_contract_commissioner(actor, contract)
    _require_live(contract, "rate its risk")
    errors = {}
    if rating not in RiskRating.values:
        errors["rating"] = "Select the risk rating"
    reasons = (reasons or "").strip()
    if not reasons:
        errors["reasons"] = "Enter the reasons for the rating"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = contract.risk_rating
        assessment = RiskAssessment.objects.create(
            contract=contract,
            rating=rating,
            reasons=reasons,
            assessed_by=actor,
            assessed_at=now or timezone.now(),
        )
        Contract.objects.filter(pk=contract.pk).update(risk_rating=rating)
        contract.risk_rating = rating
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=contract,
            detail={"risk_rating": {"from": before, "to": rating}, "assessment": assessment.pk},
        )
    return assessment


# The review decision at the notice point -----------------------------------------------------------------


def extension_months_between(old_end: datetime.date, new_end: datetime.date) -> int:
    """Whole months an extension uses, a part month counting as a whole one."""
    delta = relativedelta(new_end, old_end)
    months = delta.years * 12 + delta.months
    return months + (1 if delta.days > 0 else 0)


def review_decision_due(contract: Contract, today: datetime.date | None = None) -> bool:
    """A live contract whose notice point has come, with no decision recorded for its current term."""
    today = today or timezone.localdate()
    return (
        contract.status == ContractStatus.LIVE
        and not contract.review_decision
        and today >= contract.notice_point
    )


def review_decide(
    *,
    actor: User,
    contract: Contract,
    decision: str,
    notes: str,
    new_ends_on: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Contract:
    """Record the decision at the notice point: extend (within the months available), re-commission or
    decommission. Only for a live contract without a decision for its current term.

    An extension moves the end date, uses up months available and leaves the decision blank again: the
    next one is due at the new notice point (the extension stays in the audit log and the history).
    Re-commission and decommission are recorded; the decommissioning itself is its own journey.
    """
    require_contract_commissioner(actor, contract)
    now = now or timezone.now()
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": "Select the decision"})
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": "Enter the notes for the decision"})
    if contract.status != ContractStatus.LIVE:
        raise InvalidTransition(
            f"This contract is {contract.get_status_display().lower()}: a review decision can only be made "
            "for a live contract."
        )
    if contract.review_decision:
        raise InvalidTransition(
            f"The decision to {contract.get_review_decision_display().lower()} has already been recorded."
        )
    fields: dict = {
        "review_notes": notes,
        "review_decided_by": actor,
        "review_decided_at": now,
        "review_decision": decision,
    }
    detail: dict = {"decision": decision}
    if decision == ReviewDecision.EXTEND:
        if new_ends_on is None:
            raise ValidationError({"new_ends_on": "Enter the new end date"})
        if new_ends_on <= contract.ends_on:
            raise ValidationError({"new_ends_on": "The new end date must be after the current end date"})
        used = extension_months_between(contract.ends_on, new_ends_on)
        if used > contract.extension_months_available:
            raise InvalidTransition(
                f"That extension uses {used} months but only {contract.extension_months_available} "
                f"month{'s' if contract.extension_months_available != 1 else ''} of extension "
                f"{'are' if contract.extension_months_available != 1 else 'is'} available."
            )
        fields.update(
            ends_on=new_ends_on,
            extension_months_available=contract.extension_months_available - used,
            review_decision="",
        )
        detail.update(from_ends_on=contract.ends_on, to_ends_on=new_ends_on, months_used=used)
    with transaction.atomic():
        updated = Contract.objects.filter(
            pk=contract.pk, status=ContractStatus.LIVE, review_decision="", ends_on=contract.ends_on
        ).update(**fields)
        if not updated:
            raise InvalidTransition("Someone else has changed this contract. Reload the page to see it.")
        contract.refresh_from_db()
        audit_record(action=AuditAction.TRANSITION, actor=actor, target=contract, detail=detail)
        if decision == ReviewDecision.EXTEND:
            capacity_sync(organisation=contract.organisation)
    return contract


# Who the audit log names when the daily contract watch ends a contract.
SCHEDULED_ACTOR_LABEL = "The service, on schedule"


def contracts_end_expired(*, today: datetime.date) -> list[Contract]:
    """End every live contract whose end date has passed (the day after it ends), and rewrite the
    authorities' contracted capacity. A contract being decommissioned ends when its decommissioning
    completes, never here. Each contract is ended by a conditional update, so a second run, or a
    council action at the same moment, ends nothing twice."""
    ended = []
    for contract in Contract.objects.filter(status=ContractStatus.LIVE, ends_on__lt=today).select_related(
        "organisation"
    ):
        with transaction.atomic():
            moved = Contract.objects.filter(pk=contract.pk, status=ContractStatus.LIVE).update(
                status=ContractStatus.ENDED
            )
            if not moved:
                continue
            contract.status = ContractStatus.ENDED
            audit_record(
                action=AuditAction.TRANSITION,
                target=contract,
                actor_label=SCHEDULED_ACTOR_LABEL,
                detail={
                    "from": ContractStatus.LIVE,
                    "to": ContractStatus.ENDED,
                    "ended_on": contract.ends_on,
                },
            )
        ended.append(contract)
    for organisation in {contract.organisation for contract in ended}:
        capacity_sync(organisation=organisation)
    return ended


def contract_value_display(value: Decimal) -> str:
    return f"£{value:,.2f}"
