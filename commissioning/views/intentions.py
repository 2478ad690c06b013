"""Commissioning intention pages: list, create (by hand or from a gap), detail and edit.

Thin views: reads through `commissioning.selectors`, writes through `commissioning.services.intentions`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_service_errors
from core.permissions import requires
from needs.analysis.projections import band_label, need_label
from needs.models import ProjectionRun

from ..forms.intentions import IntentionFilterForm, IntentionForm
from ..models import IntentionStatus, Priority
from ..selectors import get_intention_for_user_or_404, intentions_for_user
from ..services import intentions as services

PAGE_SIZE = 25


def _render_form(request, template: str, context: dict):
    return render(request, template, context, status=400 if context["form"].errors else 200)


def _values(form) -> dict:
    data = form.cleaned_data
    return {field: data[field] for field in (*services.INTENTION_FIELDS, "owner")}


def gap_url(reference: str) -> str | None:
    codes = services.parse_gap_reference(reference)
    return reverse("needs:gap_detail", args=list(codes)) if codes else None


def describe(intention) -> None:
    intention.age_band_label = band_label(intention.age_band) if intention.age_band else "All ages"
    intention.need_label = need_label(intention.primary_need) if intention.primary_need else "Any need"


@require_GET
@requires("commissioning.view")
def intention_list(request):
    filters = IntentionFilterForm(request.GET or None)
    rows = intentions_for_user(request.user).select_related("owner")
    chosen = {"status": "", "priority": ""}
    if filters.is_valid():
        chosen = {key: filters.cleaned_data[key] for key in chosen}
        if chosen["status"]:
            rows = rows.filter(status=chosen["status"])
        if chosen["priority"]:
            rows = rows.filter(priority=chosen["priority"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for intention in page.object_list:
        describe(intention)
    return render(
        request,
        "commissioning/intentions/intention_list.html",
        {
            "page": page,
            "statuses": IntentionStatus.choices,
            "priorities": Priority.choices,
            "chosen": chosen,
            "filtered": any(chosen.values()),
            "query_string": urlencode({key: value for key, value in chosen.items() if value}),
            "can_manage": request.user.has_perm("commissioning.manage_intentions"),
        },
    )


def _gap_initial(request) -> tuple[str, dict, dict]:
    """From `?gap=<age_band>/<need>` (and optionally `run=`): the reference, the form's initial values and
    the gap's figures now; ("", {}, {}) without one."""
    reference = request.GET.get("gap", "")
    if not reference or services.parse_gap_reference(reference) is None:
        return "", {}, {}
    projection = None
    run_id = request.GET.get("run", "")
    if run_id.isdigit():
        projection = ProjectionRun.objects.filter(
            pk=int(run_id), organisation_id=request.user.organisation_id
        ).first()
    evidence = services.gap_evidence(actor=request.user, gap_reference=reference, projection=projection)
    age_band, need = services.parse_gap_reference(reference)
    need_code = "" if need == "all" else need
    band = band_label(age_band)
    title = f"Places for {need_label(need_code).lower() if need_code else 'all needs'}, {band.lower()}"
    initial = {
        "title": title[:200],
        "primary_need": need_code,
        "age_band": age_band,
        "service_area": "Specialist education places",
        "priority": "high" if evidence.get("gap") and evidence["gap"] > 0 else "",
        "owner": request.user.pk,
    }
    if evidence:
        initial["summary"] = (
            f"The gap analysis projects demand of {evidence['projected_demand']} against "
            f"{evidence['capacity']} places commissioned ({evidence['status'].lower()}: {evidence['gap']:+})."
        )
    return reference, initial, evidence


@require_http_methods(["GET", "POST"])
@requires("commissioning.manage_intentions")
def intention_create(request):
    reference, initial, evidence = _gap_initial(request)
    projection = None
    if evidence:
        projection = ProjectionRun.objects.get(pk=evidence["projection_run_id"])
    form = IntentionForm(
        request.POST if request.method == "POST" else None,
        initial=initial or {"owner": request.user.pk},
        organisation_id=request.user.organisation_id,
        submit_label="Save intention",
    )
    if request.method == "POST" and form.is_valid():
        try:
            intention = services.intention_create(
                actor=request.user, gap_reference=reference, projection=projection, **_values(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Intention ‘{intention.title}’ saved")
            return redirect("commissioning:intention_detail", pk=intention.pk)
    return _render_form(
        request,
        "commissioning/intentions/intention_form.html",
        {"form": form, "evidence": evidence, "gap_reference": reference, "gap_url": gap_url(reference)},
    )


@require_GET
@requires("commissioning.view")
def intention_detail(request, pk):
    intention = get_intention_for_user_or_404(request.user, pk)
    describe(intention)
    return render(
        request,
        "commissioning/intentions/intention_detail.html",
        {
            "intention": intention,
            "gap_url": gap_url(intention.gap_reference),
            "cases": intention.business_cases.select_related("author").order_by("-updated_at"),
            "specifications": intention.specifications.order_by("title"),
            "can_manage": request.user.has_perm("commissioning.manage_intentions"),
            "can_author_case": request.user.has_perm("commissioning.author_business_case"),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("commissioning.manage_intentions")
def intention_edit(request, pk):
    intention = get_intention_for_user_or_404(request.user, pk)
    initial = {field: getattr(intention, field) for field in services.INTENTION_FIELDS}
    initial["owner"] = intention.owner_id
    initial["status"] = intention.status
    form = IntentionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organisation_id=request.user.organisation_id,
        with_status=True,
        submit_label="Save changes",
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.intention_update(intention=intention, actor=request.user, **_values(form))
                services.intention_set_status(
                    intention=intention, actor=request.user, status=form.cleaned_data["status"]
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Intention updated")
            return redirect("commissioning:intention_detail", pk=intention.pk)
    return _render_form(
        request,
        "commissioning/intentions/intention_form.html",
        {
            "form": form,
            "intention": intention,
            "evidence": intention.evidence,
            "gap_url": gap_url(intention.gap_reference),
        },
    )
