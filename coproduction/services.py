"""Writes for consultations with the parent carer forum.

A consultation moves scheduled → open → closed → complete. Each move is data in TRANSITIONS and is made
by one guarded function (`_move`) with a conditional UPDATE on the old status, so a move the status does
not allow raises InvalidTransition and leaves the status as it was. Every function is keyword-only,
checks the actor (PermissionDenied), runs in one transaction and writes an audit event.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Role, User
from accounts.rules import is_commissioner, is_forum_member
from commissioning.models import ServiceSpecification, SpecificationStatus, SpecificationVersion
from commissioning.services.specifications import (
    SECTION_BY_KEY,
    InvalidTransition,
    latest_version,
    specification_start_consultation,
    specification_version_lock,
)
from core.audit import audit_record
from core.models import AuditAction
from core.notifications import notification_send

from .models import COMMENT_MAX_LENGTH, Comment, Consultation, ConsultationStatus, Outcome, Response

__all__ = ["InvalidTransition"]

C = ConsultationStatus


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    stamp: str  # the datetime field set when the move is made


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("open", (C.SCHEDULED,), C.OPEN, "opened_at"),
        Transition("close", (C.OPEN,), C.CLOSED, "closed_at"),
        Transition("complete", (C.CLOSED,), C.COMPLETE, "completed_at"),
    )
}


def allowed_transitions(consultation: Consultation) -> list[str]:
    return [t.name for t in TRANSITIONS.values() if consultation.status in t.sources]


def _require_commissioner(actor, consultation: Consultation | None = None) -> None:
    if not is_commissioner(actor):
        raise PermissionDenied
    if consultation is not None and consultation.organisation_id != actor.organisation_id:
        raise PermissionDenied


def _move(*, actor, consultation: Consultation, name: str) -> Consultation:
    transition = TRANSITIONS[name]
    old = consultation.status
    refusal = f"A consultation that is {consultation.get_status_display().lower()} cannot be moved that way"
    if old not in transition.sources:
        raise InvalidTransition(refusal, code="invalid_transition")
    now = timezone.now()
    with transaction.atomic():
        moved = Consultation.objects.filter(pk=consultation.pk, status=old).update(
            status=transition.target, **{transition.stamp: now}
        )
        if not moved:  # somebody else changed the status first
            consultation.refresh_from_db()
            raise InvalidTransition(refusal, code="invalid_transition")
        consultation.status = transition.target
        setattr(consultation, transition.stamp, now)
        # Write the same values through save() so the move is in the object's history too.
        consultation.save(update_fields=["status", transition.stamp])
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            actor_label="" if actor is not None else "system",
            target=consultation,
            detail={"transition": name, "from": old, "to": transition.target},
        )
    return consultation


def forum_members(consultation: Consultation) -> QuerySet[User]:
    """The active forum members of every forum invited to the consultation."""
    return (
        User.objects.filter(
            organisation__in=consultation.forums.all(),
            is_active=True,
            role_assignments__role=Role.FORUM_MEMBER,
        )
        .distinct()
        .order_by("pk")
    )


def _notify_opened(consultation: Consultation) -> int:
    url = reverse("coproduction:consultation_detail", args=[consultation.pk])
    title = consultation.version.specification.title
    sent = 0
    for member in forum_members(consultation):
        sent += (
            notification_send(
                recipient=member,
                kind="consultation_opened",
                subject=f"Consultation open: {title}",
                body=f"{consultation.organisation.name} would like your forum's views on {title} "
                f"(version {consultation.version.number}): comments are taken until the end of "
                f"{consultation.last_day_for_comments:%-d %B %Y}.",
                url=url,
                target=consultation,
            )
            is not None
        )
    return sent


def _start(*, actor, consultation: Consultation) -> Consultation:
    consultation = _move(actor=actor, consultation=consultation, name="open")
    _notify_opened(consultation)
    return consultation


def consultation_open(
    *,
    actor,
    specification: ServiceSpecification,
    opens_on: datetime.date,
    closes_on: datetime.date,
    forums: Iterable[Organisation],
    today: datetime.date | None = None,
) -> Consultation:
    """Set up a consultation on the specification's latest version, which is locked for ever. A
    specification in draft moves to in consultation. The consultation opens now (and every member of the
    invited forums is told) when `opens_on` has come; otherwise it is scheduled and opens on that day."""
    _require_commissioner(actor)
    if specification.organisation_id != actor.organisation_id:
        raise PermissionDenied
    today = today or timezone.localdate()
    forums = list(forums)
    errors = {}
    if not opens_on:
        errors["opens_on"] = "Enter the date the consultation opens"
    elif opens_on < today:
        errors["opens_on"] = "The date the consultation opens must be today or in the future"
    if not closes_on:
        errors["closes_on"] = "Enter the date the consultation closes"
    elif opens_on and closes_on <= opens_on:
        errors["closes_on"] = "The date the consultation closes must be after the date it opens"
    if not forums:
        errors["forums"] = "Select at least one parent carer forum"
    elif any(forum.kind != OrganisationKind.PARENT_CARER_FORUM for forum in forums):
        errors["forums"] = "Select only parent carer forums"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        specification = ServiceSpecification.objects.select_for_update(no_key=True).get(pk=specification.pk)
        if Consultation.objects.filter(
            version__specification=specification, status__in=(C.SCHEDULED, C.OPEN)
        ).exists():
            raise ValidationError(
                {"specification": "This specification already has a consultation that is scheduled or open"}
            )
        version = latest_version(specification)
        if version is None:
            raise ValidationError("This specification has no version to consult on")
        if specification.status == SpecificationStatus.DRAFT:
            specification_start_consultation(actor=actor, specification=specification)
            version.refresh_from_db()
        else:
            version = specification_version_lock(version=version, reason="consultation", actor=actor)
        consultation = Consultation.objects.create(
            organisation_id=actor.organisation_id,
            version=version,
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=actor,
        )
        consultation.forums.set(forums)
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            target=consultation,
            detail={
                "specification": specification.pk,
                "version": version.number,
                "opens_on": opens_on.isoformat(),
                "closes_on": closes_on.isoformat(),
                "forums": [forum.pk for forum in forums],
            },
        )
        if opens_on <= today:
            _start(actor=actor, consultation=consultation)
    return consultation


def consultation_close(*, consultation: Consultation, actor=None) -> Consultation:
    """Open → closed: by a commissioner of the council (closing early), or by the system (actor None) on
    the close date. No more comments are taken."""
    if actor is not None:
        _require_commissioner(actor, consultation)
    return _move(actor=actor, consultation=consultation, name="close")


def unanswered_count(consultation: Consultation) -> int:
    return consultation.comments.filter(response__isnull=True).count()


def consultation_complete(*, actor, consultation: Consultation) -> Consultation:
    """Closed → complete, once every comment has an answer; "You said, we did" is then final."""
    _require_commissioner(actor, consultation)
    with transaction.atomic():
        waiting = unanswered_count(consultation)
        if waiting:
            noun = "comment has" if waiting == 1 else "comments have"
            raise ValidationError(
                f"{waiting} {noun} not been answered yet: answer every comment before completing",
                code="unanswered",
            )
        return _move(actor=actor, consultation=consultation, name="complete")


def comment_add(*, actor, consultation: Consultation, section: str, text: str) -> Comment:
    """A forum member of an invited forum comments on one section, while the consultation is open."""
    if not is_forum_member(actor) or not consultation.forums.filter(pk=actor.organisation_id).exists():
        raise PermissionDenied
    if consultation.status != C.OPEN:
        raise ValidationError(
            f"This consultation is {consultation.get_status_display().lower()}: comments are only taken "
            "while it is open",
            code="not_open",
        )
    if timezone.localdate() >= consultation.closes_on:  # its close date has come; the nightly run closes it
        raise ValidationError("This consultation has closed: comments are no longer taken", code="not_open")
    if section not in SECTION_BY_KEY:
        raise ValidationError({"section": "Select a section of the specification"})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter your comment"})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError({"text": f"Your comment must be {COMMENT_MAX_LENGTH} characters or fewer"})
    with transaction.atomic():
        # The status is checked again under a lock, so a comment cannot slip in as the consultation closes.
        locked = Consultation.objects.select_for_update(no_key=True).get(pk=consultation.pk)
        if locked.status != C.OPEN:
            raise ValidationError(
                "This consultation has closed: comments are no longer taken", code="not_open"
            )
        comment = Comment.objects.create(
            consultation=consultation,
            section=section,
            author=actor,
            forum_id=actor.organisation_id,
            text=text,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            target=comment,
            detail={"consultation": consultation.pk, "section": section},
        )
    return comment


def response_record(
    *,
    actor,
    comment: Comment,
    outcome: str,
    explanation: str,
    changed_section: str = "",
    changed_in_version: SpecificationVersion | None = None,
) -> Response:
    """A commissioner of the council answers one comment (once). Accepted or partly accepted answers say
    which section changed; the version that changed, when given, is a later version of the same
    specification. The comment's author is told."""
    consultation = comment.consultation
    _require_commissioner(actor, consultation)
    if consultation.status not in (C.OPEN, C.CLOSED):
        raise ValidationError(
            f"This consultation is {consultation.get_status_display().lower()}: its comments cannot be "
            "answered now",
            code="not_answerable",
        )
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Select whether the comment was accepted, partly accepted or not accepted"
    explanation = (explanation or "").strip()
    if not explanation:
        errors["explanation"] = "Explain the decision"
    changed_section = changed_section or ""
    if outcome in (Outcome.ACCEPTED, Outcome.PARTLY):
        if changed_section not in SECTION_BY_KEY:
            errors["changed_section"] = "Select the section that changed"
    elif changed_section or changed_in_version is not None:
        changed_section, changed_in_version = "", None
    if changed_section and changed_section not in SECTION_BY_KEY:
        errors["changed_section"] = "Select a section of the specification"
    if changed_in_version is not None and (
        changed_in_version.specification_id != consultation.version.specification_id
        or changed_in_version.number <= consultation.version.number
    ):
        errors["changed_in_version"] = "Select a later version of this specification"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if Response.objects.filter(comment=comment).exists():
            raise ValidationError("This comment has already been answered", code="answered")
        response = Response.objects.create(
            comment=comment,
            commissioner=actor,
            outcome=outcome,
            explanation=explanation,
            changed_section=changed_section,
            changed_in_version=changed_in_version,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            target=response,
            detail={
                "comment": comment.pk,
                "outcome": outcome,
                "changed_section": changed_section,
                "changed_in_version": getattr(changed_in_version, "number", None),
            },
        )
        notification_send(
            recipient=comment.author,
            kind="consultation_comment_answered",
            subject=f"Your comment on {consultation.version.specification.title} has been answered",
            body=f"{response.get_outcome_display()}: {explanation}",
            url=reverse("coproduction:consultation_detail", args=[consultation.pk]),
            target=comment,
        )
    return response


# ---------------------------------------------------------------------------------------------------------
# Scheduled work: open what is due to open, close what is due to close.


def consultations_due_to_open(today: datetime.date) -> QuerySet[Consultation]:
    return Consultation.objects.filter(status=C.SCHEDULED, opens_on__lte=today).order_by("pk")


def consultations_due_to_close(today: datetime.date) -> QuerySet[Consultation]:
    """Open consultations whose close date has come: they close at the start of that day."""
    return Consultation.objects.filter(status=C.OPEN, closes_on__lte=today).order_by("pk")


def consultation_close_due(*, today: datetime.date) -> dict[str, int]:
    """Open the scheduled consultations whose day has come, then close those whose close date has come.
    Idempotent: a second run the same day finds nothing to do. Returns the counts."""
    opened = closed = 0
    for consultation in consultations_due_to_open(today).select_related("version__specification"):
        try:
            _start(actor=None, consultation=consultation)
        except InvalidTransition:  # moved by someone else meanwhile
            continue
        opened += 1
    for consultation in consultations_due_to_close(today):
        try:
            consultation_close(consultation=consultation)
        except InvalidTransition:
            continue
        closed += 1
    return {"opened": opened, "closed": closed}
