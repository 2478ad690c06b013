"""Writes for planning: commissioned capacity, projection runs and what families said.

Each function is keyword-only, checks the actor's permission (PermissionDenied otherwise), runs in one
transaction and writes an audit event. An object of another council is refused the same way.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditAction

from ..analysis.inputs import InputsMissing, projection_inputs_for
from ..analysis.projections import PREVALENCE, TREND, run_projection
from ..models import (
    CapacityBasis,
    CommissionedCapacity,
    Feedback,
    FeedbackSource,
    ProjectionRun,
    Sentiment,
)
from ..vocabulary import AGE_BAND_BY_CODE, PrimaryNeed, Setting

DUPLICATE_CAPACITY = (
    "Places for this year, primary need, age band and setting have already been entered. "
    "Change the existing row instead of adding another."
)
CAPACITY_FIELDS = ("year", "primary_need", "age_band", "setting", "places", "notes")
FEEDBACK_FIELDS = ("source", "received_on", "service_area", "primary_need", "summary", "sentiment")


def _require(actor, permission: str, obj=None) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied
    if obj is not None and obj.organisation_id != actor.organisation_id:
        raise PermissionDenied


# ---------------------------------------------------------------------------------------------------------
# Capacity


def _check_capacity(*, primary_need: str, age_band: str, setting: str, places: int, year: int) -> None:
    errors: dict[str, str] = {}
    if primary_need and primary_need not in PrimaryNeed.values:
        errors["primary_need"] = "Select a primary need, or ‘Any need’"
    if age_band not in AGE_BAND_BY_CODE:
        errors["age_band"] = "Select an age band"
    if setting not in Setting.values:
        errors["setting"] = "Select a setting"
    if places is None or places < 0:
        errors["places"] = "Places must be 0 or more"
    if not 2000 <= year <= 2100:
        errors["year"] = "Year must be between 2000 and 2100"
    if errors:
        raise ValidationError(errors)


def _require_entered(capacity: CommissionedCapacity) -> None:
    if capacity.basis != CapacityBasis.ENTERED:
        raise ValidationError(
            "These places come from contracts and placement agreements. Change the contract instead.",
            code="contracted",
        )


def _duplicate_exists(*, organisation_id: int, exclude_pk: int | None = None, **cell) -> bool:
    rows = CommissionedCapacity.objects.filter(
        organisation_id=organisation_id, basis=CapacityBasis.ENTERED, **cell
    )
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.exists()


def capacity_create(
    *,
    actor,
    year: int,
    age_band: str,
    setting: str,
    places: int,
    primary_need: str = "",
    notes: str = "",
) -> CommissionedCapacity:
    """Record places commissioned for the actor's council. A second row for the same cell is refused."""
    _require(actor, "needs.manage_capacity")
    _check_capacity(primary_need=primary_need, age_band=age_band, setting=setting, places=places, year=year)
    cell = {"year": year, "primary_need": primary_need, "age_band": age_band, "setting": setting}
    if _duplicate_exists(organisation_id=actor.organisation_id, **cell):
        raise ValidationError(DUPLICATE_CAPACITY, code="duplicate")
    try:
        with transaction.atomic():
            capacity = CommissionedCapacity.objects.create(
                organisation_id=actor.organisation_id, places=places, notes=notes, entered_by=actor, **cell
            )
            audit_record(
                action=AuditAction.CREATE,
                actor=actor,
                target=capacity,
                detail={field: getattr(capacity, field) for field in CAPACITY_FIELDS},
            )
    except IntegrityError as error:  # a concurrent request added the same cell first
        raise ValidationError(DUPLICATE_CAPACITY, code="duplicate") from error
    return capacity


def capacity_update(
    *,
    capacity: CommissionedCapacity,
    actor,
    year: int,
    age_band: str,
    setting: str,
    places: int,
    primary_need: str = "",
    notes: str = "",
) -> CommissionedCapacity:
    """Change a row of the actor's council's capacity; the audit event records what changed."""
    _require(actor, "needs.manage_capacity", capacity)
    _require_entered(capacity)
    _check_capacity(primary_need=primary_need, age_band=age_band, setting=setting, places=places, year=year)
    new = {
        "year": year,
        "primary_need": primary_need,
        "age_band": age_band,
        "setting": setting,
        "places": places,
        "notes": notes,
    }
    cell = {key: new[key] for key in ("year", "primary_need", "age_band", "setting")}
    if _duplicate_exists(organisation_id=capacity.organisation_id, exclude_pk=capacity.pk, **cell):
        raise ValidationError(DUPLICATE_CAPACITY, code="duplicate")
    changes = {
        field: {"from": getattr(capacity, field), "to": value}
        for field, value in new.items()
        if getattr(capacity, field) != value
    }
    try:
        with transaction.atomic():
            for field, value in new.items():
                setattr(capacity, field, value)
            capacity.save()
            audit_record(action=AuditAction.UPDATE, actor=actor, target=capacity, detail={"changes": changes})
    except IntegrityError as error:
        raise ValidationError(DUPLICATE_CAPACITY, code="duplicate") from error
    return capacity


