"""Bid pages. A provider's users start, fill in, submit, withdraw and change their own organisation's bids
until the deadline, and download their receipts; the tender's commissioners read a bid only after
opening. Everyone else, and everyone before that, gets 404 from `procurement.selectors.tenders`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.documents import document_response
from core.forms import ConfirmForm
from core.pdf import PdfView

from ..forms.tenders import BidDocumentForm, BidForm, StartBidForm
from ..models import CriterionKind, SubmissionStatus
from ..selectors.tenders import (
    get_bid_document_for_user_or_404,
    get_receipt_for_user_or_404,
    get_submission_for_user_or_404,
    get_tender_for_user_or_404,
    submissions_for_user,
)
from ..services import submissions as services
from .tenders import form_page, requires

BID = "procurement.bid"
VIEW_BIDS = "procurement.view_bids"


def _bid_url(submission) -> str:
    return reverse("procurement:bid_detail", args=[submission.pk])


def _own_bid(request, pk):
    """The provider's own bid (404 for anyone else's)."""
    return get_submission_for_user_or_404(request.user, pk)


@require_GET
@requires(BID)
def bid_list(request):
    bids = (
        submissions_for_user(request.user)
        .select_related("tender__organisation")
        .order_by("-updated_at", "-id")
    )
    page = Paginator(bids, 25).get_page(request.GET.get("page"))
    return render(request, "procurement/tenders/bid_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@requires(BID)
def bid_start(request, pk):
    tender = get_tender_for_user_or_404(request.user, pk)
    lots = tender.lots.exclude(submissions__provider_id=request.user.organisation_id)
    return form_page(
        request,
        form=StartBidForm(request.POST or None, lots=lots),
        context={
            "title": "Start a bid",
            "tender": tender,
            "back": reverse("procurement:tender_detail", args=[pk]),
        },
        action=lambda data: services.submission_start(tender=tender, lot=data["lot"], actor=request.user),
        done=lambda submission: reverse("procurement:bid_edit", args=[submission.pk]),
        message="Your draft bid has been started. Nobody else can read it.",
    )


@require_GET
@requires(VIEW_BIDS)
def bid_detail(request, pk):
    submission = get_submission_for_user_or_404(request.user, pk)
    tender = submission.tender
    is_own = submission.provider_id == request.user.organisation_id
    now = timezone.now()
    open_for_bids = is_own and tender.status == "published" and not tender.deadline_passed(now)
    answers = {answer.criterion_id: answer.text for answer in submission.answers.all()}
    criteria = tender.criteria.exclude(kind=CriterionKind.PRICE)
    documents = submission.documents.filter(removed_at__isnull=True).select_related(
        "document", "required_document"
    )
    return render(
        request,
        "procurement/tenders/bid_detail.html",
        {
            "submission": submission,
            "tender": tender,
            "is_own": is_own,
            "open_for_bids": open_for_bids,
            "answered": [(criterion, answers.get(criterion.pk, "")) for criterion in criteria],
            "has_price": tender.criteria.filter(kind=CriterionKind.PRICE).exists(),
            "documents": documents,
            "problems": services.submission_problems(submission) if open_for_bids else [],
            "receipts": submission.receipts.all() if is_own else [],
        },
    )


@require_http_methods(["GET", "POST"])
@requires(BID)
def bid_edit(request, pk):
    submission = _own_bid(request, pk)
    tender = submission.tender
    criteria = list(tender.criteria.all())
    has_price = any(c.kind == CriterionKind.PRICE for c in criteria)
    initial = {f"answer_{a.criterion_id}": a.text for a in submission.answers.all()}
    initial.update(price=submission.price, pricing_notes=submission.pricing_notes)
    form = BidForm(request.POST or None, initial=initial, criteria=criteria, has_price=has_price)
    intro = "Your answers are saved as a draft. Nobody outside your organisation can read them."
    if submission.status == SubmissionStatus.SUBMITTED:
        intro = (
            "This bid is submitted. If you save a change it goes back to draft, and you must submit it "
            "again before the deadline."
        )
    return form_page(
        request,
        form=form,
        context={
            "title": "Your answers and price",
            "tender": tender,
            "back": _bid_url(submission),
            "intro": intro,
        },
        action=lambda data: services.submission_save(
            submission=submission,
            actor=request.user,
            price=data.get("price"),
            pricing_notes=data.get("pricing_notes", ""),
            answers=form.answers(),
        ),
        done=_bid_url(submission),
        message="Your answers have been saved.",
    )


@require_http_methods(["GET", "POST"])
@requires(BID)
def bid_document_add(request, pk):
    submission = _own_bid(request, pk)
    tender = submission.tender
    required = list(tender.required_documents.all())
    form = BidDocumentForm(request.POST or None, request.FILES or None, required_documents=required)
    by_pk = {r.pk: r for r in required}
    return form_page(
        request,
        form=form,
        context={
            "title": "Upload a document",
            "tender": tender,
            "back": _bid_url(submission),
            "intro": "The file is sealed until the deadline: nobody outside your organisation can read it. "
            "Uploading a required document again replaces the one you gave before.",
            "multipart": True,
        },
        action=lambda data: services.submission_document_add(
            submission=submission,
            actor=request.user,
            uploaded_file=data["file"],
            title=data.get("title", ""),
            required_document=by_pk.get(data["required_document"]),
        ),
        done=_bid_url(submission),
        message=lambda item: f"‘{item.document.title}’ has been uploaded to your bid.",
    )


@require_POST
@requires(BID)
def bid_document_remove(request, pk, document_pk):
    item = get_bid_document_for_user_or_404(request.user, pk, document_pk)
    try:
        services.submission_document_remove(item=item, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"‘{item.document.title}’ has been removed from your bid.")
    return redirect(_bid_url(item.submission))


@require_GET
@requires(VIEW_BIDS)
def bid_document_download(request, pk, document_pk):
    item = get_bid_document_for_user_or_404(request.user, pk, document_pk)
    return document_response(document=item.document, user=request.user)


def _bid_confirm(request, submission, *, title, intro, label, action, message, problems=()):
    form = ConfirmForm(request.POST if request.method == "POST" else None, submit_label=label)
    return form_page(
        request,
        form=form,
        template="procurement/tenders/confirm.html",
        context={
            "title": title,
            "tender": submission.tender,
            "intro": intro,
            "problems": problems,
            "back": _bid_url(submission),
        },
        action=lambda data: action(),
        done=_bid_url(submission),
        message=message,
    )


@require_http_methods(["GET", "POST"])
@requires(BID)
def bid_submit(request, pk):
    submission = _own_bid(request, pk)
    return _bid_confirm(
        request,
        submission,
        title="Submit your bid",
        intro="Your bid is sealed until the deadline. You can withdraw it, or change it and submit it again, "
        "until then. You will get a receipt listing every file and its fingerprint.",
        label="Submit bid",
        problems=services.submission_problems(submission) if submission.status != "submitted" else [],
        action=lambda: services.submission_submit(submission=submission, actor=request.user),
        message=lambda receipt: (
            f"Your bid has been submitted. Receipt {receipt.number} is ready to download."
        ),
    )


@require_http_methods(["GET", "POST"])
@requires(BID)
def bid_withdraw(request, pk):
    submission = _own_bid(request, pk)
    return _bid_confirm(
        request,
        submission,
        title="Withdraw your bid",
        intro="A withdrawn bid is never opened. You can change it and submit it again before the deadline.",
        label="Withdraw bid",
        action=lambda: services.submission_withdraw(submission=submission, actor=request.user),
        message="Your bid has been withdrawn.",
    )


class BidReceiptPdf(PdfView):
    """The provider's receipt for one submission, as a PDF. Only the provider's own users reach it."""

    required_permission = BID
    template_name = "pdf/submission_receipt.html"

    def get_context_data(self, **kwargs):
        receipt = get_receipt_for_user_or_404(self.request.user, kwargs["pk"], kwargs["number"])
        submission = receipt.submission
        return {
            "receipt": receipt,
            "submission": submission,
            "organisation": submission.tender.organisation,
            "content": receipt.content,
            "documents": [
                {**row, "received_at": parse_datetime(row["received_at"])}
                for row in receipt.content.get("documents", [])
            ],
        }

    def get_filename(self, context):
        receipt = context["receipt"]
        submission = receipt.submission
        return f"receipt-{submission.tender.reference}-lot-{submission.lot.number}-{receipt.number}"
