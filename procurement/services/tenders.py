"""Writes for tenders: a council commissioner drafts a tender, publishes it, answers clarifications,
cancels it, and opens the sealed bids once the deadline has passed; the clock closes it.

Every function is keyword-only with the object first, checks the actor (PermissionDenied), validates
(ValidationError with field keys), runs in one transaction and records an audit event. Status moves go
through `tender_workflow.tender_move`. Times are the server's clock: a `now` parameter exists for tests
and for the scheduled task, never for a value a browser sent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from commissioning.models import BusinessCase, BusinessCaseStatus, SpecificationStatus, SpecificationVersion
from core.audit import audit_record
from core.models import AuditAction, Document
from core.notifications import notification_send

from ..models import (
    AwardCriterion,
    Clarification,
    CriterionKind,
    Lot,
    PurchasingSystem,
    RequiredDocument,
    Submission,
    SubmissionStatus,
    Tender,
    TenderDocument,
    TenderRoute,
    TenderStatus,
)
from ..rules import is_council_commissioner
from .tender_workflow import InvalidTransition, tender_move

# Routes that run inside a purchasing system.
SYSTEM_ROUTES = (TenderRoute.FPS_ADMISSION, TenderRoute.MINI_COMPETITION)
# The details a commissioner edits on a draft.
DETAIL_FIELDS = (
    "title",
    "reference",
    "description",
    "route",
    "estimated_value",
    "business_case",
    "specification_version",
    "purchasing_system",
)
TIMETABLE_FIELDS = (
    "publish_on",
    "clarification_deadline",
    "submission_deadline",
    "evaluation_end_on",
    "award_on",
)


# --- who may ---------------------------------------------------------------------------------------


def _require_commissioner(actor, tender: Tender | None = None) -> None:
    """A commissioner of the tender's own authority, or of any authority for a new tender."""
    if not is_council_commissioner(actor):
        raise PermissionDenied
    if tender is not None and tender.organisation_id != actor.organisation_id:
        raise PermissionDenied


def _require_draft(tender: Tender) -> None:
    if tender.status != TenderStatus.DRAFT:
        raise ValidationError("Only a draft tender can be changed.")


def commissioners_of(organisation_id: int):
    return User.objects.filter(
        organisation_id=organisation_id,
        is_active=True,
        role_assignments__role__in=[Role.COMMISSIONER, Role.LEAD_COMMISSIONER],
    ).distinct()


def provider_users_of(organisation_ids):
    return User.objects.filter(
        organisation_id__in=list(organisation_ids), is_active=True, role_assignments__role=Role.PROVIDER_USER
    ).distinct()


# --- what a tender may be built from ------------------------------------------------------------------


def approved_business_cases(organisation):
    return BusinessCase.objects.filter(organisation=organisation, status=BusinessCaseStatus.CABINET_APPROVED)


def approved_specification_versions(organisation):
    """Versions of the authority's approved specifications, newest first."""
    return (
        SpecificationVersion.objects.filter(
            specification__organisation=organisation, specification__status=SpecificationStatus.APPROVED
        )
        .select_related("specification")
        .order_by("specification__title", "-number")
    )


def purchasing_systems_for(organisation):
    """Systems the authority leads or is a member of."""
    member = PurchasingSystem.objects.filter(member_authorities=organisation).values("pk")
    return PurchasingSystem.objects.filter(Q(lead_authority=organisation) | Q(pk__in=member)).order_by("name")


def _check_sources(organisation, values: dict) -> None:
    errors = {}
    case = values.get("business_case")
    if case is not None and not approved_business_cases(organisation).filter(pk=case.pk).exists():
        errors["business_case"] = "Choose a business case approved by Cabinet for your council"
    version = values.get("specification_version")
    if (
        version is not None
        and not approved_specification_versions(organisation).filter(pk=version.pk).exists()
    ):
        errors["specification_version"] = "Choose a version of a specification your council has approved"
    route = values.get("route")
    system = values.get("purchasing_system")
    if route in SYSTEM_ROUTES and system is None:
        errors["purchasing_system"] = "Choose the purchasing system this tender runs in"
    if system is not None and not purchasing_systems_for(organisation).filter(pk=system.pk).exists():
        errors["purchasing_system"] = "Choose a purchasing system your council leads or is a member of"
    value = values.get("estimated_value")
    if value is not None and value <= 0:
        errors["estimated_value"] = "Estimated value must be more than £0"
    if errors:
        raise ValidationError(errors)