def capacity_delete(*, capacity: CommissionedCapacity, actor) -> None:
    """Remove a row of capacity; the audit event keeps what it said."""
    _require(actor, "needs.manage_capacity", capacity)
    _require_entered(capacity)
    with transaction.atomic():
        audit_record(
            action=AuditAction.DELETE,
            actor=actor,
            target=capacity,
            detail={field: getattr(capacity, field) for field in CAPACITY_FIELDS},
        )
        capacity.delete()


# ---------------------------------------------------------------------------------------------------------
# Projections


def projection_run_create(
    *,
    actor,
    method: str,
    base_year: int,
    horizon: int = 5,
    trend_years: int = 5,
    prevalence_change_pct: float = 0.0,
) -> ProjectionRun:
    """Read the council's figures, project them and store everything needed to reproduce the result.

    Raises ValidationError (with a plain-English message) when the data cannot support the projection.
    """
    _require(actor, "needs.run_projection")
    if method not in (PREVALENCE, TREND):
        raise ValidationError({"method": "Select a projection method"})
    try:
        inputs = projection_inputs_for(actor, base_year=base_year)
    except InputsMissing as missing:
        raise ValidationError(missing.message) from missing
    if method == PREVALENCE and inputs.population_year is None:
        raise ValidationError(
            f"There are no population figures for {inputs.area_name} in {base_year} or before it, so "
            "prevalence cannot be worked out. Import ONS population estimates, or use trend extrapolation."
        )
    parameters: dict[str, Any] = {"horizon": horizon}
    if method == PREVALENCE:
        parameters["prevalence_change_pct"] = float(prevalence_change_pct)
    else:
        parameters["trend_years"] = trend_years
    try:
        projection = run_projection(inputs, method=method, **parameters)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    if not projection.results:
        raise ValidationError(
            "Nothing could be projected from these figures: no age band has enough EHC plan figures for the "
            "years chosen. Fit the trend to more years, or choose another base year."
        )
    with transaction.atomic():
        run = ProjectionRun.objects.create(
            organisation_id=actor.organisation_id,
            method=method,
            base_year=base_year,
            horizon=horizon,
            parameters=projection.parameters,
            inputs={**inputs.as_dict(), "derived": projection.derived},
            results=projection.results,
            method_statement=projection.method_statement,
            created_by=actor,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            target=run,
            detail={
                "method": method,
                "parameters": projection.parameters,
                "results": len(projection.results),
            },
        )
    return run


# ---------------------------------------------------------------------------------------------------------
# Feedback


def _check_feedback(*, source: str, received_on: datetime.date, primary_need: str, sentiment: str) -> None:
    errors: dict[str, str] = {}
    if source not in FeedbackSource.values:
        errors["source"] = "Select who the feedback came from"
    if sentiment not in Sentiment.values:
        errors["sentiment"] = "Select whether the feedback was positive, mixed or negative"
    if primary_need and primary_need not in PrimaryNeed.values:
        errors["primary_need"] = "Select a primary need, or ‘Not about one need’"
    if received_on > timezone.localdate():
        errors["received_on"] = "Date received must be today or in the past"
    if errors:
        raise ValidationError(errors)


def feedback_create(
    *,
    actor,
    source: str,
    received_on: datetime.date,
    service_area: str,
    summary: str,
    sentiment: str,
    primary_need: str = "",
) -> Feedback:
    """Record what a family or partner said, for the actor's council."""
    _require(actor, "needs.record_feedback")
    _check_feedback(source=source, received_on=received_on, primary_need=primary_need, sentiment=sentiment)
    with transaction.atomic():
        feedback = Feedback.objects.create(
            organisation_id=actor.organisation_id,
            source=source,
            received_on=received_on,
            service_area=service_area.strip(),
            primary_need=primary_need,
            summary=summary.strip(),
            sentiment=sentiment,
            recorded_by=actor,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            target=feedback,
            detail={field: getattr(feedback, field) for field in FEEDBACK_FIELDS if field != "summary"},
        )
    return feedback


def feedback_update(
    *,
    feedback: Feedback,
    actor,
    source: str,
    received_on: datetime.date,
    service_area: str,
    summary: str,
    sentiment: str,
    primary_need: str = "",
) -> Feedback:
    """Correct a piece of feedback of the actor's council; the audit event says which fields changed."""
    _require(actor, "needs.record_feedback", feedback)
    _check_feedback(source=source, received_on=received_on, primary_need=primary_need, sentiment=sentiment)
    new = {
        "source": source,
        "received_on": received_on,
        "service_area": service_area.strip(),
        "primary_need": primary_need,
        "summary": summary.strip(),
        "sentiment": sentiment,
    }
    changed = [field for field, value in new.items() if getattr(feedback, field) != value]
    with transaction.atomic():
        for field, value in new.items():
            setattr(feedback, field, value)
        feedback.save()
        audit_record(action=AuditAction.UPDATE, actor=actor, target=feedback, detail={"changed": changed})
    return feedback
