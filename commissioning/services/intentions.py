"""Writes for commissioning intentions.

Each function is keyword-only, checks the actor's permission (PermissionDenied otherwise), runs in one
transaction and writes an audit event. An intention of another council is refused the same way.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.audit import audit_record
from core.models import AuditAction
from needs.analysis.gaps import ALL, gap_detail_for
from needs.models import ProjectionRun
from needs.vocabulary import AGE_BAND_BY_CODE, PrimaryNeed

from ..models import CommissioningIntention, IntentionStatus, Priority

INTENTION_FIELDS = (
    "title",
    "summary",
    "priority",
    "service_area",
    "primary_need",
    "age_band",
    "target_date",
)


def _require(actor, permission: str, obj=None) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied
    if obj is not None and obj.organisation_id != actor.organisation_id:
        raise PermissionDenied


def _check(*, actor, title: str, priority: str, primary_need: str, age_band: str, owner) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter a title"
    if priority not in Priority.values:
        errors["priority"] = "Select a priority"
    if primary_need and primary_need not in PrimaryNeed.values:
        errors["primary_need"] = "Select a primary need, or ‘Any need’"
    if age_band and age_band not in AGE_BAND_BY_CODE:
        errors["age_band"] = "Select an age band, or ‘All ages’"
    if (
        owner is None
        or not owner.is_active
        or owner.organisation_id != actor.organisation_id
        or not owner.has_perm("commissioning.view")
    ):
        errors["owner"] = "Select an owner from your council's staff"
    if errors:
        raise ValidationError(errors)


def parse_gap_reference(reference: str) -> tuple[str, str] | None:
    """'5-10/ASD' -> ('5-10', 'ASD'); None when it is not a gap's address."""
    age_band, _, need = (reference or "").partition("/")
    if age_band not in AGE_BAND_BY_CODE or (need != ALL and need not in PrimaryNeed.values):
        return None
    return age_band, need


def gap_evidence(*, actor, gap_reference: str, projection: ProjectionRun | None = None) -> dict:
    """The figures of one gap as they are now (a projection run pinned, or the latest): {} when none."""
    codes = parse_gap_reference(gap_reference)
    if codes is None:
        return {}
    age_band, need = codes
    detail = gap_detail_for(
        actor, age_band=age_band, need=need, run_id=str(projection.pk) if projection is not None else None
    )
    analysis = detail.analysis
    if analysis.run is None or detail.row is None:
        return {}
    row = detail.row
    return {
        "gap_reference": gap_reference,
        "age_band": age_band,
        "need": need,
        "age_band_label": row.age_band_label,
        "need_label": row.need_label,
        "projected_demand": row.projected_whole,
        "capacity": row.capacity,
        "gap": row.gap,
        "status": row.status,
        "target_year": analysis.target_year,
        "capacity_year": analysis.capacity_year,
        "projection_run_id": analysis.run.pk,
        "projection_label": str(analysis.run),
        "statement": analysis.statement,
    }


def intention_create(
    *,
    actor,
    title: str,
    summary: str,
    priority: str,
    service_area: str,
    primary_need: str,
    age_band: str,
    target_date: datetime.date,
    owner,
    gap_reference: str = "",
    projection: ProjectionRun | None = None,
) -> CommissioningIntention:
    """Record a commissioning intention for the actor's council.

    Started from a gap (`gap_reference` "<age_band>/<need>"), the gap's figures as they are now are
    copied into `evidence`, so later projections do not change what the intention was based on.
    """
    _require(actor, "commissioning.manage_intentions")
    if projection is not None and projection.organisation_id != actor.organisation_id:
        raise PermissionDenied
    _check(
        actor=actor, title=title, priority=priority, primary_need=primary_need, age_band=age_band, owner=owner
    )
    evidence: dict = {}
    if gap_reference:
        if parse_gap_reference(gap_reference) is None:
            raise ValidationError("The gap this intention was started from could not be found")
        evidence = gap_evidence(actor=actor, gap_reference=gap_reference, projection=projection)
        if evidence:
            projection = ProjectionRun.objects.get(pk=evidence["projection_run_id"])
    with transaction.atomic():
        intention = CommissioningIntention.objects.create(
            organisation_id=actor.organisation_id,
            title=title.strip(),
            summary=summary.strip(),
            priority=priority,
            service_area=service_area.strip(),
            primary_need=primary_need,
            age_band=age_band,
            target_date=target_date,
            owner=owner,
            gap_reference=gap_reference,
            projection=projection,
            evidence=evidence,
            created_by=actor,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            target=intention,
            detail={
                **{field: getattr(intention, field) for field in INTENTION_FIELDS if field != "summary"},
                "owner": owner.pk,
                "gap_reference": gap_reference,
            },
        )
    return intention


def intention_update(
    *,
    intention: CommissioningIntention,
    actor,
    title: str,
    summary: str,
    priority: str,
    service_area: str,
    primary_need: str,
    age_band: str,
    target_date: datetime.date,
    owner,
) -> CommissioningIntention:
    """Change an intention of the actor's council. The evidence it was started from never changes."""
    _require(actor, "commissioning.manage_intentions", intention)
    _check(
        actor=actor, title=title, priority=priority, primary_need=primary_need, age_band=age_band, owner=owner
    )
    new = {
        "title": title.strip(),
        "summary": summary.strip(),
        "priority": priority,
        "service_area": service_area.strip(),
        "primary_need": primary_need,
        "age_band": age_band,
        "target_date": target_date,
        "owner": owner,
    }
    changed = [field for field, value in new.items() if getattr(intention, field) != value]
    with transaction.atomic():
        for field, value in new.items():
            setattr(intention, field, value)
        intention.save()
        audit_record(action=AuditAction.UPDATE, actor=actor, target=intention, detail={"changed": changed})
    return intention


def intention_set_status(*, intention: CommissioningIntention, actor, status: str) -> CommissioningIntention:
    """Move an intention to another status (any to any: it is a label, not an approval)."""
    _require(actor, "commissioning.manage_intentions", intention)
    if status not in IntentionStatus.values:
        raise ValidationError({"status": "Select a status"})
    old = intention.status
    if old == status:
        return intention
    with transaction.atomic():
        intention.status = status
        intention.save(update_fields=["status"])
        audit_record(
            action=AuditAction.TRANSITION, actor=actor, target=intention, detail={"from": old, "to": status}
        )
    return intention