def _check_reference(organisation, reference: str, exclude_pk=None) -> None:
    if not (reference or "").strip():
        raise ValidationError({"reference": "Enter the tender's reference"})
    clash = Tender.objects.filter(organisation=organisation, reference=reference.strip())
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"reference": "Your council already has a tender with this reference"})


# --- drafting -----------------------------------------------------------------------------------------


def tender_create(*, actor, title: str, reference: str, route: str, **values) -> Tender:
    """A draft tender for the actor's own council."""
    _require_commissioner(actor)
    organisation = actor.organisation
    if not (title or "").strip():
        raise ValidationError({"title": "Enter the tender's title"})
    _check_reference(organisation, reference)
    values = {key: value for key, value in values.items() if key in DETAIL_FIELDS}
    if values.get("route", route) not in SYSTEM_ROUTES:
        values["purchasing_system"] = None
    _check_sources(organisation, {"route": route, **values})
    tender = Tender(
        organisation=organisation,
        title=title.strip(),
        reference=reference.strip(),
        route=route,
        created_by=actor,
        **values,
    )
    tender.full_clean()
    with transaction.atomic():
        tender.save()
        audit_record(action=AuditAction.CREATE, actor=actor, target=tender, detail={"status": tender.status})
    return tender


def tender_update(*, tender: Tender, actor, **values) -> Tender:
    """Change a draft's details (title, reference, description, route, value, business case,
    specification version, purchasing system)."""
    _require_commissioner(actor, tender)
    _require_draft(tender)
    values = {key: value for key, value in values.items() if key in DETAIL_FIELDS}
    if "reference" in values:
        _check_reference(tender.organisation, values["reference"], exclude_pk=tender.pk)
        values["reference"] = values["reference"].strip()
    if "title" in values and not (values["title"] or "").strip():
        raise ValidationError({"title": "Enter the tender's title"})
    route = values.get("route", tender.route)
    if route not in SYSTEM_ROUTES:
        values["purchasing_system"] = None
    merged = {key: values.get(key, getattr(tender, key)) for key in DETAIL_FIELDS}
    _check_sources(tender.organisation, merged)
    changed = sorted(key for key, value in values.items() if getattr(tender, key) != value)
    for key, value in values.items():
        setattr(tender, key, value)
    tender.full_clean()
    with transaction.atomic():
        tender.save()
        audit_record(action=AuditAction.UPDATE, actor=actor, target=tender, detail={"changed": changed})
    return tender


def timetable_problems(values: dict, *, now=None, publishing: bool = False) -> dict[str, str]:
    """What is wrong with a timetable, by field: each date present and in order
    publish ≤ clarification deadline < submission deadline < evaluation end ≤ award; the deadline in
    the future when publishing."""
    labels = {
        "publish_on": "Enter the publication date",
        "clarification_deadline": "Enter the deadline for clarification questions",
        "submission_deadline": "Enter the submission deadline",
        "evaluation_end_on": "Enter the date evaluation ends",
        "award_on": "Enter the planned award date",
    }
    problems = {key: message for key, message in labels.items() if values.get(key) is None}
    if problems:
        return problems
    local = timezone.localtime
    publish, clarify, deadline = (
        values["publish_on"],
        values["clarification_deadline"],
        values["submission_deadline"],
    )
    evaluation_end, award = values["evaluation_end_on"], values["award_on"]
    if local(clarify).date() < publish:
        problems["clarification_deadline"] = (
            "The clarification deadline must be on or after the publication date"
        )
    if clarify >= deadline:
        problems["submission_deadline"] = "The submission deadline must be after the clarification deadline"
    if evaluation_end <= local(deadline).date():
        problems["evaluation_end_on"] = "Evaluation must end after the day of the submission deadline"
    if award < evaluation_end:
        problems["award_on"] = "The planned award date must be on or after the end of evaluation"
    if publishing and deadline <= (now or timezone.now()):
        problems.setdefault("submission_deadline", "The submission deadline must be in the future")
    return problems


