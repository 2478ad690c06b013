"""Quality assurance pages: a contract's visits and improvement plans, recording a visit against the
checklist, the report and its PDF, the provider's progress on actions and the council's verification,
the list of visits across contracts with its CSV download, and the list of overdue actions across an
authority's contracts.

The authority's commissioners do everything here. The provider's users read the reports issued on their
contracts and the improvement plans, and post progress on the actions. Reads go through
`contracts.selectors.quality`, so what a person may not reach answers 404 like something missing.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.audit import audit_record
from core.documents import document_response
from core.exports import csv_response
from core.forms import ConfirmForm, ReasonForm, add_service_errors, posted_data, refusals_on, render_form
from core.models import AuditAction
from core.pdf import PdfView
from core.permissions import requires
from core.uploads import UploadRejected

from ..forms.quality import (
    ActionForm,
    ActionUpdateForm,
    PlanForm,
    VerifyForm,
    VisitAddForm,
    VisitArrangeForm,
    VisitRecordForm,
)
from ..models import ActionStatus, ContractStatus, ImprovementPlanStatus, QAArea, QAVisitStatus
from ..rules import is_council_commissioner
from ..selectors import quality as selectors
from ..selectors.contracts import get_contract_for_user_or_404, get_managed_contract_or_404
from ..services import quality as services
from ..services.quality import InvalidTransition

VIEW = "contracts.qa_view"
MANAGE = "contracts.qa_manage"
UPDATE = "contracts.qa_action_update"
PER_PAGE = 25


def _today():
    return timezone.localdate()


def _findings_in_order(visit) -> list:
    """The visit's findings in the checklist's order, with a row for every area (None where not written)."""
    by_area = {finding.area: finding for finding in visit.findings.all()}
    return [{"area": area, "finding": by_area.get(area.value)} for area in QAArea]


# -- A contract's QA page and the list across contracts ------------------------------------------------


@require_GET
@requires(VIEW)
def qa_contract(request, pk):
    """A contract's visits, when the next is due and why, and its improvement plans."""
    contract = get_contract_for_user_or_404(request.user, pk)
    is_council = is_council_commissioner(request.user)
    today = _today()
    visits = selectors.qa_visits_for_contract(request.user, contract)
    page = Paginator(visits, PER_PAGE).get_page(request.GET.get("page"))
    scheduled = next_due_on = None
    if is_council:
        scheduled = visits.filter(status=QAVisitStatus.SCHEDULED).first()
        next_due_on = scheduled.due_on if scheduled else services.qa_next_due_on(contract)
    return render(
        request,
        "contracts/quality/contract.html",
        {
            "contract": contract,
            "is_council": is_council,
            "page": page,
            "scheduled": scheduled,
            "next_due_on": next_due_on,
            "interval_months": services.qa_interval_months(contract),
            "last_visited_on": services.qa_last_visited_on(contract) if is_council else None,
            "plans": selectors.improvement_plans_for_contract(request.user, contract, today=today),
            "can_add_visit": is_council and scheduled is None and contract.status == ContractStatus.LIVE,
        },
    )


def _list_status(request, is_council: bool) -> str:
    """The status the council's list is filtered by: the visits still to happen unless it asks for another
    (`status=` for all of them); a provider's list is of issued reports anyway, so none."""
    if not is_council:
        return ""
    status = request.GET.get("status", QAVisitStatus.SCHEDULED)
    return status if status in QAVisitStatus.values else ""


@require_GET
@requires(VIEW)
def qa_visit_list(request):
    """Visits across the person's contracts: for the council, filtered by status; for a provider, reports."""
    is_council = is_council_commissioner(request.user)
    status = _list_status(request, is_council)
    visits = selectors.qa_visit_list_for_user(request.user, status=status)
    page = Paginator(visits, PER_PAGE).get_page(request.GET.get("page"))
    filters = [
        {"value": value, "label": label, "current": value == status}
        for value, label in [("", "All"), *QAVisitStatus.choices]
    ]
    return render(
        request,
        "contracts/quality/visit_list.html",
        {
            "page": page,
            "is_council": is_council,
            "filters": filters if is_council else [],
            "status": status,
            "query_string": f"status={status}" if status else "",
            # The download always says which status, since none at all means the scheduled visits.
            "export_query": urlencode({"status": status}) if is_council else "",
            "today": _today(),
        },
    )


