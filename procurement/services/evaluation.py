"""Writes for evaluation: the panel, conflict declarations, individual scores, moderation and compliance
checks. Each function checks the actor (PermissionDenied), validates (ValidationError with field keys),
runs in one transaction and records an audit event; the audit detail never carries a price or an answer.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from core.audit import audit_record
from core.models import AuditAction

from ..models import (
    AwardCriterion,
    BidComplianceCheck,
    ComplianceCheckKind,
    ConflictDeclaration,
    CriterionKind,
    ModeratedScore,
    PanelMember,
    Score,
    Submission,
    SubmissionStatus,
    Tender,
    TenderStatus,
)
from ..selectors.evaluation import (
    MARKED_KINDS,
    PANEL_STATES,
    bids_for_user,
    is_tender_commissioner,
    may_moderate,
)

S = TenderStatus


def _require_commissioner(actor, tender: Tender) -> None:
    if not is_tender_commissioner(actor, tender):
        raise PermissionDenied


def _require_in_evaluation(tender: Tender) -> None:
    if tender.status != S.EVALUATION or tender.opened_at is None:
        raise ValidationError("This can only be done while the tender is in evaluation.")


# Panel ---------------------------------------------------------------------------------------------


def panel_member_add(*, tender: Tender, evaluator, actor, is_moderator: bool = False) -> PanelMember:
    """Add an evaluator of the tender's own authority to its panel (optionally as its moderator)."""
    _require_commissioner(actor, tender)
    if tender.status not in PANEL_STATES:
        raise ValidationError("The panel cannot change once the award has been recommended.")
    if (
        evaluator is None
        or not evaluator.is_active
        or evaluator.organisation_id != tender.organisation_id
        or not evaluator.has_role(Role.EVALUATOR)
    ):
        raise ValidationError({"evaluator": "Choose an evaluator from your own authority"})
    if PanelMember.objects.filter(tender=tender, evaluator=evaluator).exists():
        raise ValidationError({"evaluator": f"{evaluator} is already on the panel"})
    with transaction.atomic():
        if is_moderator:
            PanelMember.objects.filter(tender=tender, is_moderator=True).update(is_moderator=False)
        member = PanelMember.objects.create(
            tender=tender, evaluator=evaluator, is_moderator=is_moderator, added_by=actor
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            target=member,
            detail={"tender": tender.pk, "evaluator": evaluator.pk, "moderator": is_moderator},
        )
    return member


def panel_member_remove(*, member: PanelMember, actor) -> None:
    """Take a member off the panel; refused once they have scored anything on the tender."""
    tender = member.tender
    _require_commissioner(actor, tender)
    if tender.status not in PANEL_STATES:
        raise ValidationError("The panel cannot change once the award has been recommended.")
    if Score.objects.filter(submission__tender=tender, evaluator_id=member.evaluator_id).exists():
        raise ValidationError(f"{member.evaluator} has scored bids, so stays on the panel.")
    with transaction.atomic():
        audit_record(
            action=AuditAction.DELETE,
            actor=actor,
            target=member,
            detail={"tender": tender.pk, "evaluator": member.evaluator_id},
        )
        member.delete()


def panel_moderator_set(*, member: PanelMember | None, tender: Tender, actor) -> None:
    """Make `member` the panel's moderator, or (None) let the commissioners moderate."""
    _require_commissioner(actor, tender)
    if member is not None and member.tender_id != tender.pk:
        raise ValidationError({"member": "Choose a member of this tender's panel"})
    if tender.status not in PANEL_STATES:
        raise ValidationError("The panel cannot change once the award has been recommended.")
    with transaction.atomic():
        PanelMember.objects.filter(tender=tender, is_moderator=True).update(is_moderator=False)
        if member is not None:
            PanelMember.objects.filter(pk=member.pk).update(is_moderator=True)
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=tender,
            detail={"moderator": member.evaluator_id if member else None},
        )


# Conflict declarations -----------------------------------------------------------------------------


def _bidder_ids(tender: Tender) -> set[int]:
    return set(
        Submission.objects.filter(tender=tender, status=SubmissionStatus.SUBMITTED).values_list(
            "provider_id", flat=True
        )
    )


def _require_panel_member(evaluator, tender: Tender) -> PanelMember:
    member = PanelMember.objects.filter(tender=tender, evaluator_id=evaluator.pk).first()
    if member is None or evaluator.organisation_id != tender.organisation_id:
        raise PermissionDenied
    return member


