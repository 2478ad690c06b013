"""Writes for sealed bids: a provider's users start a bid for a lot, answer the questions, give the price,
upload the documents, submit, withdraw, change and submit again, until the deadline by the server's clock.

Every write checks the deadline inside its transaction against `timezone.now()`; a browser cannot send a
time. A write at or after the deadline is refused whatever it carries, and nothing is stored. Audit events
say what changed (field names, counts, receipt numbers), never a price or an answer's words.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.rules import is_provider_user
from core.audit import audit_record
from core.documents import document_store
from core.models import AuditAction

from ..models import (
    CriterionKind,
    Lot,
    RequiredDocument,
    Submission,
    SubmissionAnswer,
    SubmissionDocument,
    SubmissionReceipt,
    SubmissionStatus,
    Tender,
    TenderStatus,
)

# What a bid's documents may be: documents, spreadsheets and scans.
BID_DOCUMENT_TYPES = ["pdf", "docx", "xlsx", "odt", "ods", "csv", "png", "jpg"]
ANSWERED_KINDS = (CriterionKind.QUALITY, CriterionKind.SOCIAL_VALUE)
DEADLINE_PASSED = "The submission deadline has passed: the bid can no longer be changed"


def word_count(text: str) -> int:
    return len((text or "").split())


def _require_bidder(actor, submission: Submission | None = None) -> None:
    if not is_provider_user(actor):
        raise PermissionDenied
    if submission is not None and submission.provider_id != actor.organisation_id:
        raise PermissionDenied


def _require_open(tender: Tender, now) -> None:
    """The tender takes bids: published and before its deadline, by the server's clock."""
    if tender.status != TenderStatus.PUBLISHED or tender.submission_deadline is None:
        raise ValidationError("This tender is not open for bids.")
    if now >= tender.submission_deadline:
        raise ValidationError(DEADLINE_PASSED)


def _locked(submission: Submission) -> Submission:
    """The submission row, locked for the rest of the transaction, with its tender.

    FOR NO KEY UPDATE, not FOR UPDATE: the rows stay locked against each other's changes, but another
    provider's new bid on the same tender and lot may still reference them. With FOR UPDATE, that bid's
    foreign key check (deferred to its COMMIT, after it had taken the audit chain head) waited for this
    lock while this transaction waited for the chain head: a deadlock, seen at a deadline spike.
    """
    rows = Submission.objects.select_for_update(no_key=True).select_related("tender", "lot")
    return rows.get(pk=submission.pk)


def _back_to_draft(submission: Submission) -> bool:
    """A submitted or withdrawn bid that changes becomes a draft again, to be submitted again."""
    if submission.status == SubmissionStatus.DRAFT:
        return False
    submission.status = SubmissionStatus.DRAFT
    submission.save(update_fields=["status", "updated_at"])
    return True


def submission_start(*, tender: Tender, lot: Lot, actor, now=None) -> Submission:
    """Start a draft bid for one lot; a provider has one bid per lot."""
    _require_bidder(actor)
    now = now or timezone.now()
    _require_open(tender, now)
    if lot.tender_id != tender.pk:
        raise ValidationError({"lot": "Choose a lot of this tender"})
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                tender=tender, lot=lot, provider=actor.organisation, created_by=actor, created_at=now
            )
            audit_record(
                action=AuditAction.CREATE, actor=actor, target=submission, detail={"lot": lot.number}
            )
    except IntegrityError as error:
        raise ValidationError({"lot": "You already have a bid for this lot"}) from error
    return submission


