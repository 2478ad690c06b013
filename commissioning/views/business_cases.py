"""Business case pages: list, "Waiting for my decision", create/edit, detail with decision history,
submit, decide, a submitted version, and the PDF for a cabinet paper.

Thin views: reads through `commissioning.selectors`, writes through `commissioning.services.business_cases`.
Which buttons a person sees is decided here, with the services' own `can_edit` and `can_decide`.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.audit import audit_record
from core.models import AuditAction
from core.pdf import PdfView
from core.permissions import requires

from ..forms.business_cases import (
    SECTION_FIELDS,
    BusinessCaseForm,
    CaseFilterForm,
    DecisionForm,
    SubmitCaseForm,
)
from ..models import BusinessCaseStatus, DecisionStep, FundingSource
from ..selectors import (
    business_cases_for_user,
    business_cases_waiting_for,
    get_business_case_for_user_or_404,
    intentions_for_user,
)
from ..services import business_cases as services
from ..services.business_cases import AuthorCannotDecide, InvalidTransition

PAGE_SIZE = 25
FUNDING_LABELS = dict(FundingSource.choices)
STATUS_TAGS = {
    BusinessCaseStatus.DRAFT: "govuk-tag--grey",
    BusinessCaseStatus.SUBMITTED: "govuk-tag--blue",
    BusinessCaseStatus.FINANCE_APPROVED: "govuk-tag--blue",
    BusinessCaseStatus.LEGAL_APPROVED: "govuk-tag--blue",
    BusinessCaseStatus.CABINET_APPROVED: "govuk-tag--green",
    BusinessCaseStatus.RETURNED: "govuk-tag--yellow",
    BusinessCaseStatus.REJECTED: "govuk-tag--red",
}


def _tag(case) -> None:
    case.status_tag = STATUS_TAGS.get(case.status, "govuk-tag--grey")


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            name = SECTION_FIELDS.get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _render_form(request, template: str, context: dict):
    return render(request, template, context, status=400 if context["form"].errors else 200)


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


def present(content: dict) -> dict:
    """A case's sections ready for a page: amounts as numbers, funding sources named, totals added."""
    costs = [{**row, "amount": _amount(row.get("amount"))} for row in content.get("whole_life_cost", [])]
    funding = [
        {
            **row,
            "amount": _amount(row.get("amount")),
            "label": FUNDING_LABELS.get(row.get("source"), row.get("source")),
        }
        for row in content.get("funding", [])
    ]
    options = [{**row, "cost": _amount(row.get("cost"))} for row in content.get("options", [])]
    return {
        **content,
        "options": options,
        "whole_life_cost": costs,
        "funding": funding,
        "cost_total": sum((row["amount"] or 0 for row in costs), Decimal(0)),
        "funding_total": sum((row["amount"] or 0 for row in funding), Decimal(0)),
    }


def _current_content(case) -> tuple[dict, object]:
    """What the page shows: the working draft while editable, else the latest submitted version."""
    version = services.latest_version(case)
    if case.status in services.EDITABLE or version is None:
        return present(services.content_of(case)), version
    return present(version.content), version


def _decisions(case):
    return case.decisions.select_related("decided_by", "version").order_by("decided_at", "id")


# ---------------------------------------------------------------------------------------------------------
# Lists


@require_GET
@requires("commissioning.view")
def case_list(request):
    filters = CaseFilterForm(request.GET or None)
    rows = business_cases_for_user(request.user).select_related("author", "intention")
    status = ""
    if filters.is_valid() and filters.cleaned_data["status"]:
        status = filters.cleaned_data["status"]
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page.object_list:
        _tag(case)
    return render(
        request,
        "commissioning/business_cases/case_list.html",
        {
            "page": page,
            "statuses": BusinessCaseStatus.choices,
            "status": status,
            "query_string": urlencode({"status": status}) if status else "",
            "can_author": request.user.has_perm(services.AUTHOR),
        },
    )