def conflict_declare(
    *, tender: Tender, evaluator, conflicted_providers=(), details: str = ""
) -> ConflictDeclaration:
    """An evaluator's one declaration for the tender, made before they see any bid: no conflict, or a
    conflict with the named bidders and its nature. It can never be changed, only added to."""
    _require_panel_member(evaluator, tender)
    _require_in_evaluation(tender)
    if ConflictDeclaration.objects.filter(tender=tender, evaluator=evaluator).exists():
        raise ValidationError("You have already declared your conflicts of interest for this tender.")
    providers = list(conflicted_providers)
    if any(provider.pk not in _bidder_ids(tender) for provider in providers):
        raise ValidationError({"conflicted_providers": "Choose bidders from the list"})
    details = (details or "").strip()
    if providers and not details:
        raise ValidationError({"details": "Describe the conflict of interest"})
    with transaction.atomic():
        declaration = ConflictDeclaration.objects.create(
            tender=tender, evaluator=evaluator, details=details, declared_at=timezone.now()
        )
        declaration.conflicted_providers.set(providers)
        audit_record(
            action=AuditAction.CREATE,
            actor=evaluator,
            target=declaration,
            detail={"tender": tender.pk, "conflicted_providers": sorted(p.pk for p in providers)},
        )
    return declaration


def conflict_add(*, declaration: ConflictDeclaration, evaluator, conflicted_providers, details: str):
    """Add a conflict found later. Conflicts are only ever added: that bidder's bids are hidden from the
    evaluator from now on, and their scores for them leave moderation."""
    if declaration.evaluator_id != evaluator.pk:
        raise PermissionDenied
    tender = declaration.tender
    _require_panel_member(evaluator, tender)
    if tender.status not in (S.EVALUATION, S.AWARD_RECOMMENDED):
        raise ValidationError("Conflicts can be added only while the tender is being evaluated.")
    providers = list(conflicted_providers)
    if not providers:
        raise ValidationError({"conflicted_providers": "Choose the bidders you have a conflict with"})
    if any(provider.pk not in _bidder_ids(tender) for provider in providers):
        raise ValidationError({"conflicted_providers": "Choose bidders from the list"})
    details = (details or "").strip()
    if not details:
        raise ValidationError({"details": "Describe the conflict of interest"})
    stamp = timezone.localtime().strftime("%-d %B %Y %H:%M")
    with transaction.atomic():
        declaration.details = "\n\n".join(
            part for part in (declaration.details, f"Added {stamp}: {details}") if part
        )
        declaration.save(update_fields=["details"])
        declaration.conflicted_providers.add(*providers)
        audit_record(
            action=AuditAction.UPDATE,
            actor=evaluator,
            target=declaration,
            detail={"tender": tender.pk, "added_conflicts": sorted(p.pk for p in providers)},
        )
    return declaration


# Individual scores ---------------------------------------------------------------------------------


def _marked_criteria(tender: Tender) -> dict[int, AwardCriterion]:
    return {c.pk: c for c in tender.criteria.filter(kind__in=MARKED_KINDS)}


def _validate_marks(criteria: dict[int, AwardCriterion], values: dict, text_name: str) -> None:
    errors = {}
    for criterion_id, (marks, text) in values.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise ValidationError("Score only this tender's quality and social value criteria.")
        if marks is None or not 0 <= marks <= criterion.max_marks:
            errors[f"marks_{criterion_id}"] = f"Marks must be a whole number from 0 to {criterion.max_marks}"
        if not (text or "").strip():
            errors[f"text_{criterion_id}"] = f"Enter the {text_name} for {criterion.title}"
    if errors:
        raise ValidationError(errors)


