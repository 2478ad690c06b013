"""Evaluation pages: the panel, conflict declarations, scoring, moderation, compliance checks, the scores,
the award's steps and the award letters.

Every tender and bid is loaded through `procurement.selectors.evaluation`, so a tender that is not yet
opened, of another authority, or not on the person's panel answers 404 like a missing one, and so does a
bid the person may not see (not declared yet, or a declared conflict).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_record
from core.documents import document_response
from core.forms import ConfirmForm, add_service_errors, posted_data, refusals_on, render_form
from core.models import AuditAction
from core.pdf import pdf_response, render_pdf
from core.permissions import requires

from ..forms.evaluation import (
    ComplianceForm,
    ConflictAddForm,
    DeclarationForm,
    ModerationForm,
    PanelAddForm,
    RecommendForm,
    ScoreForm,
    WithdrawForm,
)
from ..models import BidComplianceCheck, ComplianceCheckKind, ModeratedScore, Score, TenderStatus
from ..selectors import evaluation as sel
from ..selectors.compliance import pack_completeness, pack_expiry_flags
from ..services import awards, scoring
from ..services import evaluation as svc

VIEW = "procurement.view_evaluation"
SCORE = "procurement.score_bids"
MODERATE = "procurement.moderate_bids"
MANAGE = "procurement.manage_evaluation"
LETTER = "procurement.view_award_letter"
OUTCOMES = "procurement.view_own_outcomes"

S = TenderStatus


def _commissioner_tender_or_404(request, pk):
    tender = sel.get_evaluation_tender_for_user_or_404(request.user, pk)
    if not sel.is_tender_commissioner(request.user, tender):
        raise Http404
    return tender


# Lists and the tender's page -----------------------------------------------------------------------


@require_GET
@requires(VIEW)
def evaluation_list(request):
    page = Paginator(sel.evaluation_tenders_for_user(request.user), 25).get_page(request.GET.get("page"))
    awaiting = None
    if sel.panel_tenders_for_user(request.user).exists():
        awaiting = sel.panel_tenders_for_user(request.user).exclude(status=S.EVALUATION)[:25]
    return render(request, "procurement/evaluation/list.html", {"page": page, "awaiting": awaiting})


@require_GET
@requires(VIEW)
def evaluation_tender(request, pk):
    tender = sel.get_evaluation_tender_for_user_or_404(request.user, pk)
    user = request.user
    is_commissioner = sel.is_tender_commissioner(user, tender)
    declaration = None if is_commissioner else sel.declaration_for(user, tender)
    bids = sel.bids_for_user(user, tender)
    page = Paginator(bids, 25).get_page(request.GET.get("page"))
    context = {
        "tender": tender,
        "is_commissioner": is_commissioner,
        "member": sel.panel_member_for(user, tender),
        "declaration": declaration,
        "bidders": sel.bidders(tender) if not is_commissioner and declaration is None else None,
        "page": page,
        "rows": sel.bid_rows_for_user(user, tender, page.object_list),
        "may_moderate": sel.may_moderate(user, tender),
        "panel": sel.panel_for(tender) if is_commissioner else None,
        "moderator": sel.moderator_for(tender),
        "awards": sel.awards_for(tender) if is_commissioner else None,
        "in_evaluation": tender.status == S.EVALUATION,
        "letters_issued": tender.status in sel.LETTER_STATES,
    }
    return render(request, "procurement/evaluation/tender.html", context)


# Panel ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def panel(request, pk):
    tender = sel.get_panel_tender_for_user_or_404(request.user, pk)
    form = PanelAddForm(posted_data(request), tender=tender)
    if request.method == "POST" and form.is_valid():
        try:
            member = svc.panel_member_add(
                tender=tender,
                evaluator=form.cleaned_data["evaluator"],
                actor=request.user,
                is_moderator=form.cleaned_data["is_moderator"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{member.evaluator} has been added to the panel.")
            return redirect("procurement:evaluation_panel", tender.pk)
    members = list(sel.panel_for(tender))
    scored = set(
        Score.objects.filter(submission__tender=tender).values_list("evaluator_id", flat=True).distinct()
    )
    context = {
        "tender": tender,
        "members": [{"member": m, "has_scored": m.evaluator_id in scored} for m in members],
        "moderator": next((m for m in members if m.is_moderator), None),
    }
    return render_form(request, "procurement/evaluation/panel.html", form, context)


@require_POST
@requires(MANAGE)
def panel_remove(request, pk, member_pk):
    tender = sel.get_panel_tender_for_user_or_404(request.user, pk)
    member = get_object_or_404(sel.panel_for(tender), pk=member_pk)
    try:
        svc.panel_member_remove(member=member, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{member.evaluator} has been taken off the panel.")
    return redirect("procurement:evaluation_panel", tender.pk)


@require_POST
@requires(MANAGE)
def panel_moderator(request, pk):
    tender = sel.get_panel_tender_for_user_or_404(request.user, pk)
    member_pk = request.POST.get("member", "")
    member = None
    if member_pk and member_pk != "commissioner":
        if not member_pk.isdigit():
            raise Http404
        member = get_object_or_404(sel.panel_for(tender), pk=int(member_pk))
    try:
        svc.panel_moderator_set(member=member, tender=tender, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        who = member.evaluator if member else "The commissioners"
        messages.success(request, f"{who} will moderate the scores.")
    return redirect("procurement:evaluation_panel", tender.pk)


# Conflict declaration ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(SCORE)
def declaration(request, pk):
    tender = sel.get_evaluation_tender_for_user_or_404(request.user, pk)
    if sel.panel_member_for(request.user, tender) is None:
        raise Http404
    existing = sel.declaration_for(request.user, tender)
    bidders = sel.bidders(tender)
    if existing is None:
        form = DeclarationForm(posted_data(request), bidders=bidders)
    else:
        form = ConflictAddForm(
            posted_data(request),
            bidders=bidders.exclude(pk__in=existing.conflicted_providers.values("pk")),
        )
    if request.method == "POST" and form.is_valid():
        try:
            if existing is None:
                svc.conflict_declare(
                    tender=tender,
                    evaluator=request.user,
                    conflicted_providers=form.cleaned_data["conflicted_providers"],
                    details=form.cleaned_data.get("details", ""),
                )
                messages.success(request, "Your declaration has been recorded.")
            else:
                svc.conflict_add(
                    declaration=existing,
                    evaluator=request.user,
                    conflicted_providers=form.cleaned_data["conflicted_providers"],
                    details=form.cleaned_data["details"],
                )
                messages.success(request, "The conflict has been added to your declaration.")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("procurement:evaluation_tender", tender.pk)
    context = {
        "tender": tender,
        "declaration": existing,
        "bidders": bidders,
        "can_add": existing is not None and tender.status in (S.EVALUATION, S.AWARD_RECOMMENDED),
    }
    return render_form(request, "procurement/evaluation/declaration.html", form, context)


# A bid: reading and scoring ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(VIEW)
def bid_detail(request, pk, bid_pk):
    """A bid's answers and price; a panel member scores it here."""
    tender = sel.get_evaluation_tender_for_user_or_404(request.user, pk)
    bid = sel.get_bid_for_user_or_404(request.user, tender, bid_pk)
    user = request.user
    criteria = sel.marked_criteria(tender)
    is_member = sel.panel_member_for(user, tender) is not None
    moderation_started = sel.moderation_started(bid)
    can_score = is_member and tender.status == S.EVALUATION and not moderation_started
    form = None
    if can_score:
        own = {
            s.criterion_id: (s.marks, s.justification)
            for s in Score.objects.filter(submission=bid, evaluator=user)
        }
        form = ScoreForm(posted_data(request), criteria=criteria, initial_scores=own)
        if request.method == "POST" and form.is_valid():
            try:
                svc.bid_scores_record(submission=bid, evaluator=user, scores=form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Your scores for {bid.provider.name}'s bid have been saved.")
                return redirect("procurement:evaluation_bid", tender.pk, bid.pk)
    elif request.method == "POST":
        raise PermissionDenied
    others_visible = sel.scores_visible_to(user, bid)
    context = {
        "tender": tender,
        "bid": bid,
        "answers": bid.answers.select_related("criterion"),
        "documents": bid.documents.filter(removed_at__isnull=True).select_related("document"),
        "criteria": criteria,
        "is_commissioner": sel.is_tender_commissioner(user, tender),
        "is_member": is_member,
        "moderation_started": moderation_started,
        "scores": sel.individual_scores(bid) if others_visible else None,
        "may_moderate": sel.may_moderate(user, tender),
        "moderated": (
            ModeratedScore.objects.filter(submission=bid).select_related("criterion")
            if others_visible
            else None
        ),
    }
    if form is None:
        return render(request, "procurement/evaluation/bid.html", context)
    return render_form(request, "procurement/evaluation/bid.html", form, context)


@require_GET
@requires(VIEW)
def bid_document(request, pk, bid_pk, document_pk):
    tender = sel.get_evaluation_tender_for_user_or_404(request.user, pk)
    bid = sel.get_bid_for_user_or_404(request.user, tender, bid_pk)
    item = get_object_or_404(bid.documents.filter(removed_at__isnull=True), pk=document_pk)
    if getattr(item.document, "sealed", None) and item.document.sealed():
        raise Http404  # a bid's files stay sealed until the deadline, whatever the tender's status
    return document_response(document=item.document, user=request.user)


# Moderation ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(MODERATE)
def bid_moderate(request, pk, bid_pk):
    tender = sel.get_evaluation_tender_for_user_or_404(request.user, pk)
    if not sel.may_moderate(request.user, tender):
        raise Http404
    bid = sel.get_bid_for_user_or_404(request.user, tender, bid_pk)
    if bid.excluded_at:
        raise Http404
    criteria = sel.marked_criteria(tender)
    current = {m.criterion_id: (m.marks, m.rationale) for m in ModeratedScore.objects.filter(submission=bid)}
    form = ModerationForm(posted_data(request), criteria=criteria, initial_scores=current)
    if request.method == "POST":
        if tender.status != S.EVALUATION:
            raise PermissionDenied
        if form.is_valid():
            try:
                svc.bid_moderate(submission=bid, actor=request.user, marks=form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"The moderated scores for {bid.provider.name}'s bid have been saved."
                )
                return redirect("procurement:evaluation_tender", tender.pk)
    scores = list(sel.individual_scores(bid))
    evaluators = sorted({s.evaluator for s in scores}, key=lambda u: u.full_name)
    table = [
        {
            "criterion": criterion,
            "cells": [
                next((s for s in scores if s.criterion_id == criterion.pk and s.evaluator_id == e.pk), None)
                for e in evaluators
            ],
        }
        for criterion in criteria
    ]
    context = {
        "tender": tender,
        "bid": bid,
        "evaluators": evaluators,
        "table": table,
        "can_edit": tender.status == S.EVALUATION,
    }
    return render_form(request, "procurement/evaluation/moderate.html", form, context)


# Compliance checks ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def bid_compliance(request, pk, bid_pk):
    tender = _commissioner_tender_or_404(request, pk)
    bid = sel.get_bid_for_user_or_404(request.user, tender, bid_pk)
    checks = {
        c.kind: c for c in BidComplianceCheck.objects.filter(submission=bid).select_related("checked_by")
    }
    can_edit = tender.status == S.EVALUATION and not bid.excluded_at
    form = ComplianceForm(
        posted_data(request), initial_checks={kind: (c.passed, c.evidence) for kind, c in checks.items()}
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                svc.bid_compliance_record(submission=bid, actor=request.user, results=form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                bid.refresh_from_db()
                if bid.excluded_at:
                    messages.success(request, f"{bid.provider.name}'s bid has been excluded.")
                else:
                    messages.success(
                        request, f"The compliance checks for {bid.provider.name}'s bid have been saved."
                    )
                return redirect("procurement:evaluation_tender", tender.pk)
    profile = sel.compliance_pack_for(bid)
    context = {
        "tender": tender,
        "bid": bid,
        "profile": profile,
        "completeness": pack_completeness(profile) if profile else None,
        "flags": pack_expiry_flags(profile) if profile else [],
        "checks": [(label, checks.get(kind)) for kind, label in ComplianceCheckKind.choices],
        "can_edit": can_edit,
    }
    return render_form(request, "procurement/evaluation/compliance.html", form, context)


# Scores and the award ------------------------------------------------------------------------------


def _formulas() -> dict:
    return {
        "price_formula": scoring.PRICE_FORMULA,
        "quality_formula": scoring.QUALITY_FORMULA,
        "total_rule": scoring.TOTAL_RULE,
        "tie_rule": scoring.TIE_RULE,
    }


@require_GET
@requires(MANAGE)
def scores(request, pk):
    tender = _commissioner_tender_or_404(request, pk)
    context = {
        "tender": tender,
        "lots": sel.tender_scores(tender),
        "criteria": list(tender.criteria.all()),
        **_formulas(),
    }
    return render(request, "procurement/evaluation/scores.html", context)


def _move_page(request, tender, *, form, template, action, success, extra=None):
    """The shared shape of the award's steps: a page saying what will happen, a form that does it."""
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            action(form)
            messages.success(request, success)
            return redirect("procurement:evaluation_tender", tender.pk)
    context = {"tender": tender, **(extra or {}), **_formulas()}
    return render_form(request, template, form, context)


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def recommend(request, pk):
    tender = _commissioner_tender_or_404(request, pk)
    lots = sel.tender_scores(tender)
    form = RecommendForm(posted_data(request), lots=[entry.lot for entry in lots])
    return _move_page(
        request,
        tender,
        form=form,
        template="procurement/evaluation/recommend.html",
        action=lambda f: awards.tender_recommend_award(tender=tender, actor=request.user, reasons=f.values()),
        success="The award has been recommended.",
        extra={
            "lots": lots,
            "problems": sel.award_readiness(tender) if tender.status == S.EVALUATION else [],
        },
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def withdraw(request, pk):
    tender = _commissioner_tender_or_404(request, pk)
    form = WithdrawForm(posted_data(request))
    return _move_page(
        request,
        tender,
        form=form,
        template="procurement/evaluation/withdraw.html",
        action=lambda f: awards.tender_withdraw_recommendation(
            tender=tender, actor=request.user, reason=f.cleaned_data["reason"]
        ),
        success="The recommendation has been withdrawn; the tender is back in evaluation.",
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def standstill(request, pk):
    from django.utils import timezone

    tender = _commissioner_tender_or_404(request, pk)
    form = ConfirmForm(posted_data(request), submit_label="Issue the letters and start standstill")
    return _move_page(
        request,
        tender,
        form=form,
        template="procurement/evaluation/standstill.html",
        action=lambda f: awards.tender_start_standstill(tender=tender, actor=request.user),
        success="The award letters have been issued and the standstill period has started.",
        extra={"end_on": awards.standstill_end_date(timezone.localdate()), "awards": sel.awards_for(tender)},
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def award(request, pk):
    tender = _commissioner_tender_or_404(request, pk)
    form = ConfirmForm(posted_data(request), submit_label="Award the contract")
    return _move_page(
        request,
        tender,
        form=form,
        template="procurement/evaluation/award.html",
        action=lambda f: awards.tender_award(tender=tender, actor=request.user),
        success="The tender has been awarded and every bidder has been told.",
        extra={"awards": sel.awards_for(tender)},
    )


# Letters -------------------------------------------------------------------------------------------


@require_GET
@requires(LETTER)
def award_letter(request, bid_pk):
    bid = sel.get_letter_bid_for_user_or_404(request.user, bid_pk)
    context = sel.award_letter_context(bid)
    audit_record(
        action=AuditAction.DOWNLOAD, actor=request.user, target=bid, detail={"document": "award_letter"}
    )
    pdf = render_pdf("pdf/award_letter.html", context, request=request)
    return pdf_response(
        pdf, filename=f"award-letter-{bid.tender.reference}-lot-{bid.lot.number}-{bid.provider.name}"
    )


@require_GET
@requires(OUTCOMES)
def my_outcomes(request):
    page = Paginator(sel.outcomes_for_provider(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/evaluation/my_outcomes.html",
        {"page": page, "letter_states": sel.LETTER_STATES},
    )
