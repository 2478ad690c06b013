"""Tender pages. A council commissioner drafts, publishes, answers questions, cancels and opens their own
authority's tenders; a provider user reads published tenders, asks questions and starts bids. Reads go
through `procurement.selectors.tenders`, so a draft, or another authority's tender, answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.documents import document_response, document_store
from core.forms import ConfirmForm, add_service_errors, render_form
from core.permissions import requires
from core.uploads import UploadRejected

from ..forms.tenders import (
    TENDER_DOCUMENT_TYPES,
    AnswerForm,
    CancelForm,
    ClarificationForm,
    ConflictsForm,
    CriterionForm,
    LotForm,
    RequiredDocumentForm,
    StartBidForm,
    TenderDetailsForm,
    TenderDocumentForm,
    TimetableForm,
)
from ..models import TenderStatus
from ..rules import is_council_commissioner
from ..selectors.tenders import (
    get_clarification_for_user_or_404,
    get_tender_document_for_user_or_404,
    get_tender_for_user_or_404,
    opened_bids,
    own_bids_for_tender,
    own_unanswered_questions,
    published_clarifications,
    submitted_bid_count,
    tenders_for_user,
)
from ..services import tenders as services
from ..services.tender_workflow import InvalidTransition

VIEW = "procurement.view_tenders"
MANAGE = "procurement.manage_tenders"
BID = "procurement.bid"


def form_page(request, *, form, template="procurement/tenders/form.html", context, action, done, message):
    """The house pattern for a form page: on a valid POST call `action(cleaned_data)`; a service's
    ValidationError, a refused upload or a refused move goes back on the form (answering 400)."""
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except UploadRejected as rejected:
            form.add_error("file" if "file" in form.fields else None, rejected.message)
        except ValidationError as error:
            add_service_errors(form, error)
        except InvalidTransition as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, message(result) if callable(message) else message)
            return redirect(done(result) if callable(done) else done)
    return render_form(request, template, form, context)


def _tender_url(tender) -> str:
    return reverse("procurement:tender_detail", args=[tender.pk])


@require_GET
@requires(VIEW)
def tender_list(request):
    tenders = tenders_for_user(request.user).order_by("-created_at", "-id")
    page = Paginator(tenders, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/tenders/list.html",
        {"page": page, "is_commissioner": is_council_commissioner(request.user)},
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def tender_create(request):
    form = TenderDetailsForm(
        request.POST or None, organisation=request.user.organisation, submit_label="Create draft"
    )
    return form_page(
        request,
        form=form,
        context={"title": "Create a tender", "back": reverse("procurement:tender_list")},
        action=lambda data: services.tender_create(actor=request.user, **data),
        done=_tender_url,
        message=lambda tender: f"Draft tender {tender.reference} has been created.",
    )


@require_GET
@requires(VIEW)
def tender_detail(request, pk):
    tender = get_tender_for_user_or_404(request.user, pk)
    now = timezone.now()
    context = {
        "tender": tender,
        "now": now,
        "lots": tender.lots.all(),
        "criteria": tender.criteria.all(),
        "criteria_total": services.criteria_total(tender),
        "required_documents": tender.required_documents.all(),
        "documents": tender.documents.select_related("document"),
        "published_clarifications": published_clarifications(tender),
        "deadline_passed": tender.deadline_passed(now),
    }
    if is_council_commissioner(request.user):
        is_draft = tender.status == TenderStatus.DRAFT
        context.update(
            is_commissioner=True,
            is_draft=is_draft,
            problems=services.publish_problems(tender, now=now) if is_draft else [],
            pending_questions=tender.clarifications.filter(published_at__isnull=True),
            can_cancel=tender.status not in (TenderStatus.AWARDED, TenderStatus.CANCELLED),
            can_open=tender.status == TenderStatus.CLOSED,
            # The panel is set up from the draft until evaluation; the evaluation pages follow opening.
            can_set_panel=tender.status
            in (TenderStatus.DRAFT, TenderStatus.PUBLISHED, TenderStatus.CLOSED, TenderStatus.EVALUATION),
            show_evaluation=tender.opened_at is not None and tender.status != TenderStatus.CANCELLED,
            # Before opening the council knows only how many bids are submitted: no names, no lots.
            submitted_count=(
                submitted_bid_count(tender)
                if tender.status in (TenderStatus.PUBLISHED, TenderStatus.CLOSED)
                else None
            ),
            bids=opened_bids(request.user, tender) if tender.opened_at else [],
        )
        template = "procurement/tenders/detail_commissioner.html"
    else:
        open_for_bids = tender.status == TenderStatus.PUBLISHED and not tender.deadline_passed(now)
        context.update(
            own_questions=own_unanswered_questions(request.user, tender),
            own_bids=own_bids_for_tender(request.user, tender),
            open_for_bids=open_for_bids,
            can_ask=open_for_bids
            and tender.clarification_deadline is not None
            and now < tender.clarification_deadline,
            start_form=StartBidForm(
                lots=tender.lots.exclude(submissions__provider_id=request.user.organisation_id)
            )
            if open_for_bids
            else None,
        )
        template = "procurement/tenders/detail_provider.html"
    return render(request, template, context)


def _draft_for(request, pk):
    tender = get_tender_for_user_or_404(request.user, pk)
    return tender


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def tender_edit(request, pk):
    tender = _draft_for(request, pk)
    initial = {key: getattr(tender, key) for key in services.DETAIL_FIELDS}
    form = TenderDetailsForm(request.POST or None, initial=initial, organisation=tender.organisation)
    return form_page(
        request,
        form=form,
        context={"title": "Tender details", "tender": tender, "back": _tender_url(tender)},
        action=lambda data: services.tender_update(tender=tender, actor=request.user, **data),
        done=_tender_url(tender),
        message="The tender's details have been saved.",
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def tender_timetable(request, pk):
    tender = _draft_for(request, pk)
    form = TimetableForm(request.POST or None, initial=TimetableForm.initial_for(tender))
    return form_page(
        request,
        form=form,
        context={
            "title": "Timetable",
            "tender": tender,
            "back": _tender_url(tender),
            "intro": "The dates must run in order: publication, clarification deadline, submission "
            "deadline, end of evaluation, award. Times are UK time.",
        },
        action=lambda data: services.tender_set_timetable(
            tender=tender, actor=request.user, **form.timetable()
        ),
        done=_tender_url(tender),
        message="The timetable has been saved.",
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def tender_conflicts(request, pk):
    tender = _draft_for(request, pk)
    form = ConflictsForm(request.POST or None, initial={"assessment": tender.conflicts_assessment})
    return form_page(
        request,
        form=form,
        context={"title": "Conflicts of interest assessment", "tender": tender, "back": _tender_url(tender)},
        action=lambda data: services.tender_record_conflicts(
            tender=tender, actor=request.user, assessment=data["assessment"]
        ),
        done=_tender_url(tender),
        message="The conflicts of interest assessment has been recorded.",
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def lot_add(request, pk):
    tender = _draft_for(request, pk)
    return form_page(
        request,
        form=LotForm(request.POST or None, tender=tender),
        context={"title": "Add a lot", "tender": tender, "back": _tender_url(tender)},
        action=lambda data: services.lot_add(tender=tender, actor=request.user, **data),
        done=_tender_url(tender),
        message=lambda lot: f"{lot} has been added.",
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def criterion_add(request, pk):
    tender = _draft_for(request, pk)
    left = 100 - services.criteria_total(tender)
    return form_page(
        request,
        form=CriterionForm(request.POST or None),
        context={
            "title": "Add an award criterion",
            "tender": tender,
            "back": _tender_url(tender),
            "intro": f"Weights must total 100. {left} is left to give.",
        },
        action=lambda data: services.criterion_add(tender=tender, actor=request.user, **data),
        done=_tender_url(tender),
        message=lambda criterion: f"‘{criterion.title}’ has been added.",
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def required_document_add(request, pk):
    tender = _draft_for(request, pk)
    return form_page(
        request,
        form=RequiredDocumentForm(request.POST or None),
        context={"title": "Add a required document", "tender": tender, "back": _tender_url(tender)},
        action=lambda data: services.required_document_add(tender=tender, actor=request.user, **data),
        done=_tender_url(tender),
        message=lambda required: f"‘{required.title}’ is now required in every bid.",
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def tender_document_add(request, pk):
    tender = _draft_for(request, pk)

    def store(data):
        with transaction.atomic():
            document = document_store(
                organisation=request.user.organisation,
                uploaded_by=request.user,
                uploaded_file=data["file"],
                title=data["title"],
                allowed=TENDER_DOCUMENT_TYPES,
            )
            return services.tender_document_add(tender=tender, actor=request.user, document=document)

    return form_page(
        request,
        form=TenderDocumentForm(request.POST or None, request.FILES or None),
        context={
            "title": "Upload a tender document",
            "tender": tender,
            "back": _tender_url(tender),
            "intro": "Every provider can read and download it once the tender is published.",
            "multipart": True,
        },
        action=store,
        done=_tender_url(tender),
        message=lambda attached: f"‘{attached.document.title}’ has been uploaded.",
    )


@require_POST
@requires(MANAGE)
def tender_part_remove(request, pk, part, part_pk):
    """Remove a lot, a criterion, a required document or a tender document from a draft."""
    tender = _draft_for(request, pk)
    related = {
        "lots": (tender.lots, services.lot_remove, "lot"),
        "criteria": (tender.criteria, services.criterion_remove, "criterion"),
        "required-documents": (tender.required_documents, services.required_document_remove, "required"),
        "documents": (tender.documents, services.tender_document_remove, "attached"),
    }
    if part not in related:
        raise Http404
    manager, remove, keyword = related[part]
    obj = get_object_or_404(manager.all(), pk=part_pk)
    label = str(obj)
    try:
        remove(actor=request.user, **{keyword: obj})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"‘{label}’ has been removed.")
    return redirect(_tender_url(tender))


@require_GET
@requires(VIEW)
def tender_document_download(request, pk, document_pk):
    attached = get_tender_document_for_user_or_404(request.user, pk, document_pk)
    return document_response(document=attached.document, user=request.user)


def _confirm_page(request, *, tender, title, intro, label, action, message, problems=(), danger=False):
    form = ConfirmForm(request.POST if request.method == "POST" else None, submit_label=label)
    return form_page(
        request,
        form=form,
        template="procurement/tenders/confirm.html",
        context={
            "title": title,
            "tender": tender,
            "intro": intro,
            "problems": problems,
            "danger": danger,
            "back": _tender_url(tender),
        },
        action=lambda data: action(),
        done=_tender_url(tender),
        message=message,
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def tender_publish(request, pk):
    tender = get_tender_for_user_or_404(request.user, pk)
    return _confirm_page(
        request,
        tender=tender,
        title="Publish the tender",
        intro="Every provider will see it. The specification version is locked for ever, and the tender "
        "can no longer be changed.",
        label="Publish",
        problems=services.publish_problems(tender) if tender.status == TenderStatus.DRAFT else [],
        action=lambda: services.tender_publish(tender=tender, actor=request.user),
        message=f"{tender.reference} is published and open for bids.",
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def tender_open(request, pk):
    tender = get_tender_for_user_or_404(request.user, pk)
    return _confirm_page(
        request,
        tender=tender,
        title="Open the sealed bids",
        intro="Opening is recorded in the audit log with your name. Every file's fingerprint is checked "
        "against the bidder's receipt. Withdrawn and unsubmitted bids stay closed.",
        label="Open the bids",
        action=lambda: services.tender_open(tender=tender, actor=request.user),
        message=f"The bids for {tender.reference} are open.",
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def tender_cancel(request, pk):
    tender = get_tender_for_user_or_404(request.user, pk)
    return form_page(
        request,
        form=CancelForm(request.POST or None),
        context={
            "title": "Cancel the tender",
            "tender": tender,
            "back": _tender_url(tender),
            "intro": "A cancelled tender cannot be published or reopened.",
            "danger": True,
        },
        action=lambda data: services.tender_cancel(tender=tender, actor=request.user, reason=data["reason"]),
        done=_tender_url(tender),
        message=f"{tender.reference} has been cancelled.",
    )


@require_http_methods(["GET", "POST"])
@requires(BID)
def clarification_ask(request, pk):
    tender = get_tender_for_user_or_404(request.user, pk)
    return form_page(
        request,
        form=ClarificationForm(request.POST or None),
        context={"title": "Ask a clarification question", "tender": tender, "back": _tender_url(tender)},
        action=lambda data: services.clarification_ask(
            tender=tender, actor=request.user, question=data["question"]
        ),
        done=_tender_url(tender),
        message="Your question has been sent. The answer will be published to every bidder.",
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def clarification_answer(request, pk):
    clarification = get_clarification_for_user_or_404(request.user, pk)
    tender = clarification.tender
    form = AnswerForm(request.POST or None, initial={"question": clarification.question})
    return form_page(
        request,
        form=form,
        context={
            "title": "Answer a clarification question",
            "tender": tender,
            "back": _tender_url(tender),
            "intro": f"Asked on {timezone.localtime(clarification.asked_at):%-d %B %Y}. The answer is "
            "published to every provider, without the name of who asked.",
        },
        action=lambda data: services.clarification_answer(
            clarification=clarification, actor=request.user, answer=data["answer"], question=data["question"]
        ),
        done=_tender_url(tender),
        message="The answer is published to every provider.",
    )
