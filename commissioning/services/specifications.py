"""Writes for service specifications and their versions.

A specification's content lives in numbered versions. The latest version is the working draft while it
is unlocked; once it has been consulted on, approved or used in a tender it is locked for ever, and a
change makes a new version. Locked versions are never written to: every write to a version's sections is
a conditional UPDATE on `locked_at IS NULL`, so a version locked a moment ago cannot be changed either.

Each function is keyword-only, checks the actor's permission (PermissionDenied otherwise), runs in one
transaction and writes an audit event. An object of another council is refused the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditAction

from ..models import (
    BusinessCase,
    CommissioningIntention,
    ServiceSpecification,
    SpecificationStatus,
    SpecificationVersion,
)

MANAGE = "commissioning.manage_specifications"

# ---------------------------------------------------------------------------------------------------------
# The sections: one table that the forms, pages, PDF and diff all use.


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    guidance: str
    columns: tuple[Column, ...] = ()
    required: bool = False

    @property
    def is_table(self) -> bool:
        return bool(self.columns)

    @property
    def row_label(self) -> str:
        return self.columns[0].label if self.columns else ""


SECTIONS: tuple[Section, ...] = (
    Section(
        "aims",
        "Aims and objectives",
        "What the service is for and what it must achieve for children, young people and their families.",
        required=True,
    ),
    Section(
        "outcomes",
        "Outcomes",
        "The difference the service should make, how each outcome is measured, the target and how often "
        "it is measured.",
        columns=(
            Column("outcome", "Outcome"),
            Column("measure", "Measure"),
            Column("target", "Target"),
            Column("frequency", "How often measured"),
        ),
    ),
    Section(
        "standards",
        "Standards",
        "The quality standards, regulations and guidance the provider must meet, for example the SEND "
        "Code of Practice and Ofsted or CQC registration.",
    ),
    Section(
        "delivery_model",
        "Delivery model",
        "Where the service is delivered, how, and by whom: settings, hours, staffing and qualifications.",
    ),
    Section(
        "eligibility",
        "Eligibility and referral route",
        "Who the service is for, and how children and young people are referred to it.",
    ),
    Section(
        "kpis",
        "Key performance indicators",
        "The indicators the provider reports on, each with its target and how often it is reported.",
        columns=(Column("name", "Indicator"), Column("target", "Target"), Column("frequency", "Frequency")),
    ),
    Section(
        "safeguarding",
        "Safeguarding",
        "How the provider keeps children and young people safe: policies, training, checks and reporting.",
    ),
    Section(
        "involvement",
        "How families and young people are involved",
        "How children, young people and their families shape the service and say what they think of it.",
    ),
)
SECTION_BY_KEY = {section.key: section for section in SECTIONS}


def empty_sections() -> dict[str, Any]:
    return {section.key: [] if section.is_table else "" for section in SECTIONS}


def normalise_sections(sections: dict[str, Any] | None) -> dict[str, Any]:
    """Every section present, in order; text stripped; table rows with only known columns, blank rows
    dropped. Unknown keys are refused."""
    sections = sections or {}
    unknown = set(sections) - set(SECTION_BY_KEY)
    if unknown:
        raise ValidationError(f"Unknown sections: {', '.join(sorted(unknown))}")
    result: dict[str, Any] = {}
    for section in SECTIONS:
        value = sections.get(section.key)
        if section.is_table:
            rows = []
            for row in value or []:
                if not isinstance(row, dict):
                    raise ValidationError({section.key: f"{section.heading}: each row must be a mapping"})
                cleaned = {column.key: str(row.get(column.key) or "").strip() for column in section.columns}
                if any(cleaned.values()):
                    rows.append(cleaned)
            result[section.key] = rows
        else:
            result[section.key] = str(value or "").strip()
    return result


def _check_sections(sections: dict[str, Any]) -> None:
    errors = {
        section.key: f"Enter the {section.heading.lower()}"
        for section in SECTIONS
        if section.required and not sections[section.key]
    }
    for section in SECTIONS:
        if section.is_table:
            first = section.columns[0]
            if any(not row[first.key] for row in sections[section.key]):
                errors[section.key] = f"{section.heading}: enter the {first.label.lower()} for each row"
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------------------
# Transitions: data, and one function each.


class InvalidTransition(ValidationError):
    """A move the specification's status does not allow; the status is left as it was."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    lock_reason: str = ""  # the latest version is locked with this reason
    # Made only by `specification_edit` when it creates a new version, never asked for by name.
    automatic: bool = False


