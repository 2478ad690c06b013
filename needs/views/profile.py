"""The needs profile: the page, its data as CSV or Excel, and the whole profile as a PDF.

All three read through `build_profile`, which starts from the person's scoped observations, and take the
same filters (`?year=2024&need=ASD`), so the download and the PDF always match the page.
"""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils.text import slugify

from core.audit import audit_record
from core.exports import csv_response, xlsx_response
from core.models import AuditAction
from core.pdf import pdf_response, render_pdf
from core.permissions import requires

from ..analysis.profile import DATA_HEADERS, MARKER_NOTES, Profile, build_profile
from ..forms.profile import ProfileFilterForm

DOWNLOADS = {"csv": csv_response, "xlsx": xlsx_response}


def _profile_for(request) -> Profile:
    year, need = ProfileFilterForm.requested(request.GET)
    return build_profile(request.user, year=year, need=need)


def _filters(profile: Profile) -> str:
    query = {}
    if profile.year is not None:
        query["year"] = profile.year
    if profile.need:
        query["need"] = profile.need
    return urlencode(query)


def _file_stem(profile: Profile) -> str:
    parts = ["needs-profile", slugify(profile.place) or "council"]
    if profile.year is not None:
        parts.append(str(profile.year))
    return "-".join(parts)


def _context(request, profile: Profile) -> dict:
    markers = sorted(
        {row.marker for row in profile.rows() if row.marker} & set(MARKER_NOTES),
    )
    return {
        "profile": profile,
        "organisation": request.user.organisation,
        "marker_notes": [(marker, MARKER_NOTES[marker]) for marker in markers],
    }


@requires("needs.view_analysis")
def profile(request):
    data = _profile_for(request)
    form = None
    if data.years:
        form = ProfileFilterForm(years=data.years, initial={"year": data.year, "need": data.need})
    context = _context(request, data) | {
        "form": form,
        "filters": _filters(data),
        "can_import": request.user.has_perm("needs.import_data"),
        "can_record_feedback": request.user.has_perm("needs.record_feedback"),
    }
    return render(request, "needs/profile/profile.html", context)


@requires("needs.view_analysis")
def profile_download(request, fmt):
    respond = DOWNLOADS.get(fmt)
    if respond is None:
        raise Http404
    data = _profile_for(request)
    response = respond(
        filename=f"{_file_stem(data)}.{fmt}",
        headers=DATA_HEADERS,
        rows=[row.as_list() for row in data.rows()],
    )
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        detail={"what": "needs profile data", "format": fmt, "year": data.year, "need": data.need},
    )
    return response


@requires("needs.view_analysis")
def profile_pdf(request):
    data = _profile_for(request)
    pdf = render_pdf("pdf/needs_profile.html", _context(request, data), request=request)
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        detail={"what": "needs profile PDF", "year": data.year, "need": data.need},
    )
    return pdf_response(pdf, filename=f"{_file_stem(data)}.pdf")
