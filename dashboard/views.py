from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.permissions import SIGNED_IN, requires

from . import evidence
from .home import home_stages_for

VIEW_EVIDENCE = "dashboard.view_evidence"
PER_PAGE = 20


@require_GET
@requires(SIGNED_IN)
def home(request):
    """The home page: the four stages of the cycle, with what this person does in each."""
    return render(request, "dashboard/home.html", {"stages": home_stages_for(request.user)})


@require_GET
@requires(VIEW_EVIDENCE)
def contract_evidence(request, pk):
    """A contract's chain back to the need it meets. Another authority's contract: 404."""
    chain = evidence.contract_chain(request.user, pk)
    return render(request, "dashboard/evidence_chain.html", {"chain": chain})


@require_GET
@requires(VIEW_EVIDENCE)
def ipa_evidence(request, pk):
    """A placement agreement's chain back to its referral and purchasing system. Another's: 404."""
    chain = evidence.ipa_chain(request.user, pk)
    return render(request, "dashboard/evidence_chain.html", {"chain": chain})


@require_GET
@requires(VIEW_EVIDENCE)
def gap_evidence(request, age_band, need):
    """What the authority started from a gap, and where each line of work has reached."""
    forward = evidence.gap_forward(request.user, age_band, need)
    return render(request, "dashboard/gap_evidence.html", {"forward": forward})


LESSON_LISTS = {"decommissionings": "Decommissionings", "visits": "Quality assurance visits"}


@require_GET
@requires(VIEW_EVIDENCE)
def review_lessons(request):
    """What Review has learnt: why services ended and what quality visits found, for Understand."""
    show = request.GET.get("show")
    if show not in LESSON_LISTS:
        show = "decommissionings"
    rows = (
        evidence.decommissionings_for_lessons(request.user)
        if show == "decommissionings"
        else evidence.qa_outcomes_for_lessons(request.user)
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    detail = "contracts:decommissioning_detail" if show == "decommissionings" else "contracts:qa_visit_detail"
    for row in page.object_list:
        row.url = evidence.url_or_none(detail, row.pk)
        row.chain_url = evidence.url_or_none("dashboard:contract_evidence", row.contract_id)
    tabs = [{"key": key, "label": label, "current": key == show} for key, label in LESSON_LISTS.items()]
    return render(
        request,
        "dashboard/review_lessons.html",
        {"show": show, "tabs": tabs, "page": page, "query_string": f"show={show}"},
    )