S = SpecificationStatus
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        # draft → in consultation: the consultation stage calls this; it locks the version consulted on.
        Transition("start_consultation", (S.DRAFT,), S.IN_CONSULTATION, lock_reason="consultation"),
        Transition("revise", (S.IN_CONSULTATION, S.APPROVED), S.REVISED, automatic=True),
        Transition("approve", (S.DRAFT, S.REVISED), S.APPROVED, lock_reason="approved"),
    )
}
LOCK_REASONS = ("consultation", "approved", "tender")


def allowed_transitions(specification: ServiceSpecification) -> list[Transition]:
    """The transitions a person may ask for now (not the automatic ones)."""
    return [t for t in TRANSITIONS.values() if specification.status in t.sources and not t.automatic]


def _require(actor, specification: ServiceSpecification | None = None) -> None:
    if not actor.has_perm(MANAGE):
        raise PermissionDenied
    if specification is not None and specification.organisation_id != actor.organisation_id:
        raise PermissionDenied


def latest_version(specification: ServiceSpecification) -> SpecificationVersion | None:
    return specification.versions.order_by("-number").first()


def _own_or_error(model, pk_or_obj, actor, field: str, label: str):
    if pk_or_obj in (None, ""):
        return None
    obj = pk_or_obj if isinstance(pk_or_obj, model) else model.objects.filter(pk=pk_or_obj).first()
    if obj is None or obj.organisation_id != actor.organisation_id:
        raise ValidationError({field: f"Select one of your council's {label}"})
    return obj


def specification_create(
    *,
    actor,
    title: str,
    intention: CommissioningIntention | int | None = None,
    business_case: BusinessCase | int | None = None,
    sections: dict[str, Any] | None = None,
) -> ServiceSpecification:
    """Create a specification for the actor's council, with version 1 as its unlocked working draft."""
    _require(actor)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Enter a title"})
    intention = _own_or_error(CommissioningIntention, intention, actor, "intention", "intentions")
    business_case = _own_or_error(BusinessCase, business_case, actor, "business_case", "business cases")
    sections = normalise_sections(sections)
    _check_sections(sections)
    with transaction.atomic():
        specification = ServiceSpecification.objects.create(
            organisation_id=actor.organisation_id,
            title=title,
            intention=intention,
            business_case=business_case,
            created_by=actor,
        )
        SpecificationVersion.objects.create(
            specification=specification, number=1, sections=sections, created_by=actor
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            target=specification,
            detail={
                "title": title,
                "version": 1,
                "intention": getattr(intention, "pk", None),
                "business_case": getattr(business_case, "pk", None),
            },
        )
    return specification


