"""Compliance pack pages: a provider user keeps their own organisation's pack (settings, insurances,
policies, with their documents); a council commissioner reads the list of packs and any one pack,
downloads its documents and records financial checks. Reads go through `procurement.selectors`, so
another provider's pack or item answers 404 exactly like a missing one.

Reading a pack never writes: a provider's profile is created with the first thing added to it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.documents import document_response, document_store
from core.forms import add_service_errors, render_form
from core.permissions import requires
from core.uploads import UploadRejected

from ..forms.compliance import (
    CERTIFICATE_TYPES,
    FinancialCheckForm,
    InsuranceForm,
    PolicyForm,
    RemoveForm,
    SettingForm,
)
from ..models import Insurance, InsuranceKind, Policy, PolicyKind
from ..selectors.compliance import (
    expiry_flags_by_profile,
    financial_checks_for_profile,
    get_insurance_for_user_or_404,
    get_policy_for_user_or_404,
    get_profile_for_user_or_404,
    get_setting_for_user_or_404,
    own_profile,
    pack_completeness,
    pack_expiry_flags,
    profiles_for_user,
)
from ..services import compliance as services

EDIT_OWN = "procurement.edit_own_pack"
VIEW_PACKS = "procurement.view_packs"
RECORD_CHECK = "procurement.record_financial_check"
DOWNLOAD = "procurement.download_pack_document"

CHECKS_PER_PAGE = 25


# Reading a pack ---------------------------------------------------------------------------------------


def _available(document):
    return document is not None and document.removed_at is None


def _url_if(document, name: str, pk: int) -> str | None:
    return reverse(name, args=[pk]) if _available(document) else None


def _flag_rows(flags, *, can_edit: bool) -> list[dict]:
    """Each expiry flag, with a link to change the item for the provider who keeps the pack."""
    names = {Insurance: "procurement:insurance_change", Policy: "procurement:policy_change"}
    return [
        {
            "flag": flag,
            "change_url": reverse(names[type(flag.item)], args=[flag.item.pk]) if can_edit else None,
        }
        for flag in flags
    ]


def _pack_context(request, profile, organisation, *, can_edit: bool = False) -> dict:
    """What the pack page shows, for a profile or (a provider with nothing in its pack yet) for None."""
    if profile is None:
        settings_, insurances, policies, checks = [], [], [], None
    else:
        settings_ = profile.settings.filter(removed_at__isnull=True).select_related(
            "registration_certificate", "statement_of_purpose"
        )
        insurances = profile.insurances.filter(removed_at__isnull=True).select_related("certificate")
        policies = profile.policies.filter(removed_at__isnull=True).select_related("document")
        checks = Paginator(financial_checks_for_profile(profile), CHECKS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return {
        "profile": profile,
        "organisation": organisation,
        "flags": _flag_rows(pack_expiry_flags(profile) if profile else [], can_edit=can_edit),
        "can_edit": can_edit,
        "completeness": pack_completeness(profile),
        "settings": [
            {
                "item": setting,
                "certificate_url": _url_if(
                    setting.registration_certificate, "procurement:setting_certificate", setting.pk
                ),
                "statement_url": _url_if(
                    setting.statement_of_purpose, "procurement:setting_statement", setting.pk
                ),
            }
            for setting in settings_
        ],
        "insurances": [
            {
                "item": insurance,
                "url": _url_if(insurance.certificate, "procurement:insurance_certificate", insurance.pk),
            }
            for insurance in insurances
        ],
        "policies": [
            {"item": policy, "url": _url_if(policy.document, "procurement:policy_document", policy.pk)}
            for policy in policies
        ],
        "checks": checks,
        "financial_check": financial_checks_for_profile(profile).first() if profile else None,
    }


@require_GET
@requires(EDIT_OWN)
def own_pack(request):
    profile = own_profile(request.user)
    context = _pack_context(request, profile, request.user.organisation, can_edit=True)
    return render(request, "procurement/pack.html", context)


@require_GET
@requires(VIEW_PACKS)
def pack_list(request):
    page = Paginator(profiles_for_user(request.user), 25).get_page(request.GET.get("page"))
    flags = expiry_flags_by_profile(profile.pk for profile in page.object_list)
    rows = [{"profile": profile, "flags": flags[profile.pk]} for profile in page.object_list]
    return render(request, "procurement/pack_list.html", {"page": page, "rows": rows})


def _financial_check_form(request, profile, data=None) -> FinancialCheckForm | None:
    if not request.user.has_perm(RECORD_CHECK):
        return None
    form = FinancialCheckForm(data)
    form.helper.form_action = reverse("procurement:financial_check_record", args=[profile.pk])
    return form


def _render_pack_detail(request, profile, form, *, status: int = 200):
    context = _pack_context(request, profile, profile.organisation)
    return render(
        request,
        "procurement/pack.html",
        {**context, "form": form, "show_check_notes": request.user.has_perm(VIEW_PACKS)},
        status=status,
    )


@require_GET
@requires(VIEW_PACKS)
def pack_detail(request, pk):
    profile = get_profile_for_user_or_404(request.user, pk)
    return _render_pack_detail(request, profile, _financial_check_form(request, profile))


@require_POST
@requires(RECORD_CHECK)
def financial_check_record_view(request, pk):
    """A council commissioner records a provider's financial check from the provider's pack page."""
    profile = get_profile_for_user_or_404(request.user, pk)
    form = _financial_check_form(request, profile, request.POST)
    if form.is_valid():
        try:
            check = services.financial_check_record(
                actor=request.user,
                profile=profile,
                result=form.cleaned_data["result"],
                checked_on=form.cleaned_data["checked_on"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"The financial check of {profile.organisation.name} has been recorded: "
                f"{check.get_result_display().lower()} on {check.checked_on:%-d %B %Y}.",
            )
            return redirect(reverse("procurement:pack_detail", args=[profile.pk]) + "#financial-check")
    return _render_pack_detail(request, profile, form, status=400)


# Documents -------------------------------------------------------------------------------------------


def _serve(request, document):
    """Serve a pack document the caller has reached through a scoped selector; a missing or removed file
    answers 404."""
    if not _available(document):
        raise Http404
    return document_response(document=document, user=request.user)


@require_GET
@requires(DOWNLOAD)
def insurance_certificate(request, pk):
    return _serve(request, get_insurance_for_user_or_404(request.user, pk).certificate)


@require_GET
@requires(DOWNLOAD)
def setting_document(request, pk, field):
    return _serve(request, getattr(get_setting_for_user_or_404(request.user, pk), field))


@require_GET
@requires(DOWNLOAD)
def policy_document(request, pk):
    return _serve(request, get_policy_for_user_or_404(request.user, pk).document)


# Keeping the pack ------------------------------------------------------------------------------------


class _Rollback(Exception):
    """Raised inside the transaction to undo everything after a refused upload."""


def _store_and_save(request, form, *, uploads: dict[str, str], save):
    """Store each uploaded file (form field -> document title) and call `save(documents)` in one
    transaction: the item and its documents are stored together or not at all. A refused file or a
    service error goes on the form, files already written are deleted, and None is returned."""
    stored = []
    try:
        with transaction.atomic():
            documents = {}
            for field, title in uploads.items():
                upload = form.cleaned_data.get(field)
                if not upload:
                    continue
                try:
                    documents[field] = document_store(
                        organisation=request.user.organisation,
                        uploaded_by=request.user,
                        uploaded_file=upload,
                        title=title,
                        allowed=CERTIFICATE_TYPES,
                    )
                except UploadRejected as rejected:
                    form.add_error(field, rejected.message)
                else:
                    stored.append(documents[field])
            if form.errors:
                raise _Rollback
            return save(documents)
    except (_Rollback, ValidationError) as error:
        if isinstance(error, ValidationError):
            add_service_errors(form, error)
        for document in stored:
            document.file.delete(save=False)
        return None


def _first_write_profile(request):
    """The provider's profile, created with the first thing added to the pack."""
    return services.provider_profile_get_or_create(organisation=request.user.organisation)


