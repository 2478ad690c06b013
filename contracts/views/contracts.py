"""Contract pages: the list and its CSV and Excel downloads, creating a contract (from an award, an FPS
admission or a spot purchase), a contract's page, its KPIs and capacity, its risk rating and the review
decision at its notice point.

A council's commissioners reach their authority's contracts and manage them; a provider's users read
the contracts naming their provider. Reads go through `contracts.selectors`, so what a person may not
reach answers 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_record
from core.exports import csv_response, xlsx_response
from core.forms import posted_data, refusals_on, render_form
from core.models import AuditAction
from core.permissions import requires
from needs.vocabulary import AGE_BAND_BY_CODE

from ..forms.contracts import (
    AwardContractForm,
    CapacityForm,
    ContractDetailsForm,
    ContractFilterForm,
    KpiForm,
    MembershipContractForm,
    ReviewDecisionForm,
    RiskForm,
    RouteForm,
    SpotContractForm,
)
from ..models import ContractOrigin, ContractStatus, DecommissioningStatus, Kpi
from ..selectors import management as selectors
from ..selectors.contracts import get_managed_contract_or_404
from ..selectors.decommissioning import decommissionings_for_user
from ..services import contracts as services
from ..services.contracts import InvalidTransition

VIEW = "contracts.contract_view"
MANAGE = "contracts.contract_manage"
PER_PAGE = 25


# The list ------------------------------------------------------------------------------------------------


def _list_filters(request, is_council: bool) -> tuple[ContractFilterForm, selectors.ContractFilters, dict]:
    """The list's filter form, the filters it asks for (none while it is invalid) and their query."""
    form = ContractFilterForm(
        request.GET or None, providers=selectors.providers_in_scope(request.user), is_council=is_council
    )
    if not form.is_bound or not form.is_valid():
        return form, selectors.ContractFilters(), {}
    data = form.cleaned_data
    filters = selectors.ContractFilters(
        status=data.get("status") or "",
        provider=data.get("provider"),
        risk=data.get("risk") or "",
        origin=data.get("origin") or "",
    )
    query = {
        key: (value.pk if hasattr(value, "pk") else value)
        for key, value in data.items()
        if value not in (None, "")
    }
    return form, filters, query


