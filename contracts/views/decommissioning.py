"""Decommissioning pages: propose, approve, serve notice, keep the exit plan and what families were told,
complete or cancel.

The authority's commissioners do all of it (another commissioner approves, never the proposer). The
provider's users see a decommissioning of their contract once notice is served: its status, notice date
and end date, nothing else. Reads go through `contracts.selectors.decommissioning`, so what a person may
not reach answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import ConfirmForm, posted_data, refusals_on, render_form
from core.permissions import requires

from ..forms.decommissioning import (
    CancelForm,
    CommunicationForm,
    CompleteForm,
    ExitRowAddForm,
    ExitRowForm,
    NoticeForm,
    ProposeForm,
)
from ..models import DecommissioningStatus
from ..rules import is_council_commissioner
from ..selectors import decommissioning as selectors
from ..selectors.contracts import get_managed_contract_or_404
from ..services import decommissioning as services
from ..services.decommissioning import InvalidTransition, long_date

VIEW = "contracts.decommissioning_view"
MANAGE = "contracts.decommissioning_manage"
PER_PAGE = 25
D = DecommissioningStatus


def _done(request, decommissioning, text: str):
    messages.success(request, text)
    return redirect("contracts:decommissioning_detail", decommissioning.pk)


@require_GET
@requires(VIEW)
def decommissioning_list(request):
    decommissionings = selectors.decommissionings_for_user(request.user).order_by("-proposed_at", "-id")
    is_council = is_council_commissioner(request.user)
    if is_council:
        decommissionings = selectors.with_exit_counts(decommissionings)
    page = Paginator(decommissionings, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "contracts/decommissioning/list.html", {"page": page, "is_council": is_council})


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def decommissioning_start(request, contract_pk):
    contract = get_managed_contract_or_404(request.user, contract_pk)
    existing = getattr(contract, "decommissioning", None)
    if existing is not None and existing.status != D.CANCELLED:
        messages.info(request, f"{contract.reference} already has a decommissioning.")
        return redirect("contracts:decommissioning_detail", existing.pk)
    form = ProposeForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            decommissioning = services.decommissioning_propose(
                contract=contract, actor=request.user, **form.cleaned_data
            )
            return _done(
                request,
                decommissioning,
                f"Decommissioning of {contract.reference} has been proposed. "
                "Another commissioner must approve it.",
            )
    return render_form(
        request, "contracts/decommissioning/propose.html", form, {"contract": contract, "previous": existing}
    )


@require_GET
@requires(VIEW)
def decommissioning_detail(request, pk):
    decommissioning = selectors.get_decommissioning_for_user_or_404(request.user, pk)
    if not is_council_commissioner(request.user):
        # The provider sees the status and the dates, nothing else.
        return render(
            request, "contracts/decommissioning/provider_detail.html", {"decommissioning": decommissioning}
        )
    status = decommissioning.status
    rows = list(decommissioning.exit_rows.select_related("placement_agreement"))
    unresolved = sum(1 for row in rows if not row.resolved)
    late = {
        row.pk
        for row in rows
        if decommissioning.end_on and row.transition_on and row.transition_on > decommissioning.end_on
    }
    plan_open = status == D.NOTICE_SERVED
    return render(
        request,
        "contracts/decommissioning/detail.html",
        {
            "decommissioning": decommissioning,
            "contract": decommissioning.contract,
            "rows": [(row, row.pk in late) for row in rows],
            "row_count": len(rows),
            "unresolved": unresolved,
            "communications": decommissioning.communications.select_related("exit_row", "recorded_by"),
            "steps": _timeline(decommissioning),
            "can_approve": status == D.PROPOSED and request.user.pk != decommissioning.proposed_by_id,
            "is_proposer": status == D.PROPOSED and request.user.pk == decommissioning.proposed_by_id,
            "can_serve": status == D.APPROVED,
            "plan_open": plan_open,
            "can_complete": plan_open,
            "can_cancel": status in (D.PROPOSED, D.APPROVED, D.NOTICE_SERVED),
            "can_propose_again": status == D.CANCELLED,
        },
    )


def _timeline(d) -> list[dict]:
    """The steps, each done (with when and by whom) or still to do."""
    steps = [
        {
            "title": "Proposed",
            "done": True,
            "text": f"By {d.proposed_by.full_name} on {long_date(timezone.localdate(d.proposed_at))}",
        },
        {
            "title": "Approved",
            "done": d.approved_at is not None,
            "text": f"By {d.approved_by.full_name} on {long_date(timezone.localdate(d.approved_at))}"
            if d.approved_at
            else "By another commissioner, not the proposer",
        },
        {
            "title": "Notice served",
            "done": d.notice_served_on is not None,
            "text": f"On {long_date(d.notice_served_on)}; the service ends on {long_date(d.end_on)}"
            if d.notice_served_on
            else "The provider is told and the exit plan is drawn up",
        },
        {
            "title": "Completed",
            "done": d.completed_at is not None,
            "text": f"By {d.completed_by.full_name} on {long_date(timezone.localdate(d.completed_at))}"
            if d.completed_at
            else "Every child's move resolved, and what was learnt recorded",
        },
    ]
    if d.status == D.CANCELLED:
        steps.append({"title": "Cancelled", "done": True, "text": d.cancelled_reason})
    return steps


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def decommissioning_approve(request, pk):
    decommissioning = selectors.get_managed_decommissioning_or_404(request.user, pk)
    form = ConfirmForm(posted_data(request), submit_label="Approve decommissioning")
    if request.method == "POST" and form.is_valid():
        try:
            services.decommissioning_approve(decommissioning=decommissioning, actor=request.user)
        except InvalidTransition as error:
            form.add_error(None, error.message)
        else:
            return _done(
                request,
                decommissioning,
                f"Decommissioning of {decommissioning.contract.reference} has been approved. "
                f"{decommissioning.proposed_by.full_name} has been told.",
            )
    return render_form(
        request, "contracts/decommissioning/approve.html", form, {"decommissioning": decommissioning}
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def decommissioning_notice(request, pk):
    decommissioning = selectors.get_managed_decommissioning_or_404(request.user, pk)
    contract = decommissioning.contract
    form = NoticeForm(posted_data(request), notice_period_months=contract.notice_period_months)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            decommissioning = services.decommissioning_serve_notice(
                decommissioning=decommissioning, actor=request.user, **form.cleaned_data
            )
            count = decommissioning.exit_rows.count()
            return _done(
                request,
                decommissioning,
                f"Notice has been recorded and {contract.provider} has been told. The exit plan has "
                f"{count} child{'ren' if count != 1 else ''} from placement agreements.",
            )
    return render_form(
        request,
        "contracts/decommissioning/notice.html",
        form,
        {"decommissioning": decommissioning, "contract": contract},
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def exit_row_add(request, pk):
    decommissioning = selectors.get_managed_decommissioning_or_404(request.user, pk)
    form = ExitRowAddForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            row = services.exit_row_add(
                decommissioning=decommissioning, actor=request.user, **form.cleaned_data
            )
            return _done(request, decommissioning, f"{row.case_reference} has been added to the exit plan.")
    return render_form(
        request, "contracts/decommissioning/row_add.html", form, {"decommissioning": decommissioning}
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def exit_row_edit(request, pk, row_pk):
    decommissioning = selectors.get_managed_decommissioning_or_404(request.user, pk)
    row = get_object_or_404(decommissioning.exit_rows.all(), pk=row_pk)
    initial = {
        "destination": row.destination,
        "destination_detail": row.destination_detail,
        "transition_on": row.transition_on,
        "notes": row.notes,
        "resolve": row.resolved,
    }
    form = ExitRowForm(posted_data(request), initial=initial, end_on=decommissioning.end_on)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            row = services.exit_row_update(row=row, actor=request.user, **form.cleaned_data)
            if row.transition_on and decommissioning.end_on and row.transition_on > decommissioning.end_on:
                messages.warning(
                    request,
                    f"{row.case_reference}'s transition date is after the service ends on "
                    f"{long_date(decommissioning.end_on)}. Check the child is not left without a place.",
                )
            state = "resolved" if row.resolved else "saved (not resolved)"
            return _done(
                request, decommissioning, f"The exit plan for {row.case_reference} has been {state}."
            )
    return render_form(
        request,
        "contracts/decommissioning/row_edit.html",
        form,
        {"decommissioning": decommissioning, "row": row},
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def exit_row_remove(request, pk, row_pk):
    """Confirm, then remove a row added by hand by mistake."""
    decommissioning = selectors.get_managed_decommissioning_or_404(request.user, pk)
    row = get_object_or_404(decommissioning.exit_rows.all(), pk=row_pk)
    form = ConfirmForm(posted_data(request), submit_label="Remove from the exit plan")
    if request.method == "POST" and form.is_valid():
        try:
            services.exit_row_remove(row=row, actor=request.user)
        except InvalidTransition as error:
            form.add_error(None, error.message)
        else:
            return _done(
                request, decommissioning, f"{row.case_reference} has been removed from the exit plan."
            )
    return render_form(
        request,
        "contracts/decommissioning/row_remove.html",
        form,
        {"decommissioning": decommissioning, "row": row},
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def communication_add(request, pk):
    decommissioning = selectors.get_managed_decommissioning_or_404(request.user, pk)
    rows = decommissioning.exit_rows.all()
    initial = {}
    if request.GET.get("row", "").isdigit():
        initial["exit_row"] = rows.filter(pk=request.GET["row"]).first()
    form = CommunicationForm(posted_data(request), rows=rows, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            communication = services.communication_record(
                decommissioning=decommissioning, actor=request.user, **form.cleaned_data
            )
            who = communication.exit_row.case_reference if communication.exit_row else "all families"
            return _done(request, decommissioning, f"The communication to {who} has been recorded.")
    return render_form(
        request, "contracts/decommissioning/communication.html", form, {"decommissioning": decommissioning}
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def decommissioning_complete(request, pk):
    decommissioning = selectors.get_managed_decommissioning_or_404(request.user, pk)
    form = CompleteForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.decommissioning_complete(
                decommissioning=decommissioning, actor=request.user, **form.cleaned_data
            )
            return _done(
                request,
                decommissioning,
                f"Decommissioning of {decommissioning.contract.reference} is complete "
                "and the contract has ended.",
            )
    unresolved = decommissioning.exit_rows.filter(resolved_at__isnull=True).count()
    return render_form(
        request,
        "contracts/decommissioning/complete.html",
        form,
        {"decommissioning": decommissioning, "unresolved": unresolved},
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def decommissioning_cancel(request, pk):
    decommissioning = selectors.get_managed_decommissioning_or_404(request.user, pk)
    form = CancelForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.decommissioning_cancel(
                decommissioning=decommissioning, actor=request.user, **form.cleaned_data
            )
            return _done(
                request,
                decommissioning,
                f"Decommissioning of {decommissioning.contract.reference} has been cancelled.",
            )
    return render_form(
        request,
        "contracts/decommissioning/cancel.html",
        form,
        {"decommissioning": decommissioning, "notice_served": decommissioning.status == D.NOTICE_SERVED},
    )
