"""Reads for tenders and sealed bids. One scoped queryset per model; a get-or-404 built on each, so an
object outside a person's scope answers 404 exactly like a missing one.

Who reaches what:
- a council commissioner: their own authority's tenders, in every state; a bid only once the authority
  has opened the tender (submitted bids only: drafts and withdrawn bids are never opened); before that,
  only the number of submitted bids, with no names and no lots;
- a provider user: tenders once published (never drafts), the published clarification answers, their
  own unanswered questions, and their own organisation's bids, receipts and bid documents;
- everybody else (other roles, the support staff): no tender and no bid.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.rules import is_provider_user

from ..models import (
    Clarification,
    Submission,
    SubmissionDocument,
    SubmissionReceipt,
    SubmissionStatus,
    Tender,
    TenderDocument,
)
from ..rules import is_council_commissioner


def tenders_for_user(user) -> QuerySet[Tender]:
    qs = Tender.objects.select_related("organisation")
    if is_council_commissioner(user):
        return qs.filter(organisation_id=user.organisation_id)
    if is_provider_user(user):
        return qs.visible_to_bidders()
    return qs.none()


def get_tender_for_user_or_404(user, pk) -> Tender:
    return get_object_or_404(
        tenders_for_user(user).select_related(
            "business_case",
            "specification_version__specification",
            "purchasing_system",
            "conflicts_assessed_by",
            "opened_by",
        ),
        pk=pk,
    )


def tender_documents_for_user(user) -> QuerySet[TenderDocument]:
    return TenderDocument.objects.filter(tender__in=tenders_for_user(user)).select_related("document")


def get_tender_document_for_user_or_404(user, tender_pk, pk) -> TenderDocument:
    return get_object_or_404(tender_documents_for_user(user), tender_id=tender_pk, pk=pk)


def clarifications_for_user(user) -> QuerySet[Clarification]:
    """Commissioners: every question on their authority's tenders. Providers: published answers on
    tenders they can see, and their own organisation's questions."""
    qs = Clarification.objects.select_related("tender")
    if is_council_commissioner(user):
        return qs.filter(tender__organisation_id=user.organisation_id)
    if is_provider_user(user):
        return qs.filter(tender__in=tenders_for_user(user), published_at__isnull=False)
    return qs.none()


def get_clarification_for_user_or_404(user, pk) -> Clarification:
    return get_object_or_404(clarifications_for_user(user), pk=pk)


def published_clarifications(tender: Tender) -> QuerySet[Clarification]:
    """The Q&A every bidder reads: question and answer only (templates never show who asked)."""
    return tender.clarifications.filter(published_at__isnull=False).only(
        "id", "tender_id", "question", "answer", "published_at"
    )


def own_unanswered_questions(user, tender: Tender) -> QuerySet[Clarification]:
    if not is_provider_user(user):
        return Clarification.objects.none()
    return tender.clarifications.filter(
        asked_by_organisation_id=user.organisation_id, published_at__isnull=True
    )


def submissions_for_user(user) -> QuerySet[Submission]:
    """A provider: its own bids in every state. A commissioner: submitted bids for its own authority's
    tenders that it has opened. Nobody else: none."""
    qs = Submission.objects.select_related("tender", "lot", "provider")
    if is_provider_user(user):
        return qs.filter(provider_id=user.organisation_id)
    if is_council_commissioner(user):
        return qs.filter(
            tender__organisation_id=user.organisation_id,
            tender__opened_at__isnull=False,
            status=SubmissionStatus.SUBMITTED,
        )
    return qs.none()


def get_submission_for_user_or_404(user, pk) -> Submission:
    return get_object_or_404(submissions_for_user(user), pk=pk)


def bid_documents_for_user(user) -> QuerySet[SubmissionDocument]:
    return SubmissionDocument.objects.filter(
        submission__in=submissions_for_user(user), removed_at__isnull=True
    ).select_related("document", "required_document")


def get_bid_document_for_user_or_404(user, submission_pk, pk) -> SubmissionDocument:
    return get_object_or_404(bid_documents_for_user(user), submission_id=submission_pk, pk=pk)


def receipts_for_user(user) -> QuerySet[SubmissionReceipt]:
    """Receipts are the provider's own record: only its own organisation's users read them."""
    if not is_provider_user(user):
        return SubmissionReceipt.objects.none()
    return SubmissionReceipt.objects.filter(submission__provider_id=user.organisation_id).select_related(
        "submission__tender", "submission__lot", "submission__provider"
    )


def get_receipt_for_user_or_404(user, submission_pk, number) -> SubmissionReceipt:
    return get_object_or_404(receipts_for_user(user), submission_id=submission_pk, number=number)


def submitted_bid_count(tender: Tender) -> int:
    """What the council may know before opening: how many bids are submitted, no names and no lots."""
    return tender.submissions.filter(status=SubmissionStatus.SUBMITTED).count()


def opened_bids(user, tender: Tender) -> QuerySet[Submission]:
    """The bids a commissioner reads after opening, with their answers and documents."""
    return (
        submissions_for_user(user)
        .filter(tender=tender)
        .prefetch_related(
            "answers__criterion",
            Prefetch(
                "documents",
                queryset=SubmissionDocument.objects.filter(removed_at__isnull=True).select_related(
                    "document", "required_document"
                ),
                to_attr="current_documents",
            ),
        )
        .order_by("lot__number", "provider__name")
    )


def own_bids_for_tender(user, tender: Tender) -> QuerySet[Submission]:
    if not is_provider_user(user):
        return Submission.objects.none()
    return submissions_for_user(user).filter(tender=tender).order_by("lot__number")