def bid_scores_record(*, submission: Submission, evaluator, scores: dict) -> list[Score]:
    """A panel member's marks and justifications for a bid's criteria: `scores` maps a criterion id to
    (marks, justification). Editable until moderation of the bid starts."""
    tender = submission.tender
    _require_panel_member(evaluator, tender)
    _require_in_evaluation(tender)
    if not bids_for_user(evaluator, tender).filter(pk=submission.pk).exists():
        # Not declared, conflicted, excluded or not a bid of this tender: as if it did not exist.
        raise PermissionDenied
    if ModeratedScore.objects.filter(submission=submission).exists():
        raise ValidationError("Moderation of this bid has started, so scores can no longer change.")
    criteria = _marked_criteria(tender)
    _validate_marks(criteria, scores, "justification")
    now = timezone.now()
    saved = []
    with transaction.atomic():
        for criterion_id, (marks, justification) in scores.items():
            score, _ = Score.objects.update_or_create(
                submission=submission,
                criterion_id=criterion_id,
                evaluator=evaluator,
                defaults={"marks": marks, "justification": justification.strip(), "scored_at": now},
            )
            saved.append(score)
        audit_record(
            action=AuditAction.UPDATE,
            actor=evaluator,
            target=submission,
            detail={"scored_criteria": sorted(scores)},
        )
    return saved


# Moderation ----------------------------------------------------------------------------------------


def bid_moderate(*, submission: Submission, actor, marks: dict) -> list[ModeratedScore]:
    """The panel's consensus mark and rationale per criterion for a bid: `marks` maps a criterion id to
    (marks, rationale). By the moderator or a commissioner of the tender's authority."""
    tender = submission.tender
    if not may_moderate(actor, tender):
        raise PermissionDenied
    if (
        not is_tender_commissioner(actor, tender)
        and not bids_for_user(actor, tender).filter(pk=submission.pk).exists()
    ):
        raise PermissionDenied
    _require_in_evaluation(tender)
    if submission.tender_id != tender.pk or submission.status != SubmissionStatus.SUBMITTED:
        raise PermissionDenied
    if submission.excluded_at:
        raise ValidationError("This bid has been excluded and takes no further part.")
    criteria = _marked_criteria(tender)
    _validate_marks(criteria, marks, "rationale")
    now = timezone.now()
    saved = []
    with transaction.atomic():
        for criterion_id, (value, rationale) in marks.items():
            moderated, _ = ModeratedScore.objects.update_or_create(
                submission=submission,
                criterion_id=criterion_id,
                defaults={
                    "marks": value,
                    "rationale": rationale.strip(),
                    "moderated_by": actor,
                    "moderated_at": now,
                },
            )
            saved.append(moderated)
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=submission,
            detail={"moderated_criteria": sorted(marks)},
        )
    return saved


# Compliance checks ---------------------------------------------------------------------------------


def bid_compliance_record(*, submission: Submission, actor, results: dict) -> list[BidComplianceCheck]:
    """Record the compliance checks of a bid: `results` maps a check kind to (passed, evidence). A fail
    excludes the bid, with the failed checks' evidence as the recorded reason; an excluded bid takes no
    further part and its checks no longer change."""
    tender = submission.tender
    _require_commissioner(actor, tender)
    _require_in_evaluation(tender)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise PermissionDenied
    if submission.excluded_at:
        raise ValidationError("This bid has been excluded and takes no further part.")
    labels = dict(ComplianceCheckKind.choices)
    errors = {}
    for kind, (passed, evidence) in results.items():
        if kind not in labels:
            raise ValidationError("Unknown compliance check.")
        if passed is None:
            errors[f"{kind}_passed"] = f"Select pass or fail for {labels[kind].lower()}"
        if not (evidence or "").strip():
            errors[f"{kind}_evidence"] = f"Enter the evidence for {labels[kind].lower()}"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    failed = [kind for kind, (passed, _) in results.items() if passed is False]
    saved = []
    with transaction.atomic():
        for kind, (passed, evidence) in results.items():
            check, _ = BidComplianceCheck.objects.update_or_create(
                submission=submission,
                kind=kind,
                defaults={
                    "passed": passed,
                    "evidence": evidence.strip(),
                    "checked_by": actor,
                    "checked_at": now,
                },
            )
            saved.append(check)
        if failed:
            reason = "Failed compliance checks: " + "; ".join(
                f"{labels[kind]}: {results[kind][1].strip()}" for kind in failed
            )
            updated = Submission.objects.filter(pk=submission.pk, excluded_at__isnull=True).update(
                excluded_at=now, excluded_reason=reason
            )
            if not updated:
                raise ValidationError("This bid has been excluded and takes no further part.")
            submission.refresh_from_db()
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=submission,
            detail={
                "compliance": {kind: bool(results[kind][0]) for kind in results},
                "excluded": bool(failed),
            },
        )
    return saved


def criteria_for_scoring(tender: Tender) -> list[AwardCriterion]:
    return list(tender.criteria.exclude(kind=CriterionKind.PRICE))
