"""Open contracting data: a page saying what the OCDS file holds, and the file itself.

A council's staff download their own authority's tenders; everyone else may download every authority's,
or one authority's with `?organisation=<slug>`. A package is served only once it validates against the
OCDS schema, and each download is recorded in the audit log as an export.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Organisation, OrganisationKind
from core.audit import audit_record
from core.models import AuditAction
from core.permissions import requires

from ..models import Tender, TenderStatus
from ..ocds.build import build_release_package
from ..ocds.validation import validate_release_package

logger = logging.getLogger(__name__)

DOWNLOAD = "procurement.download_open_data"
PLACEHOLDER_PREFIX = "ocds-0000000"


def _authority_for(request) -> Organisation | None:
    """The authority whose data this person downloads: their own for council staff; for anyone else the
    one named by `?organisation=` (404 when it is not an authority), or None for every authority."""
    organisation = request.user.organisation
    if organisation.is_local_authority:
        return organisation
    slug = request.GET.get("organisation")
    if not slug:
        return None
    return get_object_or_404(Organisation, slug=slug, kind=OrganisationKind.LOCAL_AUTHORITY)


# The stages the file shows, in order: an award recommended but not yet announced is still "in evaluation".
PUBLIC_STAGES = [
    ("Open for bids", {TenderStatus.PUBLISHED}),
    ("Closed for bids", {TenderStatus.CLOSED}),
    ("Bids opened, in evaluation", {TenderStatus.EVALUATION, TenderStatus.AWARD_RECOMMENDED}),
    ("Award announced, in standstill", {TenderStatus.STANDSTILL}),
    ("Awarded", {TenderStatus.AWARDED}),
    ("Cancelled", {TenderStatus.CANCELLED}),
]


def _stage_counts(authority) -> list[dict]:
    """How many published tenders the file holds, by public stage (drafts are never in it)."""
    tenders = Tender.objects.visible_to_bidders()
    if authority is not None:
        tenders = tenders.filter(organisation=authority)
    counts = dict(tenders.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    rows = [
        {"label": label, "count": sum(counts.get(status, 0) for status in statuses)}
        for label, statuses in PUBLIC_STAGES
    ]
    return [row for row in rows if row["count"]]


@require_GET
@requires(DOWNLOAD)
def open_data(request):
    authority = _authority_for(request)
    rows = _stage_counts(authority)
    context = {
        "authority": authority,
        "rows": rows,
        "total": sum(row["count"] for row in rows),
        "placeholder_prefix": settings.OCDS_OCID_PREFIX == PLACEHOLDER_PREFIX,
        "ocid_prefix": settings.OCDS_OCID_PREFIX,
        "licence_url": settings.OCDS_LICENSE,
        # Anyone outside a council may choose one authority's file.
        "authorities": []
        if request.user.organisation.is_local_authority
        else Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY).order_by("name"),
        "download_query": f"?organisation={authority.slug}"
        if authority and not request.user.organisation.is_local_authority
        else "",
    }
    return render(request, "procurement/ocds/open_data.html", context)


@require_GET
@requires(DOWNLOAD)
def open_data_download(request):
    authority = _authority_for(request)
    package = build_release_package(organisation=authority)
    if not package["releases"]:
        raise Http404("No tender has been published yet.")
    errors = validate_release_package(package)
    if errors:
        for error in errors:
            logger.error("OCDS package not valid: %s", error)
        return render(request, "procurement/ocds/unavailable.html", status=500)
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        target=authority,
        detail={
            "what": "open contracting data (OCDS)",
            "authority": authority.slug if authority else "all",
            "releases": len(package["releases"]),
        },
    )
    body = json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")
    scope = authority.slug if authority else "all-authorities"
    name = f"open-contracting-{scope}-{timezone.localdate():%Y-%m-%d}"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