def tender_set_timetable(*, tender: Tender, actor, **values) -> Tender:
    _require_commissioner(actor, tender)
    _require_draft(tender)
    values = {key: values.get(key) for key in TIMETABLE_FIELDS}
    problems = timetable_problems(values)
    if problems:
        raise ValidationError(problems)
    for key, value in values.items():
        setattr(tender, key, value)
    with transaction.atomic():
        tender.save(update_fields=list(TIMETABLE_FIELDS))
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=tender,
            detail={"changed": ["timetable"], **{key: str(value) for key, value in values.items()}},
        )
    return tender


def tender_record_conflicts(*, tender: Tender, actor, assessment: str, now=None) -> Tender:
    """Record the conflicts-of-interest assessment, who made it and when."""
    _require_commissioner(actor, tender)
    _require_draft(tender)
    if not (assessment or "").strip():
        raise ValidationError({"assessment": "Enter the conflicts of interest assessment"})
    tender.conflicts_assessment = assessment.strip()
    tender.conflicts_assessed_by = actor
    tender.conflicts_assessed_at = now or timezone.now()
    with transaction.atomic():
        tender.save(update_fields=["conflicts_assessment", "conflicts_assessed_by", "conflicts_assessed_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, target=tender, detail={"changed": ["conflicts"]})
    return tender


def lot_add(
    *, tender: Tender, actor, title: str, description: str = "", estimated_value=None, fps_lot=None
) -> Lot:
    _require_commissioner(actor, tender)
    _require_draft(tender)
    if not (title or "").strip():
        raise ValidationError({"title": "Enter the lot's title"})
    if estimated_value is not None and estimated_value <= 0:
        raise ValidationError({"estimated_value": "Estimated value must be more than £0"})
    if fps_lot is not None and fps_lot.system_id != tender.purchasing_system_id:
        raise ValidationError({"fps_lot": "Choose a lot of this tender's purchasing system"})
    with transaction.atomic():
        number = (tender.lots.aggregate(top=Max("number"))["top"] or 0) + 1
        lot = Lot.objects.create(
            tender=tender,
            number=number,
            title=title.strip(),
            description=description,
            estimated_value=estimated_value,
            fps_lot=fps_lot,
        )
        audit_record(action=AuditAction.CREATE, actor=actor, target=lot, detail={"tender": tender.pk})
    return lot


def lot_remove(*, lot: Lot, actor) -> None:
    _require_commissioner(actor, lot.tender)
    _require_draft(lot.tender)
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, actor=actor, target=lot, detail={"tender": lot.tender_id})
        lot.delete()


def criteria_total(tender: Tender) -> int:
    return tender.criteria.aggregate(total=Sum("weight"))["total"] or 0


def criterion_add(
    *,
    tender: Tender,
    actor,
    kind: str,
    title: str,
    weight: int,
    guidance: str = "",
    max_marks: int = 5,
    word_limit: int | None = None,
) -> AwardCriterion:
    """Add an award criterion. The weights may not exceed 100 in total; one price criterion at most."""
    _require_commissioner(actor, tender)
    _require_draft(tender)
    errors = {}
    if kind not in CriterionKind.values:
        errors["kind"] = "Choose what kind of criterion it is"
    if not (title or "").strip():
        errors["title"] = "Enter the question, or 'Price'"
    if weight is None or not 1 <= weight <= 100:
        errors["weight"] = "Weight must be a whole number from 1 to 100"
    elif criteria_total(tender) + weight > 100:
        errors["weight"] = f"Weights must total 100: {100 - criteria_total(tender)} is left to give"
    if max_marks is None or max_marks < 1:
        errors["max_marks"] = "Marks available must be 1 or more"
    if word_limit is not None and word_limit < 1:
        errors["word_limit"] = "Word limit must be 1 or more"
    if kind == CriterionKind.PRICE and tender.criteria.filter(kind=CriterionKind.PRICE).exists():
        errors["kind"] = "This tender already has a price criterion"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        order = (tender.criteria.aggregate(top=Max("order"))["top"] or 0) + 1
        criterion = AwardCriterion.objects.create(
            tender=tender,
            kind=kind,
            title=title.strip(),
            guidance=guidance,
            weight=weight,
            max_marks=max_marks,
            word_limit=word_limit if kind != CriterionKind.PRICE else None,
            order=order,
        )
        audit_record(
            action=AuditAction.CREATE, actor=actor, target=criterion, detail={"kind": kind, "weight": weight}
        )
    return criterion


def criterion_remove(*, criterion: AwardCriterion, actor) -> None:
    _require_commissioner(actor, criterion.tender)
    _require_draft(criterion.tender)
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, actor=actor, target=criterion)
        criterion.delete()