def specification_edit(
    *,
    actor,
    specification: ServiceSpecification,
    sections: dict[str, Any],
    change_summary: str = "",
) -> SpecificationVersion:
    """Change the content. While the latest version is unlocked it is edited in place; when it is locked,
    a new version (number + 1) is made, and a specification in consultation or approved becomes revised.
    Returns the version written."""
    _require(actor, specification)
    sections = normalise_sections(sections)
    _check_sections(sections)
    change_summary = (change_summary or "").strip()
    with transaction.atomic():
        # One writer at a time per specification, so version numbers never collide.
        specification = ServiceSpecification.objects.select_for_update(no_key=True).get(pk=specification.pk)
        latest = latest_version(specification)
        # Only an unlocked row is written: a version locked a moment ago is left alone. A blank change
        # summary keeps the draft's own.
        in_place = {"sections": sections, **({"change_summary": change_summary} if change_summary else {})}
        edited = bool(
            latest is not None
            and SpecificationVersion.objects.filter(pk=latest.pk, locked_at__isnull=True).update(**in_place)
        )
        if edited:
            version = SpecificationVersion.objects.get(pk=latest.pk)
        else:
            if not change_summary:
                raise ValidationError({"change_summary": "Say what has changed in this version"})
            number = (specification.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = SpecificationVersion.objects.create(
                specification=specification,
                number=number,
                sections=sections,
                change_summary=change_summary,
                created_by=actor,
            )
        changed = [
            key
            for key in SECTION_BY_KEY
            if latest is None or (latest.sections or {}).get(key) != sections[key]
        ]
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=specification,
            detail={
                "version": version.number,
                "new_version": not edited,
                "changed_sections": changed,
                "change_summary": change_summary,
            },
        )
        if not edited and specification.status in TRANSITIONS["revise"].sources:
            _move(actor=actor, specification=specification, transition=TRANSITIONS["revise"])
    return version


def specification_version_lock(
    *, version: SpecificationVersion, reason: str, actor=None
) -> SpecificationVersion:
    """Lock a version for ever (consultation, approval, tender). Locking a locked version changes nothing."""
    if reason not in LOCK_REASONS:
        raise ValidationError(f"Lock reason must be one of {', '.join(LOCK_REASONS)}")
    with transaction.atomic():
        locked = SpecificationVersion.objects.filter(pk=version.pk, locked_at__isnull=True).update(
            locked_at=timezone.now(), locked_reason=reason
        )
        version.refresh_from_db()
        if locked:
            audit_record(
                action=AuditAction.UPDATE,
                actor=actor,
                actor_label="" if actor is not None else "system",
                target=version.specification,
                detail={"locked_version": version.number, "reason": reason},
            )
    return version


def _move(*, actor, specification: ServiceSpecification, transition: Transition) -> ServiceSpecification:
    """Apply one transition with a conditional UPDATE on the old status; refuse anything else."""
    old = specification.status
    refusal = f"A specification that is {specification.get_status_display().lower()} cannot be moved that way"
    if old not in transition.sources:
        raise InvalidTransition(refusal, code="invalid_transition")
    with transaction.atomic():
        moved = ServiceSpecification.objects.filter(pk=specification.pk, status=old).update(
            status=transition.target
        )
        if not moved:  # somebody else changed the status first
            specification.refresh_from_db()
            raise InvalidTransition(refusal, code="invalid_transition")
        specification.status = transition.target
        version = latest_version(specification)
        if transition.lock_reason and version is not None:
            specification_version_lock(version=version, reason=transition.lock_reason, actor=actor)
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            target=specification,
            detail={
                "transition": transition.name,
                "from": old,
                "to": transition.target,
                "version": version.number if version else None,
            },
        )
    return specification


def specification_transition(
    *, actor, specification: ServiceSpecification, name: str
) -> ServiceSpecification:
    """Apply the named transition (see TRANSITIONS); InvalidTransition when the status does not allow it."""
    _require(actor, specification)
    if name not in TRANSITIONS:
        raise InvalidTransition(f"Unknown transition {name!r}", code="invalid_transition")
    if TRANSITIONS[name].automatic:
        raise InvalidTransition(
            "A specification becomes revised when a change makes a new version", code="invalid_transition"
        )
    return _move(actor=actor, specification=specification, transition=TRANSITIONS[name])


def specification_start_consultation(*, actor, specification: ServiceSpecification) -> ServiceSpecification:
    """Draft → in consultation: the current version is locked (reason: consultation)."""
    return specification_transition(actor=actor, specification=specification, name="start_consultation")


def specification_approve(*, actor, specification: ServiceSpecification) -> ServiceSpecification:
    """Draft or revised → approved: the current version is locked (reason: approved)."""
    return specification_transition(actor=actor, specification=specification, name="approve")