def submission_save(
    *,
    submission: Submission,
    actor,
    price=None,
    pricing_notes: str = "",
    answers: dict | None = None,
    now=None,
) -> Submission:
    """Save the price and answers (by criterion id). Word limits are checked; a submitted bid that
    changes goes back to draft and must be submitted again."""
    _require_bidder(actor, submission)
    now = now or timezone.now()
    answers = answers or {}
    with transaction.atomic():
        submission = _locked(submission)
        _require_open(submission.tender, now)
        criteria = {c.pk: c for c in submission.tender.criteria.filter(kind__in=ANSWERED_KINDS)}
        errors = {}
        if price is not None and price <= 0:
            errors["price"] = "Price must be more than £0"
        for criterion_id, text in answers.items():
            criterion = criteria.get(int(criterion_id))
            if criterion is None:
                errors["__all__"] = "An answer was given to a question this tender does not ask"
            elif criterion.word_limit and word_count(text) > criterion.word_limit:
                errors[f"answer_{criterion.pk}"] = (
                    f"Your answer to ‘{criterion.title}’ must be {criterion.word_limit} words or fewer"
                    f" (it has {word_count(text)})"
                )
        if errors:
            raise ValidationError(errors)
        changed = []
        if submission.price != price or submission.pricing_notes != pricing_notes:
            changed.append("price")
            submission.price = price
            submission.pricing_notes = pricing_notes
            submission.save(update_fields=["price", "pricing_notes", "updated_at"])
        existing = {answer.criterion_id: answer for answer in submission.answers.all()}
        answered = 0
        for criterion_id, text in answers.items():
            criterion_id = int(criterion_id)
            answer = existing.get(criterion_id)
            if answer is None:
                SubmissionAnswer.objects.create(submission=submission, criterion_id=criterion_id, text=text)
                answered += 1
            elif answer.text != text:
                answer.text = text
                answer.save(update_fields=["text"])
                answered += 1
        if answered:
            changed.append("answers")
        back = _back_to_draft(submission) if changed else False
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=submission,
            detail={"changed": changed, "answers_changed": answered, "back_to_draft": back},
        )
    return submission


def submission_document_add(
    *,
    submission: Submission,
    actor,
    uploaded_file,
    title: str = "",
    required_document: RequiredDocument | None = None,
    now=None,
) -> SubmissionDocument:
    """Store a file in the bid, sealed until the deadline (content-checked and virus-scanned by core).
    A file for a required document replaces the one given before for it."""
    _require_bidder(actor, submission)
    now = now or timezone.now()
    with transaction.atomic():
        submission = _locked(submission)
        tender = submission.tender
        _require_open(tender, now)
        if required_document is not None and required_document.tender_id != tender.pk:
            raise ValidationError({"required_document": "Choose a document this tender asks for"})
        title = (title or "").strip() or (required_document.title if required_document else "")
        document = document_store(
            organisation=submission.provider,
            uploaded_by=actor,
            uploaded_file=uploaded_file,
            title=title or "Bid document",
            allowed=BID_DOCUMENT_TYPES,
            sealed_until=tender.submission_deadline,
        )
        replaced = 0
        if required_document is not None:
            replaced = submission.documents.filter(
                required_document=required_document, removed_at__isnull=True
            ).update(removed_at=now)
        item = SubmissionDocument.objects.create(
            submission=submission,
            required_document=required_document,
            document=document,
            sha256=document.sha256,
            received_at=now,
        )
        back = _back_to_draft(submission)
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=submission,
            detail={"document_added": document.pk, "replaced": replaced, "back_to_draft": back},
        )
    return item


def submission_document_remove(*, item: SubmissionDocument, actor, now=None) -> None:
    _require_bidder(actor, item.submission)
    now = now or timezone.now()
    with transaction.atomic():
        submission = _locked(item.submission)
        _require_open(submission.tender, now)
        SubmissionDocument.objects.filter(pk=item.pk, removed_at__isnull=True).update(removed_at=now)
        back = _back_to_draft(submission)
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=submission,
            detail={"document_removed": item.document_id, "back_to_draft": back},
        )


@dataclass(frozen=True)
class Missing:
    field: str
    message: str