def required_document_add(*, tender: Tender, actor, title: str, description: str = "") -> RequiredDocument:
    _require_commissioner(actor, tender)
    _require_draft(tender)
    if not (title or "").strip():
        raise ValidationError({"title": "Enter the document's title"})
    with transaction.atomic():
        order = (tender.required_documents.aggregate(top=Max("order"))["top"] or 0) + 1
        required = RequiredDocument.objects.create(
            tender=tender, title=title.strip(), description=description, order=order
        )
        audit_record(action=AuditAction.CREATE, actor=actor, target=required)
    return required


def required_document_remove(*, required: RequiredDocument, actor) -> None:
    _require_commissioner(actor, required.tender)
    _require_draft(required.tender)
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, actor=actor, target=required)
        required.delete()


def tender_document_add(*, tender: Tender, actor, document: Document) -> TenderDocument:
    """Attach a document the council publishes with the tender (stored by `document_store` first)."""
    _require_commissioner(actor, tender)
    _require_draft(tender)
    if document.organisation_id != tender.organisation_id:
        raise ValidationError({"file": "The document must belong to your council"})
    with transaction.atomic():
        attached = TenderDocument.objects.create(tender=tender, document=document, added_by=actor)
        audit_record(action=AuditAction.CREATE, actor=actor, target=attached, detail={"tender": tender.pk})
    return attached


def tender_document_remove(*, attached: TenderDocument, actor) -> None:
    _require_commissioner(actor, attached.tender)
    _require_draft(attached.tender)
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, actor=actor, target=attached)
        attached.delete()


# --- publishing ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def publish_problems(tender: Tender, *, now=None) -> list[Problem]:
    """Everything missing before `tender` may be published, each named for the page."""
    problems = []
    if tender.business_case_id is None or tender.business_case.status != BusinessCaseStatus.CABINET_APPROVED:
        problems.append(Problem("business_case", "Choose a business case approved by Cabinet"))
    version = tender.specification_version
    if version is None or version.specification.status != SpecificationStatus.APPROVED:
        problems.append(Problem("specification_version", "Choose a version of an approved specification"))
    if tender.route in SYSTEM_ROUTES and tender.purchasing_system_id is None:
        problems.append(Problem("purchasing_system", "Choose the purchasing system this tender runs in"))
    if not tender.conflicts_assessment.strip():
        problems.append(Problem("conflicts_assessment", "Record the conflicts of interest assessment"))
    if not tender.lots.exists():
        problems.append(Problem("lots", "Add at least one lot"))
    total = criteria_total(tender)
    if total != 100:
        problems.append(Problem("criteria", f"Award criteria weights must total 100 (they total {total})"))
    timetable = {key: getattr(tender, key) for key in TIMETABLE_FIELDS}
    for field, message in timetable_problems(timetable, now=now, publishing=True).items():
        problems.append(Problem(field, f"Timetable: {message[0].lower()}{message[1:]}"))
    return problems


