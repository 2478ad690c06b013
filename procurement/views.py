"""Compliance pack pages: a provider user reads their own organisation's pack; a council commissioner
reads the list of packs and any one pack. Reads go through `procurement.selectors`, so another
provider's pack answers 404 exactly like a missing one."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.permissions import requires

from .selectors import (
    expiry_flags_by_profile,
    get_profile_for_user_or_404,
    pack_completeness,
    pack_expiry_flags,
    profiles_for_user,
)
from .services import provider_profile_get_or_create

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
    return render(request, "procurement/pack.html", _pack_context(profile))


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