def submission_problems(submission: Submission) -> list[Missing]:
    """What the bid lacks before it can be submitted, each named for the page."""
    tender = submission.tender
    problems = []
    criteria = list(tender.criteria.all())
    answers = {answer.criterion_id: answer.text for answer in submission.answers.all()}
    if any(c.kind == CriterionKind.PRICE for c in criteria) and submission.price is None:
        problems.append(Missing("price", "Enter your price"))
    for criterion in criteria:
        if criterion.kind not in ANSWERED_KINDS:
            continue
        text = answers.get(criterion.pk, "")
        if not text.strip():
            problems.append(Missing(f"answer_{criterion.pk}", f"Answer ‘{criterion.title}’"))
        elif criterion.word_limit and word_count(text) > criterion.word_limit:
            problems.append(Missing(f"answer_{criterion.pk}", f"Shorten your answer to ‘{criterion.title}’"))
    given = set(
        submission.documents.filter(removed_at__isnull=True, required_document__isnull=False).values_list(
            "required_document_id", flat=True
        )
    )
    for required in tender.required_documents.all():
        if required.pk not in given:
            problems.append(Missing("documents", f"Upload ‘{required.title}’"))
    return problems


def submission_submit(*, submission: Submission, actor, now=None) -> SubmissionReceipt:
    """Submit the bid and issue a receipt: the time, and each file's title, name, size and SHA-256."""
    _require_bidder(actor, submission)
    now = now or timezone.now()
    with transaction.atomic():
        submission = _locked(submission)
        _require_open(submission.tender, now)
        if submission.status == SubmissionStatus.SUBMITTED:
            raise ValidationError("This bid has already been submitted. Change it to submit it again.")
        problems = submission_problems(submission)
        if problems:
            errors: dict[str, list[str]] = {}
            for problem in problems:
                errors.setdefault(problem.field, []).append(problem.message)
            raise ValidationError(errors)
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_at = now
        submission.submitted_by = actor
        submission.withdrawn_at = None
        submission.submission_count += 1
        submission.save(
            update_fields=[
                "status",
                "submitted_at",
                "submitted_by",
                "withdrawn_at",
                "submission_count",
                "updated_at",
            ]
        )
        documents = [
            {
                "document_id": item.document_id,
                "title": item.document.title,
                "name": item.document.original_name,
                "size": item.document.size,
                "sha256": item.sha256,
                "received_at": item.received_at.isoformat(),
            }
            for item in submission.documents.filter(removed_at__isnull=True).select_related("document")
        ]
        receipt = SubmissionReceipt.objects.create(
            submission=submission,
            number=submission.submission_count,
            issued_at=now,
            content={
                "tender": submission.tender.reference,
                "tender_title": submission.tender.title,
                "lot": submission.lot.number,
                "lot_title": submission.lot.title,
                "provider": submission.provider.name,
                "submitted_by": actor.email,
                "price_given": submission.price is not None,
                "answers": submission.answers.exclude(text="").count(),
                "documents": documents,
            },
        )
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            target=submission,
            detail={"to": "submitted", "receipt": receipt.number, "documents": len(documents)},
        )
    return receipt


def submission_withdraw(*, submission: Submission, actor, now=None) -> Submission:
    """Withdraw a submitted bid before the deadline. It is never opened; it can be changed and submitted
    again until the deadline."""
    _require_bidder(actor, submission)
    now = now or timezone.now()
    with transaction.atomic():
        submission = _locked(submission)
        _require_open(submission.tender, now)
        if submission.status != SubmissionStatus.SUBMITTED:
            raise ValidationError("Only a submitted bid can be withdrawn.")
        submission.status = SubmissionStatus.WITHDRAWN
        submission.withdrawn_at = now
        submission.save(update_fields=["status", "withdrawn_at", "updated_at"])
        audit_record(
            action=AuditAction.TRANSITION, actor=actor, target=submission, detail={"to": "withdrawn"}
        )
    return submission