def tender_publish(*, tender: Tender, actor, now=None) -> Tender:
    """Draft → published: refused, naming each missing thing, unless the tender is complete. Locks the
    specification version for ever."""
    from commissioning.services.specifications import specification_version_lock

    _require_commissioner(actor, tender)
    now = now or timezone.now()
    if tender.status != TenderStatus.DRAFT:
        raise ValidationError("Only a draft tender can be published.")
    problems = publish_problems(tender, now=now)
    if problems:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(problem.message)
        raise ValidationError(errors)
    with transaction.atomic():
        specification_version_lock(version=tender.specification_version, reason="tender", actor=actor)
        tender_move(tender=tender, to=TenderStatus.PUBLISHED, actor=actor, published_at=now)
    return tender


def tender_cancel(*, tender: Tender, actor, reason: str, now=None) -> Tender:
    """Cancel at any state before the award, with reasons; every provider with a submitted bid is told."""
    _require_commissioner(actor, tender)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the tender is cancelled"})
    now = now or timezone.now()
    with transaction.atomic():
        tender_move(
            tender=tender,
            to=TenderStatus.CANCELLED,
            actor=actor,
            cancelled_at=now,
            cancelled_reason=reason.strip(),
        )
        bidders = tender.submissions.filter(status=SubmissionStatus.SUBMITTED).values_list(
            "provider_id", flat=True
        )
        url = reverse("procurement:tender_detail", args=[tender.pk])
        for user in provider_users_of(set(bidders)):
            notification_send(
                recipient=user,
                kind="tender_cancelled",
                subject=f"Tender cancelled: {tender.reference} {tender.title}"[:200],
                body=f"{tender.organisation.name} has cancelled this tender: {tender.cancelled_reason}",
                url=url,
                target=tender,
            )
    return tender


# --- the clock and the opening --------------------------------------------------------------------------


def tender_close_due(*, now=None) -> int:
    """Close every published tender whose deadline has passed. Running it again closes nothing new."""
    now = now or timezone.now()
    closed = 0
    for tender in Tender.objects.due_to_close(now).order_by("pk"):
        try:
            tender_move(tender=tender, to=TenderStatus.CLOSED, actor_label="tender clock", closed_at=now)
        except InvalidTransition:  # another run closed (or someone cancelled) it a moment ago
            continue
        closed += 1
    return closed


def _file_sha256(document: Document) -> str | None:
    digest = hashlib.sha256()
    try:
        with document.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
    except (FileNotFoundError, OSError):
        return None
    return digest.hexdigest()


def tender_open(*, tender: Tender, actor, now=None) -> Tender:
    """Closed → evaluation: the authority's commissioner opens the sealed bids. Each submitted bid's
    files are hashed again and compared with its latest receipt; a mismatch is recorded and audited.
    Drafts and withdrawn bids are never opened."""
    _require_commissioner(actor, tender)
    now = now or timezone.now()
    if tender.status != TenderStatus.CLOSED:
        raise ValidationError("Only a closed tender can be opened.")
    with transaction.atomic():
        tender_move(tender=tender, to=TenderStatus.EVALUATION, actor=actor, opened_at=now, opened_by=actor)
        submissions = tender.submissions.filter(status=SubmissionStatus.SUBMITTED).prefetch_related(
            "documents__document", "receipts"
        )
        mismatched_bids = []
        for submission in submissions:
            ok, mismatched = _verify_hashes(submission)
            Submission.objects.filter(pk=submission.pk).update(hashes_verified_at=now, hashes_ok=ok)
            if not ok:
                mismatched_bids.append(submission.pk)
                audit_record(
                    action=AuditAction.OPEN_SEALED,
                    actor=actor,
                    target=submission,
                    detail={"hashes_ok": False, "mismatched_documents": mismatched},
                )
        audit_record(
            action=AuditAction.OPEN_SEALED,
            actor=actor,
            target=tender,
            detail={"bids_opened": len(submissions), "hash_mismatches": mismatched_bids},
        )
    return tender