@require_GET
@requires(VIEW)
def qa_visit_list_export(request):
    """The list as CSV, with the list's status filter and scope: every row, not one page."""
    is_council = is_council_commissioner(request.user)
    status = _list_status(request, is_council)
    headers = [
        "Contract reference",
        "Contract",
        "Provider" if is_council else "Council",
        "Due by",
        "Planned for",
        "Visited on",
        "Status",
        "Overall rating",
        "Open improvement actions",
    ]
    rows = (
        [
            visit.contract.reference,
            visit.contract.title,
            visit.contract.provider.name if is_council else visit.contract.organisation.name,
            visit.due_on,
            visit.planned_on,
            visit.visited_on,
            visit.get_status_display(),
            # As on the list: the rating once the report is issued.
            visit.get_overall_rating_display() if visit.status == QAVisitStatus.COMPLETED else "",
            visit.open_action_count,
        ]
        for visit in selectors.qa_visit_list_for_export(request.user, status=status).iterator(chunk_size=500)
    )
    response = csv_response(
        filename=f"{request.user.organisation.name} QA visits.csv", headers=headers, rows=rows
    )
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        detail={"what": "QA visits list", "format": "csv", "status": status},
    )
    return response


@require_GET
@requires(MANAGE)
def qa_overdue_actions(request):
    """Improvement actions past their due date and not verified, across the authority's contracts."""
    actions = selectors.improvement_actions_overdue_for_user(request.user, today=_today())
    page = Paginator(actions, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "contracts/quality/overdue_actions.html", {"page": page})


# -- Visits --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def qa_visit_add(request, pk):
    """An extra visit, when none is scheduled."""
    contract = get_managed_contract_or_404(request.user, pk)
    form = VisitAddForm(posted_data(request), officers=services.authority_commissioners(contract))
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.qa_visit_add(contract=contract, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"A visit due by {_day(visit.due_on)} has been added.")
            return redirect("contracts:qa_visit_detail", visit.pk)
    return render_form(
        request,
        "contracts/quality/form.html",
        form,
        {"contract": contract, "title": "Add a quality assurance visit", "back": _contract_back(contract)},
    )


def _day(value) -> str:
    return f"{value.day} {value:%B %Y}"


def _contract_back(contract) -> dict:
    return {
        "url": reverse("contracts:qa_contract", args=[contract.pk]),
        "label": "Back to quality assurance",
    }


def _visit_back(visit) -> dict:
    return {"url": reverse("contracts:qa_visit_detail", args=[visit.pk]), "label": "Back to the visit"}


