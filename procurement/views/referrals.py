"""Referral and placement pages.

A member authority's commissioner refers a child (by case reference only) to a lot, sends it to every
active provider on the lot, compares the answers and selects one or makes a direct award, then writes the
Individual Placement Agreement. A provider reads and answers only the referrals sent to it, until the
deadline. Another authority, even a member of the same system, reaches none of it (404).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from core.audit import audit_record
from core.forms import ConfirmForm, ReasonForm, add_service_errors, posted_data, refusals_on, render_form
from core.models import AuditAction
from core.pdf import PdfView
from core.permissions import requires

from ..forms.fps import DirectAwardForm, IpaForm, ReferralForm, ResponseForm
from ..models import ReferralStatus, ResponseStatus
from ..selectors import fps as selectors
from ..services import referrals as services
from ..services.tender_workflow import InvalidTransition

REFER = "procurement.fps_refer"
RESPOND = "procurement.fps_respond"
IPA_VIEW = "procurement.fps_ipa_view"
PER_PAGE = 25
# A referral's answers are due by 5pm (UK time) on the day the commissioner chooses.
DEADLINE_TIME = datetime.time(17, 0)


@require_GET
@requires(REFER)
def referral_list(request):
    referrals = selectors.referrals_for_user(request.user)
    page = Paginator(referrals, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "procurement/fps/referral_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@requires(REFER)
def referral_create(request):
    lots = selectors.referable_lots_for_user(request.user)
    initial = {}
    if request.GET.get("lot"):
        initial["lot"] = lots.filter(pk=request.GET["lot"]).first() if request.GET["lot"].isdigit() else None
    form = ReferralForm(posted_data(request), lots=lots, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["respond_by"] = timezone.make_aware(datetime.datetime.combine(data["respond_by"], DEADLINE_TIME))
        try:
            referral = services.referral_create(actor=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Referral {referral.case_reference} has been saved. Check it, then send it."
            )
            return redirect("procurement:fps_referral_detail", referral.pk)
    return render_form(request, "procurement/fps/referral_form.html", form, {"has_lots": lots.exists()})


@require_GET
@requires(REFER)
def referral_detail(request, pk):
    referral = selectors.get_referral_for_user_or_404(request.user, pk)
    responses = selectors.referral_responses(referral)
    ranked = selectors.compare_responses(responses)
    others = [r for r in responses if r not in ranked]
    is_open = referral.status in (ReferralStatus.DRAFT, ReferralStatus.SENT)
    ipa = getattr(referral, "placement_agreement", None) if referral.status == ReferralStatus.PLACED else None
    return render(
        request,
        "procurement/fps/referral_detail.html",
        {
            "referral": referral,
            "responses": responses,
            "ranked": ranked,
            "others": others,
            "recipients": list(services.eligible_memberships(referral.lot))
            if referral.status == ReferralStatus.DRAFT
            else [],
            "deadline_passed": timezone.now() >= referral.respond_by,
            "can_send": referral.status == ReferralStatus.DRAFT,
            "can_select": referral.status == ReferralStatus.SENT,
            "can_direct_award": is_open,
            "can_cancel": is_open,
            "chosen": services.selected_response(referral)
            if referral.status == ReferralStatus.PLACED
            else None,
            "ipa": ipa,
            "send_form": ConfirmForm(submit_label="Send to providers"),
        },
    )


@require_POST
@requires(REFER)
def referral_send(request, pk):
    referral = selectors.get_referral_for_user_or_404(request.user, pk)
    try:
        referral = services.referral_send(referral=referral, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except InvalidTransition as error:
        messages.error(request, error.message)
    else:
        count = referral.responses.count()
        messages.success(
            request, f"The referral has been sent to {count} provider{'s' if count != 1 else ''}."
        )
    return redirect("procurement:fps_referral_detail", referral.pk)


@require_http_methods(["GET", "POST"])
@requires(REFER)
def referral_select(request, pk, response_pk):
    referral = selectors.get_referral_for_user_or_404(request.user, pk)
    response = get_object_or_404(referral.responses.select_related("provider"), pk=response_pk)
    form = ConfirmForm(posted_data(request), submit_label=f"Select {response.provider}")
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.referral_select(referral=referral, response=response, actor=request.user)
            messages.success(
                request, f"{response.provider} has been selected. Write the Individual Placement Agreement."
            )
            return redirect("procurement:fps_ipa_create", referral.pk)
    awaiting = referral.responses.filter(status=ResponseStatus.AWAITING).count()
    return render_form(
        request,
        "procurement/fps/referral_select.html",
        form,
        {"referral": referral, "response": response, "awaiting": awaiting},
    )


@require_http_methods(["GET", "POST"])
@requires(REFER)
def referral_direct_award(request, pk):
    referral = selectors.get_referral_for_user_or_404(request.user, pk)
    candidates = services.direct_award_candidates(referral)
    providers = Organisation.objects.filter(pk__in=candidates.values("provider_id")).order_by("name")
    form = DirectAwardForm(posted_data(request), providers=providers)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.referral_direct_award(referral=referral, actor=request.user, **form.cleaned_data)
            messages.success(
                request,
                f"Direct award to {form.cleaned_data['provider']}. Write the Individual Placement Agreement.",
            )
            return redirect("procurement:fps_ipa_create", referral.pk)
    return render_form(
        request,
        "procurement/fps/referral_direct_award.html",
        form,
        {"referral": referral, "providers": providers},
    )


@require_http_methods(["GET", "POST"])
@requires(REFER)
def referral_cancel(request, pk):
    referral = selectors.get_referral_for_user_or_404(request.user, pk)
    form = ReasonForm(
        request.POST or None,
        label="Why is the referral cancelled?",
        error="Enter why the referral is cancelled",
        submit_label="Cancel referral",
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.referral_cancel(
                referral=referral, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, f"Referral {referral.case_reference} has been cancelled.")
            return redirect("procurement:fps_referral_detail", referral.pk)
    return render_form(request, "procurement/fps/referral_cancel.html", form, {"referral": referral})


@require_http_methods(["GET", "POST"])
@requires(REFER)
def ipa_create(request, pk):
    referral = selectors.get_referral_for_user_or_404(request.user, pk)
    chosen = services.selected_response(referral) if referral.status == ReferralStatus.PLACED else None
    if hasattr(referral, "placement_agreement"):
        return redirect("procurement:fps_ipa_detail", referral.placement_agreement.pk)
    if chosen is None:
        messages.error(request, "Select a provider or make a direct award first.")
        return redirect("procurement:fps_referral_detail", referral.pk)
    initial = {"weekly_fee": chosen.weekly_fee, "start_on": chosen.start_on or referral.wanted_start_on}
    form = IpaForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ipa = services.ipa_create(
                referral=referral,
                actor=request.user,
                start_on=form.cleaned_data["start_on"],
                end_on=form.cleaned_data["end_on"],
                weekly_fee=form.cleaned_data["weekly_fee"],
                additional_services=form.services(),
                review_dates=form.review_dates(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Individual Placement Agreement {ipa.reference} has been created.")
            return redirect("procurement:fps_ipa_detail", ipa.pk)
    return render_form(
        request, "procurement/fps/ipa_form.html", form, {"referral": referral, "chosen": chosen}
    )


# Providers ------------------------------------------------------------------------------------------------


@require_GET
@requires(RESPOND)
def received_list(request):
    page = Paginator(selectors.received_referrals_for_user(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "procurement/fps/received_list.html", {"page": page, "now": timezone.now()})


@require_http_methods(["GET", "POST"])
@requires(RESPOND)
def received_detail(request, pk):
    response = selectors.get_received_referral_for_user_or_404(request.user, pk)
    referral = response.referral
    now = timezone.now()
    is_open = referral.status == ReferralStatus.SENT and now < referral.respond_by
    initial = {}
    if response.status != ResponseStatus.AWAITING:
        initial = {
            "can_meet_needs": "yes" if response.can_meet_needs else "no",
            "weekly_fee": response.weekly_fee,
            "start_on": response.start_on,
            "notes": response.notes,
        }
    form = ResponseForm(posted_data(request), initial=initial)
    if request.method == "POST":
        if not is_open:
            form.is_valid()
            form.add_error(None, "This referral is no longer open for answers.")
        elif form.is_valid():
            try:
                services.referral_respond(response=response, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Your answer has been sent to the council.")
                return redirect("procurement:fps_received_detail", referral.pk)
    ipa = None
    if response.status == ResponseStatus.SELECTED:
        ipa = getattr(referral, "placement_agreement", None)
    return render_form(
        request,
        "procurement/fps/received_detail.html",
        form,
        {"response": response, "referral": referral, "is_open": is_open, "ipa": ipa},
    )


# Placement agreements -----------------------------------------------------------------------------------


@require_GET
@requires(IPA_VIEW)
def ipa_list(request):
    page = Paginator(selectors.ipas_for_user(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "procurement/fps/ipa_list.html", {"page": page})


def _ipa_context(ipa) -> dict:
    return {
        "ipa": ipa,
        "referral": ipa.referral,
        "services_total": services.ipa_services_total(ipa),
        "weekly_total": ipa.weekly_fee + services.ipa_services_total(ipa),
        "review_dates": [datetime.date.fromisoformat(value) for value in ipa.review_dates],
        "organisation": ipa.authority,
    }


@require_GET
@requires(IPA_VIEW)
def ipa_detail(request, pk):
    ipa = selectors.get_ipa_for_user_or_404(request.user, pk)
    return render(request, "procurement/fps/ipa_detail.html", _ipa_context(ipa))


class IpaPdfView(PdfView):
    """The agreement as a document for both parties' records."""

    required_permission = IPA_VIEW
    template_name = "pdf/ipa.html"

    def get_context_data(self, **kwargs) -> dict:
        ipa = selectors.get_ipa_for_user_or_404(self.request.user, kwargs["pk"])
        audit_record(
            action=AuditAction.DOWNLOAD, actor=self.request.user, target=ipa, detail={"format": "pdf"}
        )
        return _ipa_context(ipa)

    def get_filename(self, context: dict) -> str:
        return f"{context['ipa'].reference}.pdf"


ipa_pdf = IpaPdfView.as_view()
