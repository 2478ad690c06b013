"""Service specification pages: list, create, detail, edit, status change, any version, compare, PDF.

Thin views: reads go through `commissioning.selectors`, writes through
`commissioning.services.specifications`. Each view declares its permission; what the person may do now is
decided here, not in templates.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.audit import audit_record
from core.forms import ConfirmForm, add_service_errors
from core.models import AuditAction
from core.pdf import PdfView
from core.permissions import requires

from ..diff import specification_diff
from ..forms.specifications import SpecificationForm
from ..models import SpecificationStatus, SpecificationVersion
from ..selectors import get_specification_for_user_or_404, specification_sections, specifications_for_user
from ..services import specifications as services

PAGE_SIZE = 25
# Status changes a commissioner can make from these pages; the consultation stage starts its own.
PAGE_TRANSITIONS = {"approve": "Approve version {number}"}


def _can_manage(user) -> bool:
    return user.has_perm(services.MANAGE)


def _render_form(request, template: str, context: dict):
    return render(request, template, context, status=400 if context["form"].errors else 200)


def _version_or_404(specification, number) -> SpecificationVersion:
    return get_object_or_404(
        SpecificationVersion.objects.select_related("created_by"), specification=specification, number=number
    )


@require_GET
@requires("commissioning.view")
def spec_list(request):
    specifications = specifications_for_user(request.user)
    status = request.GET.get("status", "")
    if status in SpecificationStatus.values:
        specifications = specifications.filter(status=status)
    else:
        status = ""
    page = Paginator(specifications.order_by("title", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "commissioning/specifications/list.html",
        {
            "page": page,
            "statuses": SpecificationStatus.choices,
            "status": status,
            "query_string": urlencode({"status": status}) if status else "",
            "can_manage": _can_manage(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@requires("commissioning.manage_specifications")
def spec_create(request):
    form = SpecificationForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        creating=True,
        submit_label="Create specification",
    )
    if request.method == "POST" and form.is_valid():
        try:
            specification = services.specification_create(
                actor=request.user,
                title=form.cleaned_data["title"],
                intention=form.cleaned_data["intention"],
                business_case=form.cleaned_data["business_case"],
                sections=form.sections_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The specification has been created as a draft (version 1).")
            return redirect("commissioning:spec_detail", pk=specification.pk)
    return _render_form(
        request, "commissioning/specifications/form.html", {"form": form, "specification": None}
    )


@require_GET
@requires("commissioning.view")
def spec_detail(request, pk):
    specification = get_specification_for_user_or_404(request.user, pk)
    versions = list(specification.versions.select_related("created_by").order_by("-number"))
    latest = versions[0] if versions else None
    can_manage = _can_manage(request.user)
    allowed = {t.name for t in services.allowed_transitions(specification)}
    actions = [
        {"name": name, "label": label.format(number=latest.number)}
        for name, label in PAGE_TRANSITIONS.items()
        if can_manage and latest is not None and name in allowed
    ]
    return render(
        request,
        "commissioning/specifications/detail.html",
        {
            "specification": specification,
            "latest": latest,
            "versions": versions,
            "sections": specification_sections(latest) if latest else [],
            "can_edit": can_manage,
            "edit_makes_new_version": bool(latest and latest.is_locked),
            "actions": actions,
            "can_compare": len(versions) > 1,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("commissioning.manage_specifications")
def spec_edit(request, pk):
    specification = get_specification_for_user_or_404(request.user, pk)
    latest = services.latest_version(specification)
    if latest is None:
        raise Http404
    new_version = latest.is_locked
    form = SpecificationForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        sections=latest.sections,
        new_version=new_version,
        draft_summary=latest.change_summary if not new_version and latest.number > 1 else None,
        submit_label=f"Create version {latest.number + 1}" if new_version else "Save changes",
    )
    if request.method == "POST" and form.is_valid():
        try:
            written = services.specification_edit(
                actor=request.user,
                specification=specification,
                sections=form.sections_data(),
                change_summary=form.cleaned_data.get("change_summary", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if written.number != latest.number:
                messages.success(request, f"Version {written.number} has been created.")
            else:
                messages.success(request, f"Version {written.number} has been updated.")
            return redirect("commissioning:spec_detail", pk=specification.pk)
    return _render_form(
        request,
        "commissioning/specifications/form.html",
        {"form": form, "specification": specification, "latest": latest, "new_version": new_version},
    )


@require_http_methods(["GET", "POST"])
@requires("commissioning.manage_specifications")
def spec_status(request, pk):
    specification = get_specification_for_user_or_404(request.user, pk)
    latest = services.latest_version(specification)
    if request.method == "POST":
        # The step must be named: a POST that names none changes nothing (it once approved by default).
        name = request.POST.get("action")
        if name is None:
            raise BadRequest("No action was given")
    else:
        name = request.GET.get("action") or next(iter(PAGE_TRANSITIONS))
    if name not in PAGE_TRANSITIONS or latest is None:
        raise Http404
    label = PAGE_TRANSITIONS[name].format(number=latest.number)
    allowed = name in {t.name for t in services.allowed_transitions(specification)}
    form = ConfirmForm(request.POST if request.method == "POST" else None, submit_label=label)
    if request.method == "POST" and allowed and form.is_valid():
        try:
            services.specification_transition(actor=request.user, specification=specification, name=name)
        except services.InvalidTransition as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"Version {latest.number} has been approved and locked.")
        return redirect("commissioning:spec_detail", pk=specification.pk)
    return render(
        request,
        "commissioning/specifications/status.html",
        {
            "specification": specification,
            "latest": latest,
            "form": form,
            "action": name,
            "label": label,
            "allowed": allowed,
        },
        status=200 if allowed else 409,
    )


@require_GET
@requires("commissioning.view")
def spec_version(request, pk, number):
    specification = get_specification_for_user_or_404(request.user, pk)
    version = _version_or_404(specification, number)
    latest = services.latest_version(specification)
    return render(
        request,
        "commissioning/specifications/version.html",
        {
            "specification": specification,
            "version": version,
            "is_latest": latest is not None and latest.pk == version.pk,
            "sections": specification_sections(version),
        },
    )


class SpecificationPdfView(PdfView):
    required_permission = "commissioning.view"
    template_name = "pdf/specification.html"

    def get_context_data(self, **kwargs) -> dict:
        specification = get_specification_for_user_or_404(self.request.user, kwargs["pk"])
        version = _version_or_404(specification, kwargs["number"])
        audit_record(
            action=AuditAction.DOWNLOAD,
            actor=self.request.user,
            target=specification,
            detail={"version": version.number, "format": "pdf"},
        )
        return {
            "specification": specification,
            "version": version,
            "organisation": specification.organisation,
            "sections": specification_sections(version),
        }

    def get_filename(self, context: dict) -> str:
        return f"{context['specification'].title} version {context['version'].number}.pdf"


spec_pdf = SpecificationPdfView.as_view()


def _number(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


@require_GET
@requires("commissioning.view")
def spec_diff(request, pk):
    specification = get_specification_for_user_or_404(request.user, pk)
    numbers = list(specification.versions.order_by("number").values_list("number", flat=True))
    first, second = _number(request.GET.get("from")), _number(request.GET.get("to"))
    if first is None and second is None:
        if len(numbers) < 2:
            return render(
                request,
                "commissioning/specifications/compare.html",
                {"specification": specification, "numbers": numbers, "diff": None},
            )
        first, second = numbers[-2], numbers[-1]
    elif first is None or second is None:
        raise Http404
    if first not in numbers or second not in numbers:
        raise Http404
    old, new = _version_or_404(specification, first), _version_or_404(specification, second)
    diff = specification_diff(old, new)
    return render(
        request,
        "commissioning/specifications/compare.html",
        {
            "specification": specification,
            "numbers": numbers,
            "old": old,
            "new": new,
            "diff": diff,
            "changed_count": sum(1 for d in diff if d.state != "unchanged"),
        },
    )