@require_GET
@requires(VIEW)
def qa_visit_detail(request, pk):
    """A scheduled visit's arrangements and checklist progress, or an issued report, or a cancellation."""
    visit = selectors.get_qa_visit_for_user_or_404(request.user, pk)
    is_council = is_council_commissioner(request.user)
    plan = getattr(visit, "improvement_plan", None) if visit.status == QAVisitStatus.COMPLETED else None
    missing = services.qa_visit_missing(visit) if visit.status == QAVisitStatus.SCHEDULED else []
    return render(
        request,
        "contracts/quality/visit_detail.html",
        {
            "visit": visit,
            "contract": visit.contract,
            "is_council": is_council,
            "rows": _findings_in_order(visit),
            "missing": missing,
            "plan": plan,
            "can_create_plan": is_council and visit.status == QAVisitStatus.COMPLETED and plan is None,
        },
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def qa_visit_arrange(request, pk):
    visit = selectors.get_managed_qa_visit_or_404(request.user, pk)
    if visit.status != QAVisitStatus.SCHEDULED:
        messages.error(request, "Only a scheduled visit can be arranged.")
        return redirect("contracts:qa_visit_detail", visit.pk)
    initial = {
        "planned_on": visit.planned_on,
        "lead_officer": visit.lead_officer_id,
        "announced": "yes" if visit.announced else "no",
    }
    form = VisitArrangeForm(
        posted_data(request), initial=initial, officers=services.authority_commissioners(visit.contract)
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.qa_visit_arrange(visit=visit, actor=request.user, **form.cleaned_data)
            messages.success(request, "The visit's arrangements have been saved.")
            return redirect("contracts:qa_visit_detail", visit.pk)
    return render_form(
        request,
        "contracts/quality/form.html",
        form,
        {"contract": visit.contract, "title": "Arrange the visit", "back": _visit_back(visit)},
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def qa_visit_cancel(request, pk):
    visit = selectors.get_managed_qa_visit_or_404(request.user, pk)
    form = ReasonForm(
        posted_data(request),
        label="Why is the visit cancelled?",
        error="Enter why the visit is cancelled",
        submit_label="Cancel the visit",
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.qa_visit_cancel(visit=visit, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, "The visit has been cancelled.")
            return redirect("contracts:qa_contract", visit.contract_id)
    return render_form(
        request,
        "contracts/quality/form.html",
        form,
        {
            "contract": visit.contract,
            "title": "Cancel the visit",
            "intro": "The visit stays on the contract's record as cancelled, with your reason. "
            "The next visit is scheduled again by the contract's risk rating.",
            "back": _visit_back(visit),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def qa_visit_record(request, pk):
    """The checklist. Everything can be saved part-done; issuing the report needs all of it."""
    visit = selectors.get_managed_qa_visit_or_404(request.user, pk)
    if visit.status != QAVisitStatus.SCHEDULED:
        messages.error(
            request,
            "The findings of an issued report cannot be changed."
            if visit.status == QAVisitStatus.COMPLETED
            else "A cancelled visit cannot be recorded.",
        )
        return redirect("contracts:qa_visit_detail", visit.pk)
    form = VisitRecordForm(posted_data(request), initial=VisitRecordForm.initial_for(visit))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.qa_visit_record(
                visit=visit,
                actor=request.user,
                visited_on=form.cleaned_data["visited_on"],
                findings=form.findings(),
                overall_rating=form.cleaned_data["overall_rating"],
                summary=form.cleaned_data["summary"],
            )
            messages.success(request, "The visit's record has been saved.")
            return redirect("contracts:qa_visit_detail", visit.pk)
    return render_form(
        request,
        "contracts/quality/form.html",
        form,
        {
            "contract": visit.contract,
            "title": "Record the visit",
            "intro": "Give a rating and findings for each of the six areas, then the overall rating and a "
            "summary. You can save part of it and come back; the report is issued from the visit's page.",
            "back": _visit_back(visit),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def qa_visit_complete(request, pk):
    """Issue the report: the provider's users are told and the next visit is scheduled."""
    visit = selectors.get_managed_qa_visit_or_404(request.user, pk)
    form = ConfirmForm(posted_data(request), submit_label="Issue the report")
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.qa_visit_complete(visit=visit, actor=request.user)
            messages.success(
                request,
                "The report has been issued and the provider told. The next visit has been scheduled.",
            )
            return redirect("contracts:qa_visit_detail", visit.pk)
    return render_form(
        request,
        "contracts/quality/visit_complete.html",
        form,
        {"visit": visit, "contract": visit.contract, "missing": services.qa_visit_missing(visit)},
    )


def _report_context(visit, *, today) -> dict:
    plan = getattr(visit, "improvement_plan", None)
    actions = []
    if plan is not None:
        actions = selectors.improvement_actions_with_overdue(plan.actions.all(), today=today)
    return {
        "visit": visit,
        "contract": visit.contract,
        "organisation": visit.contract.organisation,
        "rows": _findings_in_order(visit),
        "plan": plan,
        "actions": actions,
    }


class QaReportPdfView(PdfView):
    """The issued report, for both the council's and the provider's records."""

    required_permission = VIEW
    template_name = "pdf/contracts/qa_report.html"

    def get_context_data(self, **kwargs) -> dict:
        visit = selectors.get_qa_visit_for_user_or_404(self.request.user, kwargs["pk"])
        if visit.status != QAVisitStatus.COMPLETED:
            raise Http404
        audit_record(
            action=AuditAction.DOWNLOAD, actor=self.request.user, target=visit, detail={"format": "pdf"}
        )
        return _report_context(visit, today=_today())

    def get_filename(self, context: dict) -> str:
        visit = context["visit"]
        return f"QA report {visit.contract.reference} {visit.visited_on:%Y-%m-%d}.pdf"


qa_visit_pdf = QaReportPdfView.as_view()


# -- Improvement plans ---------------------------------------------------------------------------------


def _plan_create(request, contract, visit=None):
    initial = {}
    if visit is not None:
        initial["title"] = f"Improvement plan after the visit of {_day(visit.visited_on)}"
    form = PlanForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            plan = services.improvement_plan_create(
                contract=contract, actor=request.user, visit=visit, title=form.cleaned_data["title"]
            )
            messages.success(request, "The improvement plan has been created. Add its actions.")
            return redirect("contracts:qa_plan_detail", plan.pk)
    return render_form(
        request,
        "contracts/quality/form.html",
        form,
        {
            "contract": contract,
            "title": "Create an improvement plan",
            "back": _visit_back(visit) if visit is not None else _contract_back(contract),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def qa_plan_create(request, pk):
    """A plan on the contract, not tied to one visit."""
    return _plan_create(request, get_managed_contract_or_404(request.user, pk))


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def qa_plan_create_for_visit(request, pk):
    """A plan following a visit's report."""
    visit = selectors.get_managed_qa_visit_or_404(request.user, pk)
    if visit.status != QAVisitStatus.COMPLETED:
        messages.error(request, "An improvement plan can only follow a visit whose report has been issued.")
        return redirect("contracts:qa_visit_detail", visit.pk)
    if getattr(visit, "improvement_plan", None) is not None:
        return redirect("contracts:qa_plan_detail", visit.improvement_plan.pk)
    return _plan_create(request, visit.contract, visit)


@require_GET
@requires(VIEW)
def qa_plan_detail(request, pk):
    plan = selectors.get_improvement_plan_for_user_or_404(request.user, pk)
    is_council = is_council_commissioner(request.user)
    actions = selectors.improvement_actions_with_overdue(plan.actions.all(), today=_today())
    return render(
        request,
        "contracts/quality/plan_detail.html",
        {
            "plan": plan,
            "contract": plan.contract,
            "is_council": is_council,
            "actions": actions,
            "can_add_action": is_council and plan.status == ImprovementPlanStatus.OPEN,
        },
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def qa_action_add(request, pk):
    plan = selectors.get_managed_improvement_plan_or_404(request.user, pk)
    form = ActionForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.improvement_action_add(plan=plan, actor=request.user, **form.cleaned_data)
            messages.success(request, "The action has been added and the provider told.")
            return redirect("contracts:qa_plan_detail", plan.pk)
    return render_form(
        request,
        "contracts/quality/form.html",
        form,
        {
            "contract": plan.contract,
            "title": "Add an action",
            "caption": plan.title,
            "back": {"url": reverse("contracts:qa_plan_detail", args=[plan.pk]), "label": "Back to the plan"},
        },
    )


@require_GET
@requires(VIEW)
def qa_action_detail(request, pk):
    action = selectors.get_improvement_action_for_user_or_404(request.user, pk)
    is_council = is_council_commissioner(request.user)
    is_provider = (
        request.user.has_perm(UPDATE) and request.user.organisation_id == action.plan.contract.provider_id
    )
    return render(
        request,
        "contracts/quality/action_detail.html",
        {
            "action": action,
            "plan": action.plan,
            "contract": action.plan.contract,
            "overdue": action.is_overdue(_today()),
            "updates": selectors.action_updates_for(action),
            "can_update": is_provider and action.status != ActionStatus.VERIFIED,
            "can_verify": is_council and action.status == ActionStatus.REPORTED_DONE,
        },
    )


def _action_back(action) -> dict:
    return {"url": reverse("contracts:qa_action_detail", args=[action.pk]), "label": "Back to the action"}


@require_http_methods(["GET", "POST"])
@requires(UPDATE)
def qa_action_update(request, pk):
    """The provider's progress, with evidence; optionally reporting the action done."""
    action = selectors.get_improvement_action_for_user_or_404(request.user, pk)
    if action.status == ActionStatus.VERIFIED:
        messages.error(request, "This action has been verified and cannot change.")
        return redirect("contracts:qa_action_detail", action.pk)
    can_report_done = action.status == ActionStatus.OPEN
    if request.method == "POST":
        form = ActionUpdateForm(request.POST, request.FILES, can_report_done=can_report_done)
    else:
        form = ActionUpdateForm(can_report_done=can_report_done)
    if request.method == "POST" and form.is_valid():
        evidence = form.cleaned_data.get("evidence")
        try:
            update = services.improvement_action_update_post(
                action=action,
                actor=request.user,
                text=form.cleaned_data["text"],
                reports_done=form.cleaned_data.get("reports_done", False),
                evidence_file=evidence,
            )
        except UploadRejected as rejected:
            form.add_error("evidence", rejected.message)
        except ValidationError as error:
            add_service_errors(form, error)
        except InvalidTransition as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                "You have reported the action done. The council will verify it."
                if update.reports_done
                else "Your update has been posted.",
            )
            return redirect("contracts:qa_action_detail", action.pk)
    return render_form(
        request,
        "contracts/quality/form.html",
        form,
        {
            "contract": action.plan.contract,
            "title": "Post an update on the action",
            "caption": action.description[:80],
            "back": _action_back(action),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def qa_action_verify(request, pk):
    action = selectors.get_managed_improvement_action_or_404(request.user, pk)
    form = VerifyForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.improvement_action_verify(
                action=action, actor=request.user, notes=form.cleaned_data["notes"]
            )
            action.plan.refresh_from_db()
            done = (
                " All actions are verified: the plan is complete."
                if action.plan.status == "completed"
                else ""
            )
            messages.success(request, "The action has been verified and the provider told." + done)
            return redirect("contracts:qa_action_detail", action.pk)
    return render_form(
        request,
        "contracts/quality/form.html",
        form,
        {
            "contract": action.plan.contract,
            "title": "Verify the action",
            "caption": action.description[:80],
            "intro": "Verify the action only when you have seen that it is done. "
            "A verified action cannot change.",
            "back": _action_back(action),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def qa_action_return(request, pk):
    action = selectors.get_managed_improvement_action_or_404(request.user, pk)
    form = ReasonForm(
        posted_data(request),
        label="What is still to be done?",
        error="Enter why the action is returned",
        submit_label="Return the action to the provider",
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.improvement_action_return(
                action=action, actor=request.user, note=form.cleaned_data["reason"]
            )
            messages.success(request, "The action has been returned to the provider as open.")
            return redirect("contracts:qa_action_detail", action.pk)
    return render_form(
        request,
        "contracts/quality/form.html",
        form,
        {
            "contract": action.plan.contract,
            "title": "Return the action to the provider",
            "caption": action.description[:80],
            "back": _action_back(action),
        },
    )


@require_GET
@requires(VIEW)
def qa_evidence_download(request, pk):
    """Evidence posted on an action: the provider who posted it and the authority's commissioners."""
    update = selectors.get_action_update_with_evidence_for_user_or_404(request.user, pk)
    if update.evidence.removed_at is not None:
        raise Http404
    return document_response(document=update.evidence, user=request.user)