@require_GET
@requires(VIEW)
def contract_list(request):
    is_council = request.user.has_perm(MANAGE)
    form, filters, query = _list_filters(request, is_council)
    page = Paginator(selectors.contract_list(request.user, filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "contracts/contracts/list.html",
        {
            "form": form,
            "page": page,
            "query_string": urlencode(query),
            "filtered": bool(query),
            "can_create": is_council,
            "is_council": is_council,
        },
        status=400 if form.errors else 200,
    )


def _source(contract) -> tuple[str, str]:
    """Where the contract came from: the tender or purchasing system, and its lot (blank for a spot)."""
    if contract.award_id:
        tender, lot = contract.award.tender, contract.award.lot
        return f"{tender.reference}: {tender.title}", f"Lot {lot.number}: {lot.title}"
    if contract.membership_id:
        lot = contract.membership.lot
        return lot.system.name, f"{lot.code}: {lot.title}"
    return "", ""


def _export_row(contract, is_council: bool) -> list:
    source, lot = _source(contract)
    row = [
        contract.reference,
        contract.title,
        contract.provider.name if is_council else contract.organisation.name,
        contract.get_status_display(),
        contract.get_origin_display(),
        source,
        lot,
        contract.starts_on,
        contract.ends_on,
        contract.value,
    ]
    # The risk rating is the council's own view of the contract: the list shows it to the council only.
    return [*row, contract.get_risk_rating_display()] if is_council else row


@require_GET
@requires(VIEW)
def contract_list_export(request, fmt):
    """The list as CSV or Excel, with the list's filters and scope: every row, not one page."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    is_council = request.user.has_perm(MANAGE)
    _form, filters, query = _list_filters(request, is_council)
    headers = [
        "Reference",
        "Title",
        "Provider" if is_council else "Council",
        "Status",
        "Origin",
        "Tender or purchasing system",
        "Lot",
        "Start date",
        "End date",
        "Total value (£)",
        *(["Risk rating"] if is_council else []),
    ]
    rows = (
        _export_row(contract, is_council)
        for contract in selectors.contract_list_for_export(request.user, filters).iterator(chunk_size=500)
    )
    filename = f"{request.user.organisation.name} contracts.{fmt}"
    if fmt == "csv":
        response = csv_response(filename=filename, headers=headers, rows=rows)
    else:
        response = xlsx_response(filename=filename, headers=headers, rows=rows, sheet_title="Contracts")
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        detail={"what": "contracts list", "format": fmt, "filters": query},
    )
    return response


# Creating a contract -------------------------------------------------------------------------------------

ROUTES = {
    ContractOrigin.AWARD: "contracts:contract_create_award",
    ContractOrigin.FPS_ADMISSION: "contracts:contract_create_fps",
    ContractOrigin.SPOT: "contracts:contract_create_spot",
}


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def contract_create(request):
    form = RouteForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        return redirect(ROUTES[form.cleaned_data["route"]])
    return render_form(request, "contracts/contracts/create_route.html", form)


def _create_view(request, form_class, service, title: str, intro: str, source: str | None):
    kwargs = {} if form_class is SpotContractForm else {"organisation": request.user.organisation}
    form = form_class(posted_data(request), **kwargs)
    if request.method == "POST" and form.is_valid():
        values = form.terms()
        if source:
            values[source] = form.cleaned_data[source]
        if form_class is SpotContractForm:
            values["provider"] = form.cleaned_data["provider"]
            values["spot_justification"] = form.cleaned_data["spot_justification"]
        with refusals_on(form):
            contract = service(actor=request.user, **values)
            messages.success(
                request, f"Contract {contract.reference} has been created. Add its KPIs and capacity."
            )
            return redirect("contracts:contract_detail", contract.pk)
    choices_empty = source is not None and not form.fields[source].queryset.exists()
    return render_form(
        request,
        "contracts/contracts/create_form.html",
        form,
        {"title": title, "intro": intro, "choices_empty": choices_empty},
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def contract_create_award(request):
    return _create_view(
        request,
        AwardContractForm,
        services.contract_create_from_award,
        "Create a contract from an award",
        "The provider, value and title come from the award.",
        "award",
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def contract_create_fps(request):
    return _create_view(
        request,
        MembershipContractForm,
        services.contract_create_from_membership,
        "Create a contract from an FPS admission",
        "The provider's overarching contract: the title comes from the purchasing system.",
        "membership",
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def contract_create_spot(request):
    return _create_view(
        request,
        SpotContractForm,
        services.contract_create_spot,
        "Create a spot purchase contract",
        "A contract made without a tender or purchasing system. Say why.",
        None,
    )


# A contract's page ---------------------------------------------------------------------------------------


@require_GET
@requires(VIEW)
def contract_detail(request, pk):
    context = selectors.contract_page(request.user, pk)
    contract = context["contract"]
    is_council = request.user.organisation_id == contract.organisation_id
    is_provider = request.user.organisation_id == contract.provider_id
    live = contract.status != ContractStatus.ENDED
    today = timezone.localdate()
    context.update(
        is_council=is_council,
        is_provider=is_provider,
        can_manage=is_council and live,
        can_submit_return=is_provider and live and bool(context["kpi_rows"]),
        can_decide=is_council and contract.status == ContractStatus.LIVE and not contract.review_decision,
        review_due=services.review_decision_due(contract, today),
        notice_point_passed=today >= contract.notice_point,
        age_bands={code: band.label for code, band in AGE_BAND_BY_CODE.items()},
        today=today,
        # The decommissioning this person may see (a provider sees it once notice is served).
        decommissioning=decommissionings_for_user(request.user).filter(contract_id=contract.pk).first(),
        can_view_evidence=request.user.has_perm("dashboard.view_evidence"),
    )
    context["can_decommission"] = (
        is_council
        and contract.status == ContractStatus.LIVE
        and (
            context["decommissioning"] is None
            or context["decommissioning"].status == DecommissioningStatus.CANCELLED
        )
    )
    return render(request, "contracts/contracts/detail.html", context)


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def contract_edit(request, pk):
    contract = get_managed_contract_or_404(request.user, pk)
    fields = ("title", "description", "extension_options", "notice_period_months")
    form = ContractDetailsForm(
        posted_data(request), initial={field: getattr(contract, field) for field in fields}
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.contract_update(actor=request.user, contract=contract, **form.cleaned_data)
            messages.success(request, "The contract's details have been saved.")
            return redirect("contracts:contract_detail", contract.pk)
    return render_form(
        request,
        "contracts/contracts/contract_form.html",
        form,
        {"contract": contract, "title": "Change the contract's details"},
    )


# KPIs ----------------------------------------------------------------------------------------------------


def _kpi_values(form) -> dict:
    return {key: form.cleaned_data[key] for key in ("title", "unit", "target", "direction", "frequency")}


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def kpi_add(request, pk):
    contract = get_managed_contract_or_404(request.user, pk)
    form = KpiForm(posted_data(request), submit_label="Add KPI")
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            kpi = services.kpi_add(actor=request.user, contract=contract, **_kpi_values(form))
            messages.success(request, f"KPI “{kpi.title}” has been added.")
            return redirect("contracts:contract_detail", contract.pk)
    return render_form(
        request, "contracts/contracts/contract_form.html", form, {"contract": contract, "title": "Add a KPI"}
    )


def _managed_kpi(request, pk, kpi_pk) -> Kpi:
    contract = get_managed_contract_or_404(request.user, pk)
    return get_object_or_404(contract.kpis.select_related("contract"), pk=kpi_pk)


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def kpi_edit(request, pk, kpi_pk):
    kpi = _managed_kpi(request, pk, kpi_pk)
    initial = {key: getattr(kpi, key) for key in ("title", "unit", "target", "direction", "frequency")}
    form = KpiForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.kpi_update(actor=request.user, kpi=kpi, **_kpi_values(form))
            messages.success(request, f"KPI “{kpi.title}” has been saved.")
            return redirect("contracts:contract_detail", kpi.contract_id)
    return render_form(
        request,
        "contracts/contracts/contract_form.html",
        form,
        {"contract": kpi.contract, "title": "Change a KPI"},
    )


@require_POST
@requires(MANAGE)
def kpi_remove(request, pk, kpi_pk):
    kpi = _managed_kpi(request, pk, kpi_pk)
    try:
        services.kpi_remove(actor=request.user, kpi=kpi)
    except InvalidTransition as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"KPI “{kpi.title}” has been removed.")
    return redirect("contracts:contract_detail", kpi.contract_id)


# Capacity ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def capacity_add(request, pk):
    contract = get_managed_contract_or_404(request.user, pk)
    form = CapacityForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            row = services.capacity_add(actor=request.user, contract=contract, **form.cleaned_data)
            messages.success(request, f"{row.places} place{'s' if row.places != 1 else ''} added.")
            return redirect("contracts:contract_detail", contract.pk)
    return render_form(
        request,
        "contracts/contracts/contract_form.html",
        form,
        {"contract": contract, "title": "Add places the contract buys"},
    )


@require_POST
@requires(MANAGE)
def capacity_remove(request, pk, row_pk):
    contract = get_managed_contract_or_404(request.user, pk)
    row = get_object_or_404(contract.capacity.select_related("contract"), pk=row_pk)
    try:
        services.capacity_remove(actor=request.user, row=row)
    except InvalidTransition as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The places have been removed.")
    return redirect("contracts:contract_detail", contract.pk)


# Risk and the review decision ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def risk_assess(request, pk):
    contract = get_managed_contract_or_404(request.user, pk)
    form = RiskForm(posted_data(request), initial={"rating": contract.risk_rating})
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.risk_assess(actor=request.user, contract=contract, **form.cleaned_data)
            messages.success(request, f"The risk rating is now {contract.get_risk_rating_display().lower()}.")
            return redirect("contracts:contract_detail", contract.pk)
    return render_form(
        request,
        "contracts/contracts/contract_form.html",
        form,
        {"contract": contract, "title": "Rate the contract's risk"},
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def review_decide(request, pk):
    contract = get_managed_contract_or_404(request.user, pk)
    form = ReviewDecisionForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            contract = services.review_decide(actor=request.user, contract=contract, **form.cleaned_data)
            decision = form.cleaned_data["decision"]
            if decision == "extend":
                text = f"The contract has been extended to {contract.ends_on:%-d %B %Y}."
            else:
                text = f"The decision to {contract.get_review_decision_display().lower()} has been recorded."
            messages.success(request, text)
            return redirect("contracts:contract_detail", contract.pk)
    return render_form(
        request,
        "contracts/contracts/review_form.html",
        form,
        {"contract": contract, "title": "Record the review decision"},
    )
