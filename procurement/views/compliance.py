"""Compliance pack pages: a provider user reads their own organisation's pack; a council commissioner
reads the list of packs and any one pack. Reads go through `procurement.selectors`, so another
provider's pack answers 404 exactly like a missing one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.documents import document_store
from core.forms import add_service_errors
from core.permissions import requires
from core.uploads import UploadRejected

from ..forms.compliance import CERTIFICATE_TYPES, InsuranceForm
from ..selectors.compliance import (
    expiry_flags_by_profile,
    get_profile_for_user_or_404,
    pack_completeness,
    pack_expiry_flags,
    profiles_for_user,
)
from ..services.compliance import insurance_add, provider_profile_get_or_create

EDIT_OWN = "procurement.edit_own_pack"
VIEW_PACKS = "procurement.view_packs"


def _pack_context(profile) -> dict:
    return {
        "profile": profile,
        "organisation": profile.organisation,
        "flags": pack_expiry_flags(profile),
        "completeness": pack_completeness(profile),
        "settings": profile.settings.filter(removed_at__isnull=True),
        "insurances": profile.insurances.filter(removed_at__isnull=True),
        "policies": profile.policies.filter(removed_at__isnull=True),
        "financial_check": profile.financial_checks.order_by("-checked_on", "-id").first(),
    }


@require_GET
@requires(EDIT_OWN)
def own_pack(request):
    profile = provider_profile_get_or_create(organisation=request.user.organisation)
    return render(request, "procurement/pack.html", {**_pack_context(profile), "can_edit": True})


@require_GET
@requires(VIEW_PACKS)
def pack_list(request):
    page = Paginator(profiles_for_user(request.user), 25).get_page(request.GET.get("page"))
    flags = expiry_flags_by_profile(profile.pk for profile in page.object_list)
    rows = [{"profile": profile, "flags": flags[profile.pk]} for profile in page.object_list]
    return render(request, "procurement/pack_list.html", {"page": page, "rows": rows})


@require_GET
@requires(VIEW_PACKS)
def pack_detail(request, pk):
    profile = get_profile_for_user_or_404(request.user, pk)
    return render(request, "procurement/pack.html", _pack_context(profile))


@require_http_methods(["GET", "POST"])
@requires(EDIT_OWN)
def insurance_add_view(request):
    """A provider adds an insurance with its certificate; the certificate and the insurance are stored
    together or not at all."""
    profile = provider_profile_get_or_create(organisation=request.user.organisation)
    form = InsuranceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                certificate = document_store(
                    organisation=request.user.organisation,
                    uploaded_by=request.user,
                    uploaded_file=data["certificate"],
                    title=f"{dict(form.fields['kind'].choices)[data['kind']]} insurance certificate",
                    allowed=CERTIFICATE_TYPES,
                )
                insurance = insurance_add(
                    actor=request.user,
                    profile=profile,
                    kind=data["kind"],
                    insurer=data["insurer"],
                    cover_pounds=data["cover_pounds"],
                    expires_on=data["expires_on"],
                    certificate=certificate,
                )
        except UploadRejected as rejected:
            form.add_error("certificate", rejected.message)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{insurance} has been added to your compliance pack.")
            return redirect("procurement:own_pack")
    status = 400 if form.errors else 200
    return render(
        request, "procurement/insurance_form.html", {"form": form, "profile": profile}, status=status
    )
