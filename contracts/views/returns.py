"""Performance return and monitoring meeting pages.

The provider submits a return for a period against every KPI and resubmits one the council returned;
the council accepts or queries it. The council records monitoring meetings with their actions; an
action is marked done by the council, or by the provider for its own actions.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import posted_data, refusals_on, render_form
from core.permissions import requires

from ..forms.contracts import MeetingForm, ReturnForm, ReturnReviewForm
from ..models import ContractStatus, MeetingActionOwner, ReturnStatus
from ..selectors import management as selectors
from ..selectors.contracts import get_contract_for_user_or_404, get_managed_contract_or_404
from ..services import meetings as meeting_services
from ..services import returns as services
from ..services.contracts import InvalidTransition

VIEW = "contracts.contract_view"
MANAGE = "contracts.contract_manage"
REVIEW = "contracts.return_review"
SUBMIT = "contracts.return_submit"
ACTION_DONE = "contracts.meeting_action_done"


@require_http_methods(["GET", "POST"])
@requires(SUBMIT)
def return_submit(request, pk):
    contract = get_contract_for_user_or_404(request.user, pk)
    kpis = list(contract.kpis.all())
    form = ReturnForm(posted_data(request), kpis=kpis)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            performance_return = services.return_submit(
                actor=request.user,
                contract=contract,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                provider_commentary=form.cleaned_data["provider_commentary"],
                results=form.results(),
            )
            messages.success(request, "Your return has been submitted. The council has been told.")
            return redirect("contracts:return_detail", performance_return.pk)
    return render_form(
        request,
        "contracts/contracts/return_form.html",
        form,
        {"contract": contract, "title": "Submit a performance return", "no_kpis": not kpis},
    )


@require_GET
@requires(VIEW)
def return_detail(request, pk):
    performance_return = selectors.get_return_for_user_or_404(request.user, pk)
    contract = performance_return.contract
    is_council = request.user.organisation_id == contract.organisation_id
    is_provider = request.user.organisation_id == contract.provider_id
    return render(
        request,
        "contracts/contracts/return_detail.html",
        {
            "performance_return": performance_return,
            "contract": contract,
            "results": list(performance_return.results.all()),
            "queries": selectors.return_queries(performance_return),
            "can_review": is_council and performance_return.status == ReturnStatus.SUBMITTED,
            "can_resubmit": is_provider and performance_return.status == ReturnStatus.QUERIED,
        },
    )


@require_http_methods(["GET", "POST"])
@requires(REVIEW)
def return_review(request, pk):
    performance_return = selectors.get_managed_return_or_404(request.user, pk)
    form = ReturnReviewForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        outcome, notes = form.cleaned_data["outcome"], form.cleaned_data["notes"]
        with refusals_on(form):
            if outcome == "accept":
                services.return_accept(actor=request.user, performance_return=performance_return, notes=notes)
            else:
                services.return_query(actor=request.user, performance_return=performance_return, notes=notes)
            messages.success(
                request,
                "The return has been accepted. The provider has been told."
                if outcome == "accept"
                else "The return has been sent back to the provider with your questions.",
            )
            return redirect("contracts:return_detail", performance_return.pk)
    return render_form(
        request,
        "contracts/contracts/return_review.html",
        form,
        {"performance_return": performance_return, "contract": performance_return.contract},
    )


@require_http_methods(["GET", "POST"])
@requires(SUBMIT)
def return_resubmit(request, pk):
    performance_return = selectors.get_own_return_or_404(request.user, pk)
    contract = performance_return.contract
    if performance_return.status != ReturnStatus.QUERIED:
        messages.error(request, "Only a return the council has sent back to you can be resubmitted.")
        return redirect("contracts:return_detail", performance_return.pk)
    kpis = list(contract.kpis.all())
    existing = {result.kpi_id: result for result in performance_return.results.all()}
    initial = {
        "period_end": performance_return.period_end,
        "provider_commentary": performance_return.provider_commentary,
    }
    for kpi_id, result in existing.items():
        initial[f"kpi_{kpi_id}_value"] = result.value
        initial[f"kpi_{kpi_id}_commentary"] = result.commentary
    form = ReturnForm(
        posted_data(request), kpis=kpis, fixed_start=True, initial=initial, submit_label="Resubmit return"
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.return_resubmit(
                actor=request.user,
                performance_return=performance_return,
                period_end=form.cleaned_data["period_end"],
                provider_commentary=form.cleaned_data["provider_commentary"],
                results=form.results(),
            )
            messages.success(request, "Your corrected return has been submitted. The council has been told.")
            return redirect("contracts:return_detail", performance_return.pk)
    return render_form(
        request,
        "contracts/contracts/return_form.html",
        form,
        {
            "contract": contract,
            "performance_return": performance_return,
            "title": "Correct and resubmit the return",
        },
    )


# Monitoring meetings -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def meeting_add(request, pk):
    contract = get_managed_contract_or_404(request.user, pk)
    form = MeetingForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            meeting_services.meeting_record(
                actor=request.user,
                contract=contract,
                held_on=form.cleaned_data["held_on"],
                attendees=form.cleaned_data["attendees"],
                notes=form.cleaned_data["notes"],
                actions=form.actions(),
            )
            messages.success(request, "The monitoring meeting has been recorded.")
            return redirect("contracts:contract_detail", contract.pk)
    return render_form(
        request,
        "contracts/contracts/contract_form.html",
        form,
        {"contract": contract, "title": "Record a monitoring meeting"},
    )


@require_POST
@requires(ACTION_DONE)
def meeting_action_done(request, pk):
    action = selectors.get_meeting_action_for_user_or_404(request.user, pk)
    contract = action.meeting.contract
    try:
        meeting_services.meeting_action_done(actor=request.user, action=action)
    except PermissionDenied:
        messages.error(request, "Only the council can mark the council's actions as done.")
    except InvalidTransition as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The action has been marked as done.")
    return redirect("contracts:contract_detail", contract.pk)


__all__ = ["ContractStatus", "MeetingActionOwner"]