def _form_page(request, template: str, form, **context):
    return render_form(request, template, form, {"organisation": request.user.organisation, **context})


def _kind_label(choices, value) -> str:
    return dict(choices.choices).get(value, "")


@require_http_methods(["GET", "POST"])
@requires(EDIT_OWN)
def insurance_add_view(request):
    """A provider adds an insurance with its certificate; the certificate and the insurance are stored
    together or not at all."""
    form = InsuranceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        insurance = _store_and_save(
            request,
            form,
            uploads={"certificate": f"{_kind_label(InsuranceKind, data['kind'])} insurance certificate"},
            save=lambda documents: services.insurance_add(
                actor=request.user,
                profile=_first_write_profile(request),
                kind=data["kind"],
                insurer=data["insurer"],
                cover_pounds=data["cover_pounds"],
                expires_on=data["expires_on"],
                certificate=documents["certificate"],
            ),
        )
        if insurance is not None:
            messages.success(request, f"{insurance} has been added to your compliance pack.")
            return redirect("procurement:own_pack")
    return _form_page(request, "procurement/insurance_form.html", form, heading="Add an insurance")


@require_http_methods(["GET", "POST"])
@requires(EDIT_OWN)
def insurance_change_view(request, pk):
    """A provider changes an insurance; a new certificate replaces the current one, or it is kept."""
    insurance = get_insurance_for_user_or_404(request.user, pk)
    initial = {key: getattr(insurance, key) for key in ("kind", "insurer", "cover_pounds", "expires_on")}
    form = InsuranceForm(
        request.POST or None,
        request.FILES or None,
        initial={**initial, "cover_pounds": f"{insurance.cover_pounds:,}"},
        changing=True,
        certificate=insurance.certificate,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {key: data[key] for key in initial}
        changed = _store_and_save(
            request,
            form,
            uploads={"certificate": f"{_kind_label(InsuranceKind, data['kind'])} insurance certificate"},
            save=lambda documents: services.insurance_change(
                actor=request.user, insurance=insurance, **values, **documents
            ),
        )
        if changed is not None:
            messages.success(request, f"{changed} has been changed.")
            return redirect("procurement:own_pack")
    return _form_page(
        request, "procurement/insurance_form.html", form, heading="Change an insurance", item=insurance
    )


SETTING_TEXT = (
    "name",
    "regulator",
    "urn",
    "dfe_number",
    "judgement",
    "judgement_date",
    "services_overview",
    "working_with_parents",
    "learner_voice",
)


def _setting_uploads(name: str) -> dict[str, str]:
    return {
        "registration_certificate": f"Registration certificate: {name}",
        "statement_of_purpose": f"Statement of purpose: {name}",
    }


@require_http_methods(["GET", "POST"])
@requires(EDIT_OWN)
def setting_add_view(request):
    form = SettingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = {key: form.cleaned_data[key] for key in SETTING_TEXT}
        setting = _store_and_save(
            request,
            form,
            uploads=_setting_uploads(values["name"]),
            save=lambda documents: services.setting_add(
                actor=request.user, profile=_first_write_profile(request), **values, **documents
            ),
        )
        if setting is not None:
            messages.success(request, f"{setting} has been added to your compliance pack.")
            return redirect("procurement:own_pack")
    return _form_page(
        request, "procurement/compliance/setting_form.html", form, heading="Add a school or setting"
    )


@require_http_methods(["GET", "POST"])
@requires(EDIT_OWN)
def setting_change_view(request, pk):
    setting = get_setting_for_user_or_404(request.user, pk)
    form = SettingForm(
        request.POST or None,
        request.FILES or None,
        initial={key: getattr(setting, key) for key in SETTING_TEXT},
        setting=setting,
    )
    if request.method == "POST" and form.is_valid():
        values = {key: form.cleaned_data[key] for key in SETTING_TEXT}
        changed = _store_and_save(
            request,
            form,
            uploads=_setting_uploads(values["name"]),
            save=lambda documents: services.setting_change(
                actor=request.user, setting=setting, **values, **documents
            ),
        )
        if changed is not None:
            messages.success(request, f"{changed} has been changed.")
            return redirect("procurement:own_pack")
    return _form_page(
        request,
        "procurement/compliance/setting_form.html",
        form,
        heading=f"Change {setting.name}",
        item=setting,
    )


def _policy_title(data) -> str:
    if data["kind"] == PolicyKind.OTHER:
        return data["name"]
    return f"{_kind_label(PolicyKind, data['kind'])} policy"


@require_http_methods(["GET", "POST"])
@requires(EDIT_OWN)
def policy_add_view(request):
    form = PolicyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        policy = _store_and_save(
            request,
            form,
            uploads={"document": _policy_title(data)},
            save=lambda documents: services.policy_add(
                actor=request.user,
                profile=_first_write_profile(request),
                kind=data["kind"],
                name=data["name"],
                review_on=data["review_on"],
                document=documents["document"],
            ),
        )
        if policy is not None:
            messages.success(request, f"{policy} has been added to your compliance pack.")
            return redirect("procurement:own_pack")
    return _form_page(request, "procurement/compliance/policy_form.html", form, heading="Add a policy")


@require_http_methods(["GET", "POST"])
@requires(EDIT_OWN)
def policy_change_view(request, pk):
    policy = get_policy_for_user_or_404(request.user, pk)
    form = PolicyForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": policy.kind, "name": policy.name, "review_on": policy.review_on},
        changing=True,
        document=policy.document,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changed = _store_and_save(
            request,
            form,
            uploads={"document": _policy_title(data)},
            save=lambda documents: services.policy_change(
                actor=request.user,
                policy=policy,
                kind=data["kind"],
                name=data["name"],
                review_on=data["review_on"],
                **documents,
            ),
        )
        if changed is not None:
            messages.success(request, f"{changed} has been changed.")
            return redirect("procurement:own_pack")
    return _form_page(
        request, "procurement/compliance/policy_form.html", form, heading=f"Change {policy}", item=policy
    )


def _remove(request, item, *, what: str):
    """Confirm on its own page, then take the item out of the pack; the row and its history stay."""
    form = RemoveForm(request.POST if request.method == "POST" else None, submit_label=f"Remove {what}")
    if request.method == "POST" and form.is_valid():
        services.pack_item_remove(actor=request.user, item=item)
        messages.success(request, f"{item} has been removed from your compliance pack.")
        return redirect("procurement:own_pack")
    return render(
        request,
        "procurement/compliance/remove.html",
        {"form": form, "item": item, "what": what, "organisation": request.user.organisation},
    )


@require_http_methods(["GET", "POST"])
@requires(EDIT_OWN)
def insurance_remove_view(request, pk):
    return _remove(request, get_insurance_for_user_or_404(request.user, pk), what="insurance")


@require_http_methods(["GET", "POST"])
@requires(EDIT_OWN)
def setting_remove_view(request, pk):
    return _remove(request, get_setting_for_user_or_404(request.user, pk), what="school or setting")


@require_http_methods(["GET", "POST"])
@requires(EDIT_OWN)
def policy_remove_view(request, pk):
    return _remove(request, get_policy_for_user_or_404(request.user, pk), what="policy")
