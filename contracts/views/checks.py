"""Annual provider check pages.

- Council commissioners: the checks of the purchasing systems their authority leads or belongs to. A
  member authority reads each check's status and dates; the lead authority's lead commissioners also
  read the evidence, download its documents, and verify or fail the check. The list downloads as CSV.
- Provider users: their own checks, and the evidence form.

Reads go through `contracts.selectors.checks`, so a check out of reach answers 404 like a missing one.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.audit import audit_record
from core.documents import document_response
from core.exports import csv_response
from core.forms import add_service_errors, posted_data, render_form
from core.models import AuditAction
from core.permissions import requires
from procurement.models import Judgement

from ..forms.checks import CheckFilterForm, EvidenceForm, FailForm, VerifyForm
from ..models import ProviderCheckStatus
from ..selectors import checks as selectors
from ..services import checks as services

VIEW = "contracts.checks_view"
MANAGE = "contracts.checks_manage"
OWN = "contracts.checks_own"
EVIDENCE = "contracts.checks_evidence"
PER_PAGE = 25
LIST_ORDER = ("-year", "system__name", "provider__name", "pk")

S = ProviderCheckStatus
JUDGEMENTS = dict(Judgement.choices)


def _statements(check) -> dict:
    """What the evidence summary shows: the check's documents and its judgement's label."""
    return {
        "evidence": selectors.check_evidence(check),
        "judgement_label": JUDGEMENTS.get(check.ofsted_judgement, "Not stated"),
    }


def _filtered(request, checks):
    form = CheckFilterForm(request.GET or None, years=selectors.check_years(checks))
    query = {}
    if form.is_bound and form.is_valid():
        if form.cleaned_data.get("year"):
            checks = checks.filter(year=form.cleaned_data["year"])
            query["year"] = form.cleaned_data["year"]
        if form.cleaned_data.get("status"):
            checks = checks.filter(status=form.cleaned_data["status"])
            query["status"] = form.cleaned_data["status"]
    return form, checks, query


@require_GET
@requires(VIEW)
def check_list(request):
    """The checks of every system the person's council leads or belongs to, with counts per status."""
    all_checks = selectors.checks_for_user(request.user)
    form, checks, query = _filtered(request, all_checks)
    # Counts per status for the year chosen (every year when none is), whatever the status filter.
    counts = selectors.status_counts(all_checks.filter(year=query["year"]) if "year" in query else all_checks)
    page = Paginator(checks.order_by(*LIST_ORDER), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "contracts/checks/check_list.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "query_string": urlencode(query),
            "filtered": bool(query),
            "any_checks": all_checks.exists(),
        },
    )


CHECK_LIST_HEADERS = ["Provider", "Purchasing system", "Year", "Evidence due", "Status"]


@require_GET
@requires(VIEW)
def check_list_export(request):
    """The list as CSV, with the list's filters and scope: every row, not one page."""
    _form, checks, query = _filtered(request, selectors.checks_for_user(request.user))
    rows = (
        [
            check.provider.name,
            check.system.name,
            check.year,
            check.evidence_due_on,
            check.get_status_display(),
        ]
        for check in checks.order_by(*LIST_ORDER).iterator(chunk_size=500)
    )
    response = csv_response(
        filename=f"{request.user.organisation.name} annual checks.csv", headers=CHECK_LIST_HEADERS, rows=rows
    )
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        detail={"what": "annual checks list", "format": "csv", "filters": query},
    )
    return response


@require_GET
@requires(VIEW)
def check_detail(request, pk):
    check = selectors.get_check_for_user_or_404(request.user, pk)
    is_lead = selectors.user_leads_check(request.user, check)
    context = {"check": check, "is_lead": is_lead}
    if is_lead:
        context.update(
            **_statements(check),
            warnings=services.check_warnings(check) if check.status == S.SUBMITTED else [],
            can_decide=check.status == S.SUBMITTED,
            suspended=list(selectors.suspended_places(check)),
        )
    return render(request, "contracts/checks/check_detail.html", context)


def _decide(request, pk, *, form_class, template: str, decide, done: str):
    check = selectors.get_led_check_or_404(request.user, pk)
    if check.status != S.SUBMITTED:
        messages.error(
            request, f"This check is {check.get_status_display().lower()}: there is nothing to decide."
        )
        return redirect("contracts:check_detail", check.pk)
    form = form_class(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            check = decide(check, form.cleaned_data)
        except services.InvalidTransition as error:
            messages.error(request, str(error))
            return redirect("contracts:check_detail", check.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done.format(provider=check.provider, year=check.year))
            return redirect("contracts:check_detail", check.pk)
    return render_form(
        request,
        template,
        form,
        {
            "check": check,
            "warnings": services.check_warnings(check),
            **_statements(check),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def check_verify(request, pk):
    return _decide(
        request,
        pk,
        form_class=VerifyForm,
        template="contracts/checks/check_verify.html",
        decide=lambda check, data: services.provider_check_verify(
            check=check, actor=request.user, notes=data["notes"]
        ),
        done="The {year} check of {provider} is verified. The provider has been told.",
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def check_fail(request, pk):
    return _decide(
        request,
        pk,
        form_class=FailForm,
        template="contracts/checks/check_fail.html",
        decide=lambda check, data: services.provider_check_fail(
            check=check, actor=request.user, reason=data["reason"]
        ),
        done="The {year} check of {provider} has failed. Its active places on the system are suspended "
        "and every member authority has been told.",
    )


@require_GET
@requires(EVIDENCE)
def evidence_download(request, pk):
    evidence = selectors.get_evidence_for_user_or_404(request.user, pk)
    if evidence.document.removed_at is not None:
        raise Http404
    return document_response(document=evidence.document, user=request.user)


# The provider's own checks ------------------------------------------------------------------------------


@require_GET
@requires(OWN)
def my_check_list(request):
    checks = selectors.own_checks_for_user(request.user).order_by("-year", "system__name", "pk")
    page = Paginator(checks, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "contracts/checks/my_check_list.html", {"page": page, "query_string": ""})


@require_GET
@requires(OWN)
def my_check_detail(request, pk):
    check = selectors.get_own_check_or_404(request.user, pk)
    return render(
        request,
        "contracts/checks/my_check_detail.html",
        {
            "check": check,
            **_statements(check),
            "can_submit": S.SUBMITTED in services.CHECK_TRANSITIONS[check.status],
        },
    )


@require_http_methods(["GET", "POST"])
@requires(OWN)
def my_check_submit(request, pk):
    check = selectors.get_own_check_or_404(request.user, pk)
    if S.SUBMITTED not in services.CHECK_TRANSITIONS[check.status]:
        messages.error(
            request, f"This check is {check.get_status_display().lower()}: evidence cannot be sent."
        )
        return redirect("contracts:my_check_detail", check.pk)
    form = EvidenceForm(posted_data(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        files = {key: data[key] for key in services.FILE_FIELDS.values()}
        try:
            check = services.provider_check_submit(check=check, actor=request.user, values=data, files=files)
        except services.InvalidTransition as error:
            messages.error(request, str(error))
            return redirect("contracts:my_check_detail", check.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Your evidence for the {check.year} check has been sent to {check.system.lead_authority}.",
            )
            return redirect("contracts:my_check_detail", check.pk)
    return render_form(request, "contracts/checks/evidence_form.html", form, {"check": check})
