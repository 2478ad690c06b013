"""Purchasing system pages: the systems a commissioner's authority belongs to, their lots and member
authorities, the electronic list with its downloads, and providers' memberships.

The lead authority's lead commissioners manage a system; the member authorities' commissioners read it;
a provider keeps its own places (accepting the overarching contract, keeping its offer up to date).
Reads go through `procurement.selectors.fps`, so what a person may not reach answers 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_record
from core.exports import csv_response, xlsx_response
from core.forms import ReasonForm, add_service_errors, posted_data, refusals_on, render_form
from core.models import AuditAction
from core.permissions import requires
from needs.vocabulary import PrimaryNeed

from ..forms.fps import (
    AcceptContractForm,
    AdmitForm,
    ListFilterForm,
    LotForm,
    MemberAuthorityForm,
    OfferForm,
    PurchasingSystemForm,
)
from ..models import Judgement, MembershipStatus, TenderRoute, TenderStatus
from ..selectors import fps as selectors
from ..services import fps as services

VIEW = "procurement.fps_view"
MANAGE = "procurement.fps_manage"
MEMBERSHIP_VIEW = "procurement.fps_membership_view"
OWN = "procurement.fps_membership_own"
PER_PAGE = 25


@require_GET
@requires(VIEW)
def system_list(request):
    systems = (
        selectors.purchasing_systems_for_user(request.user)
        .annotate(lot_count=Count("lots", distinct=True))
        .order_by("name")
    )
    page = Paginator(systems, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/fps/system_list.html",
        {"page": page, "can_create": request.user.has_perm(MANAGE)},
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def system_create(request):
    form = PurchasingSystemForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            system = services.purchasing_system_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{system} has been created. Add its lots and member authorities.")
            return redirect("procurement:fps_system_detail", system.pk)
    return render_form(request, "procurement/fps/system_form.html", form, {})


@require_GET
@requires(VIEW)
def system_detail(request, pk):
    system = selectors.get_purchasing_system_for_user_or_404(request.user, pk)
    is_lead = selectors.user_leads_system(request.user, system)
    lots = system.lots.annotate(
        active_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
    )
    memberships = selectors.memberships_for_user(request.user).filter(lot__system=system)
    page = Paginator(memberships.order_by("provider__name", "lot__order"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rounds = []
    if is_lead:
        rounds = system.tenders.filter(route=TenderRoute.FPS_ADMISSION, status=TenderStatus.AWARDED)
    return render(
        request,
        "procurement/fps/system_detail.html",
        {
            "system": system,
            "lots": lots,
            "authorities": system.member_authorities.order_by("name"),
            "page": page,
            "is_lead": is_lead,
            "rounds": rounds,
        },
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def member_add(request, pk):
    system = selectors.get_led_purchasing_system_for_user_or_404(request.user, pk)
    form = MemberAuthorityForm(posted_data(request), system=system)
    if request.method == "POST" and form.is_valid():
        authority = form.cleaned_data["authority"]
        try:
            services.purchasing_system_member_add(system=system, actor=request.user, authority=authority)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{authority} is now a member authority.")
            return redirect("procurement:fps_system_detail", system.pk)
    return render_form(
        request, "procurement/fps/simple_form.html", form, _simple(system, "Add a member authority")
    )


@require_POST
@requires(MANAGE)
def member_remove(request, pk, authority_pk):
    system = selectors.get_led_purchasing_system_for_user_or_404(request.user, pk)
    authority = get_object_or_404(system.member_authorities.all(), pk=authority_pk)
    try:
        services.purchasing_system_member_remove(system=system, actor=request.user, authority=authority)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{authority} is no longer a member authority.")
    return redirect("procurement:fps_system_detail", system.pk)


def _simple(system, title: str, **extra) -> dict:
    return {"system": system, "title": title, **extra}


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def lot_add(request, pk):
    system = selectors.get_led_purchasing_system_for_user_or_404(request.user, pk)
    form = LotForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            lot = services.fps_lot_add(system=system, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Lot {lot} has been added.")
            return redirect("procurement:fps_system_detail", system.pk)
    return render_form(request, "procurement/fps/simple_form.html", form, _simple(system, "Add a lot"))


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def membership_admit(request, pk):
    system = selectors.get_led_purchasing_system_for_user_or_404(request.user, pk)
    form = AdmitForm(posted_data(request), system=system)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_admit(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{membership.provider} has been admitted to {membership.lot}, awaiting acceptance."
            )
            return redirect("procurement:fps_system_detail", system.pk)
    return render_form(
        request,
        "procurement/fps/simple_form.html",
        form,
        _simple(
            system,
            "Admit a provider to a lot",
            intro="Use this to move an existing list across. Providers who win an admission round are "
            "admitted from the round's award.",
        ),
    )


@require_POST
@requires(MANAGE)
def admit_from_round(request, pk, tender_pk):
    system = selectors.get_led_purchasing_system_for_user_or_404(request.user, pk)
    tender = get_object_or_404(system.tenders.all(), pk=tender_pk)
    try:
        admitted = services.memberships_admit_from_award(tender=tender, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{len(admitted)} new place{'s' if len(admitted) != 1 else ''} from {tender.reference}."
            if admitted
            else f"Every winner of {tender.reference} already has its place.",
        )
    return redirect("procurement:fps_system_detail", system.pk)


# The electronic list -------------------------------------------------------------------------------------


def _list_filters(request, system) -> tuple[ListFilterForm, selectors.ListFilters, dict]:
    form = ListFilterForm(request.GET or None, system=system)
    if not form.is_bound or not form.is_valid():
        return form, selectors.ListFilters(), {}
    data = form.cleaned_data
    filters = selectors.ListFilters(
        lot=data.get("lot"),
        need=data.get("need") or "",
        age=data.get("age"),
        area=(data.get("area") or "").strip(),
        judgement=data.get("judgement") or "",
        min_places=data.get("min_places"),
    )
    query = {
        key: (value.pk if hasattr(value, "pk") else value)
        for key, value in data.items()
        if value not in (None, "")
    }
    return form, filters, query


@require_GET
@requires(VIEW)
def electronic_list(request, pk):
    system = selectors.get_purchasing_system_for_user_or_404(request.user, pk)
    form, filters, query = _list_filters(request, system)
    memberships = selectors.electronic_list(request.user, system, filters)
    page = Paginator(memberships, PER_PAGE).get_page(request.GET.get("page"))
    query_string = urlencode(query)
    return render(
        request,
        "procurement/fps/list.html",
        {
            "system": system,
            "form": form,
            "page": page,
            "query_string": query_string,
            "judgements": dict(Judgement.choices),
        },
        status=400 if form.errors else 200,
    )


EXPORT_HEADERS = [
    "Lot",
    "Provider",
    "Needs met",
    "Youngest age",
    "Oldest age",
    "Area",
    "Places available",
    "Latest inspection judgement",
    "Overarching contract accepted",
]


@require_GET
@requires(VIEW)
def electronic_list_export(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    system = selectors.get_purchasing_system_for_user_or_404(request.user, pk)
    _form, filters, query = _list_filters(request, system)
    judgements = dict(Judgement.choices)
    rows = (
        [
            f"{m.lot.code}: {m.lot.title}",
            m.provider.name,
            ", ".join(m.needs_met),
            m.age_from,
            m.age_to,
            m.area,
            m.places_available,
            judgements.get(m.latest_judgement, "Not recorded"),
            m.contract_accepted_at.date() if m.contract_accepted_at else "Awaiting acceptance",
        ]
        for m in selectors.electronic_list(request.user, system, filters).iterator(chunk_size=500)
    )
    audit_record(
        action=AuditAction.EXPORT, actor=request.user, target=system, detail={"format": fmt, "filters": query}
    )
    respond = csv_response if fmt == "csv" else xlsx_response
    kwargs = {"sheet_title": "Electronic list"} if fmt == "xlsx" else {}
    return respond(
        filename=f"{system.name} electronic list.{fmt}", headers=EXPORT_HEADERS, rows=rows, **kwargs
    )


# Memberships ---------------------------------------------------------------------------------------------


@require_GET
@requires(OWN)
def my_memberships(request):
    memberships = selectors.memberships_for_user(request.user).order_by("lot__system__name", "lot__order")
    page = Paginator(memberships, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "procurement/fps/my_memberships.html", {"page": page})


@require_GET
@requires(MEMBERSHIP_VIEW)
def membership_detail(request, pk):
    membership = selectors.get_membership_for_user_or_404(request.user, pk)
    system = membership.lot.system
    is_owner = membership.provider_id == request.user.organisation_id
    is_lead = selectors.user_leads_system(request.user, system)
    moves = services.MEMBERSHIP_TRANSITIONS[membership.status] if is_lead else frozenset()
    return render(
        request,
        "procurement/fps/membership_detail.html",
        {
            "membership": membership,
            "system": system,
            "is_owner": is_owner,
            "is_lead": is_lead,
            "can_suspend": MembershipStatus.SUSPENDED in moves,
            "can_reinstate": MembershipStatus.ACTIVE in moves,
            "can_remove": MembershipStatus.REMOVED in moves,
            "can_accept": is_owner
            and membership.contract_accepted_at is None
            and membership.status != MembershipStatus.REMOVED,
            "can_edit_offer": is_owner and membership.status != MembershipStatus.REMOVED,
            "judgement": dict(Judgement.choices).get(membership.latest_judgement, "Not recorded"),
            "needs": [PrimaryNeed(code).label for code in membership.needs_met if code in PrimaryNeed.values],
        },
    )


MOVES = {
    "suspend": (
        services.membership_suspend,
        "Suspend {provider} from {lot}",
        "Why is the provider suspended?",
        "Suspend provider",
        "{provider} is suspended from {lot}. Every member authority has been told.",
    ),
    "reinstate": (
        services.membership_reinstate,
        "Reinstate {provider} on {lot}",
        "Why is the provider reinstated? (optional)",
        "Reinstate provider",
        "{provider} is active again on {lot}.",
    ),
    "remove": (
        services.membership_remove,
        "Remove {provider} from {lot}",
        "Why is the provider removed?",
        "Remove provider",
        "{provider} has been removed from {lot}.",
    ),
}


def _membership_move_view(request, pk, move: str):
    membership = selectors.get_led_membership_for_user_or_404(request.user, pk)
    service, title, label, button, done = MOVES[move]
    names = {"provider": membership.provider, "lot": membership.lot}
    form = ReasonForm(
        request.POST or None,
        label=label,
        required=move != "reinstate",
        error="Enter the reason",
        submit_label=button,
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            service(membership=membership, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, done.format(**names))
            return redirect("procurement:fps_membership_detail", membership.pk)
    return render_form(
        request,
        "procurement/fps/membership_move.html",
        form,
        {"membership": membership, "title": title.format(**names), "move": move},
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def membership_suspend(request, pk):
    return _membership_move_view(request, pk, "suspend")


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def membership_reinstate(request, pk):
    return _membership_move_view(request, pk, "reinstate")


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def membership_remove(request, pk):
    return _membership_move_view(request, pk, "remove")


@require_http_methods(["GET", "POST"])
@requires(OWN)
def membership_accept(request, pk):
    membership = selectors.get_own_membership_or_404(request.user, pk)
    form = AcceptContractForm(posted_data(request), initial={"name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_accept_contract(
                membership=membership,
                actor=request.user,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "You have accepted the overarching contract. You will now receive referrals."
            )
            return redirect("procurement:fps_membership_detail", membership.pk)
    return render_form(
        request,
        "procurement/fps/accept.html",
        form,
        {"membership": membership, "system": membership.lot.system},
    )


@require_http_methods(["GET", "POST"])
@requires(OWN)
def membership_offer(request, pk):
    membership = selectors.get_own_membership_or_404(request.user, pk)
    if membership.status == MembershipStatus.REMOVED:
        raise Http404
    initial = {
        "needs_met": membership.needs_met,
        "age_from": membership.age_from,
        "age_to": membership.age_to,
        "area": membership.area,
        "places_available": membership.places_available,
    }
    form = OfferForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_offer_update(membership=membership, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your offer on {membership.lot} has been saved.")
            return redirect("procurement:fps_membership_detail", membership.pk)
    return render_form(request, "procurement/fps/offer.html", form, {"membership": membership})