@require_GET
@requires("commissioning.view")
def approval_queue(request):
    page = Paginator(business_cases_waiting_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page.object_list:
        _tag(case)
        case.step_label = DecisionStep(services.step_for(case)).label
    return render(request, "commissioning/business_cases/approval_queue.html", {"page": page})


# ---------------------------------------------------------------------------------------------------------
# Writing


def _intention_from_query(request):
    pk = request.GET.get("intention", "")
    if not pk.isdigit():
        return None
    return intentions_for_user(request.user).filter(pk=int(pk)).first()


@require_http_methods(["GET", "POST"])
@requires("commissioning.author_business_case")
def case_create(request):
    intention = _intention_from_query(request)
    initial = {"intention": intention.pk, "title": intention.title} if intention else {}
    form = BusinessCaseForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        intentions=intentions_for_user(request.user),
        submit_label="Save as draft",
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.business_case_create(actor=request.user, **form.values())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Business case ‘{case.title}’ saved as a draft")
            return redirect("commissioning:case_detail", pk=case.pk)
    if form.is_bound and form.is_valid() is False and form.cleaned_data.get("intention"):
        intention = form.cleaned_data["intention"]
    return _render_form(
        request, "commissioning/business_cases/case_form.html", {"form": form, "intention": intention}
    )


@require_http_methods(["GET", "POST"])
@requires("commissioning.author_business_case")
def case_edit(request, pk):
    case = get_business_case_for_user_or_404(request.user, pk)
    if not services.can_edit(request.user, case):
        messages.error(
            request,
            f"This business case is ‘{case.get_status_display()}’, so it cannot be changed. "
            "It can be changed again only if it is returned for changes.",
        )
        return redirect("commissioning:case_detail", pk=case.pk)
    form = BusinessCaseForm(
        request.POST if request.method == "POST" else None,
        initial=BusinessCaseForm.initial_for(case),
        intentions=intentions_for_user(request.user),
        submit_label="Save changes",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.business_case_update(case=case, actor=request.user, **form.values())
        except ValidationError as error:
            _add_errors(form, error)
        except InvalidTransition as refused:
            messages.error(request, refused.message)
            return redirect("commissioning:case_detail", pk=case.pk)
        else:
            messages.success(request, "Business case saved")
            return redirect("commissioning:case_detail", pk=case.pk)
    return _render_form(
        request,
        "commissioning/business_cases/case_form.html",
        {"form": form, "case": case, "intention": case.intention},
    )


@require_http_methods(["GET", "POST"])
@requires("commissioning.author_business_case")
def case_submit(request, pk):
    case = get_business_case_for_user_or_404(request.user, pk)
    form = SubmitCaseForm(request.POST if request.method == "POST" else None)
    if case.status not in services.EDITABLE:
        messages.error(
            request, f"This business case is ‘{case.get_status_display()}’: it cannot be submitted now."
        )
        return redirect("commissioning:case_detail", pk=case.pk)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.business_case_submit(case=case, actor=request.user)
        except ValidationError as error:
            for messages_ in error.message_dict.values():
                for message in messages_:
                    form.add_error(None, message)
        except InvalidTransition as refused:
            messages.error(request, refused.message)
            return redirect("commissioning:case_detail", pk=case.pk)
        else:
            messages.success(request, f"Version {version.number} submitted for Finance approval")
            return redirect("commissioning:case_detail", pk=case.pk)
    next_number = (services.latest_version(case).number + 1) if services.latest_version(case) else 1
    return _render_form(
        request,
        "commissioning/business_cases/case_submit.html",
        {"form": form, "case": case, "next_number": next_number},
    )


# ---------------------------------------------------------------------------------------------------------
# Reading and deciding


@require_GET
@requires("commissioning.view")
def case_detail(request, pk):
    case = get_business_case_for_user_or_404(request.user, pk)
    _tag(case)
    content, version = _current_content(case)
    step = services.step_for(case)
    return render(
        request,
        "commissioning/business_cases/case_detail.html",
        {
            "case": case,
            "content": content,
            "version": version,
            "showing_version": version is not None and case.status not in services.EDITABLE,
            "versions": case.versions.select_related("submitted_by").order_by("-number"),
            "decisions": _decisions(case),
            "step_label": DecisionStep(step).label if step else "",
            "can_edit": services.can_edit(request.user, case),
            "can_submit": services.can_edit(request.user, case),
            "can_decide": services.can_decide(request.user, case),
            "is_author_at_step": step is not None and case.author_id == request.user.pk,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("commissioning.view")
def case_decide(request, pk):
    case = get_business_case_for_user_or_404(request.user, pk)
    step = services.step_for(case)
    if step is None:
        messages.error(
            request, f"This business case is ‘{case.get_status_display()}’: it is not waiting for a decision."
        )
        return redirect("commissioning:case_detail", pk=case.pk)
    if not request.user.has_perm(services.STEP_PERMISSION[step]):
        if request.method == "POST" and any(
            request.user.has_perm(permission) for permission in services.STEP_PERMISSION.values()
        ):
            # An approver whose step was decided while their form was open: say so, not "forbidden".
            messages.error(
                request,
                f"This business case is now ‘{case.get_status_display()}’, so it is not waiting for your "
                "decision. Someone may have decided it already.",
            )
            return redirect("commissioning:case_detail", pk=case.pk)
        raise PermissionDenied
    if case.author_id == request.user.pk:
        return render(
            request,
            "commissioning/business_cases/case_decide_refused.html",
            {"case": case, "reason": AuthorCannotDecide.message},
            status=403,
        )
    version = services.latest_version(case)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        step=step,
        initial={"seen_version": version.number},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        extra = {}
        if step == DecisionStep.CABINET:
            extra = {
                "cabinet_date": data.get("cabinet_date"),
                "minute_reference": data.get("minute_reference", ""),
            }
        try:
            decision = services.DECIDE[step](
                case=case,
                actor=request.user,
                outcome=data["outcome"],
                comments=data["comments"],
                seen_version=data.get("seen_version"),
                **extra,
            )
        except ValidationError as error:
            _add_errors(form, error)
        except InvalidTransition as refused:
            messages.error(request, refused.message)
            return redirect("commissioning:case_detail", pk=case.pk)
        else:
            messages.success(
                request,
                f"{decision.get_step_display()} decision recorded: {decision.get_outcome_display().lower()}",
            )
            return redirect("commissioning:case_detail", pk=case.pk)
    _tag(case)
    return _render_form(
        request,
        "commissioning/business_cases/case_decide.html",
        {
            "form": form,
            "case": case,
            "version": version,
            "content": present(version.content),
            "step_label": DecisionStep(step).label,
            "decisions": _decisions(case),
        },
    )


@require_GET
@requires("commissioning.view")
def case_version(request, pk, number):
    case = get_business_case_for_user_or_404(request.user, pk)
    version = get_object_or_404(case.versions.select_related("submitted_by"), number=number)
    _tag(case)
    return render(
        request,
        "commissioning/business_cases/case_version.html",
        {
            "case": case,
            "version": version,
            "content": present(version.content),
            "decisions": version.decisions.select_related("decided_by").order_by("decided_at", "id"),
        },
    )


class CasePdfView(PdfView):
    """The case as a cabinet paper: every section, the costs with totals, and the decision history."""

    required_permission = "commissioning.view"
    template_name = "pdf/business_case.html"

    def get_context_data(self, **kwargs) -> dict:
        case = get_business_case_for_user_or_404(self.request.user, kwargs["pk"])
        content, version = _current_content(case)
        audit_record(
            action=AuditAction.DOWNLOAD, actor=self.request.user, target=case, detail={"format": "pdf"}
        )
        return {
            "case": case,
            "content": content,
            "version": version if case.status not in services.EDITABLE else None,
            "decisions": _decisions(case),
            "organisation": case.organisation,
        }

    def get_filename(self, context: dict) -> str:
        return f"business-case-{context['case'].pk}-{context['case'].title}.pdf"


case_pdf = CasePdfView.as_view()