def _verify_hashes(submission: Submission) -> tuple[bool, list[int]]:
    receipts = sorted(submission.receipts.all(), key=lambda receipt: receipt.number)
    on_receipt = {}
    if receipts:
        on_receipt = {row["document_id"]: row["sha256"] for row in receipts[-1].content.get("documents", [])}
    mismatched = []
    current = [item for item in submission.documents.all() if item.removed_at is None]
    for item in current:
        actual = _file_sha256(item.document)
        if actual is None or actual != item.sha256 or on_receipt.get(item.document_id) != actual:
            mismatched.append(item.document_id)
    # A file on the receipt that is no longer in the bid is a mismatch too.
    missing = set(on_receipt) - {item.document_id for item in current}
    mismatched.extend(sorted(missing))
    return not mismatched, mismatched


# --- clarifications ---------------------------------------------------------------------------------------


def clarification_ask(*, tender: Tender, actor, question: str, now=None) -> Clarification:
    """A provider asks before the clarification deadline (server clock); the authority's commissioners
    are told. Who asked is seen by the asking provider alone."""
    from accounts.rules import is_provider_user

    if not is_provider_user(actor):
        raise PermissionDenied
    now = now or timezone.now()
    if tender.status != TenderStatus.PUBLISHED:
        raise ValidationError("Questions can be asked only while the tender is open for bids.")
    if tender.clarification_deadline is None or now >= tender.clarification_deadline:
        raise ValidationError({"question": "The deadline for clarification questions has passed"})
    if not (question or "").strip():
        raise ValidationError({"question": "Enter your question"})
    with transaction.atomic():
        clarification = Clarification.objects.create(
            tender=tender,
            asked_by_organisation=actor.organisation,
            asked_by=actor,
            question=question.strip(),
            asked_at=now,
        )
        audit_record(
            action=AuditAction.CREATE, actor=actor, target=clarification, detail={"tender": tender.pk}
        )
        url = reverse("procurement:clarification_answer", args=[clarification.pk])
        for user in commissioners_of(tender.organisation_id):
            notification_send(
                recipient=user,
                kind="clarification_asked",
                subject=f"A clarification question on {tender.reference}"[:200],
                body="A bidder has asked a question. Answer it and publish the answer to every bidder.",
                url=url,
                target=clarification,
            )
    return clarification


def clarification_answer(*, clarification: Clarification, actor, answer: str, question: str = "", now=None):
    """Answer and publish to every provider, without saying who asked. The commissioner may reword the
    question so it does not identify the bidder. Providers that have started a bid are told."""
    tender = clarification.tender
    _require_commissioner(actor, tender)
    if tender.status != TenderStatus.PUBLISHED:
        raise ValidationError("Answers can be published only while the tender is open for bids.")
    if clarification.published_at is not None:
        raise ValidationError("This answer has already been published.")
    if not (answer or "").strip():
        raise ValidationError({"answer": "Enter the answer"})
    now = now or timezone.now()
    with transaction.atomic():
        updated = Clarification.objects.filter(pk=clarification.pk, published_at__isnull=True).update(
            answer=answer.strip(),
            answered_by=actor,
            published_at=now,
            **({"question": question.strip()} if (question or "").strip() else {}),
        )
        if not updated:
            raise ValidationError("This answer has already been published.")
        clarification.refresh_from_db()
        audit_record(action=AuditAction.UPDATE, actor=actor, target=clarification, detail={"published": True})
        bidders = tender.submissions.values_list("provider_id", flat=True)
        url = reverse("procurement:tender_detail", args=[tender.pk])
        for user in provider_users_of(set(bidders)):
            notification_send(
                recipient=user,
                kind="clarification_published",
                subject=f"A clarification answer is published on {tender.reference}"[:200],
                body="The council has answered a bidder's question. Read it on the tender's page.",
                url=url,
                target=clarification,
            )
    return clarification
