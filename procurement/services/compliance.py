"""Writes for compliance packs. One function per change: keyword-only, checks the actor
(PermissionDenied), validates (ValidationError), runs in one transaction and writes an audit event."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from accounts.rules import is_provider_user
from core.audit import audit_record
from core.models import AuditAction, Document

from ..models import (
    FinancialCheck,
    FinancialResult,
    Insurance,
    Judgement,
    Policy,
    PolicyKind,
    ProviderProfile,
    ProviderSetting,
)
from ..rules import is_council_commissioner

INSURANCE_FIELDS = ("kind", "insurer", "cover_pounds", "expires_on", "certificate")
POLICY_FIELDS = ("kind", "name", "review_on", "document")
SETTING_FIELDS = (
    "name",
    "regulator",
    "urn",
    "dfe_number",
    "judgement",
    "judgement_date",
    "registration_certificate",
    "statement_of_purpose",
    "services_overview",
    "working_with_parents",
    "learner_voice",
)


def provider_profile_get_or_create(*, organisation: Organisation) -> ProviderProfile:
    if organisation.kind != OrganisationKind.PROVIDER:
        raise ValidationError("Only a provider has a compliance pack.")
    profile, _ = ProviderProfile.objects.get_or_create(organisation=organisation)
    return profile


def _require_owner(actor, profile: ProviderProfile) -> None:
    if not is_provider_user(actor) or actor.organisation_id != profile.organisation_id:
        raise PermissionDenied


def _check_documents(profile: ProviderProfile, values: dict) -> None:
    for key, value in values.items():
        if isinstance(value, Document) and value.organisation_id != profile.organisation_id:
            raise ValidationError({key: "The document must belong to the provider."})


def _save(*, actor, obj, values: dict, fields: tuple[str, ...], created: bool):
    _check_documents(obj.profile, values)
    changed = {}
    for key in fields:
        if key in values and getattr(obj, key) != values[key]:
            changed[key] = str(values[key]) if values[key] is not None else None
            setattr(obj, key, values[key])
    obj.full_clean()
    with transaction.atomic():
        obj.save()
        audit_record(
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            actor=actor,
            target=obj,
            detail={"changed": sorted(changed)},
        )
    return obj


def _validate_insurance(values: dict) -> None:
    cover = values.get("cover_pounds")
    if cover is not None and cover <= 0:
        raise ValidationError({"cover_pounds": "Cover must be more than £0"})


def insurance_add(*, actor, profile: ProviderProfile, **values) -> Insurance:
    """Add an insurance. An expiry date in the past is allowed: the pack flags it as expired."""
    _require_owner(actor, profile)
    _validate_insurance(values)
    return _save(
        actor=actor, obj=Insurance(profile=profile), values=values, fields=INSURANCE_FIELDS, created=True
    )


def insurance_change(*, actor, insurance: Insurance, **values) -> Insurance:
    _require_owner(actor, insurance.profile)
    _validate_insurance(values)
    return _save(actor=actor, obj=insurance, values=values, fields=INSURANCE_FIELDS, created=False)


def _validate_policy(values: dict) -> None:
    if values.get("review_on") is None:
        raise ValidationError({"review_on": "Enter the next review date"})
    if values.get("kind") == PolicyKind.OTHER and not (values.get("name") or "").strip():
        raise ValidationError({"name": "Enter the name of the policy"})


def policy_add(*, actor, profile: ProviderProfile, **values) -> Policy:
    _require_owner(actor, profile)
    _validate_policy(values)
    return _save(actor=actor, obj=Policy(profile=profile), values=values, fields=POLICY_FIELDS, created=True)


def policy_change(*, actor, policy: Policy, **values) -> Policy:
    _require_owner(actor, policy.profile)
    _validate_policy({"kind": policy.kind, "name": policy.name, "review_on": policy.review_on, **values})
    return _save(actor=actor, obj=policy, values=values, fields=POLICY_FIELDS, created=False)


def _validate_setting(values: dict) -> None:
    """A judgement other than "not yet inspected" needs its date, and an inspection cannot be in the
    future."""
    judgement, judgement_date = values.get("judgement"), values.get("judgement_date")
    if judgement != Judgement.NOT_YET_INSPECTED and judgement_date is None:
        raise ValidationError({"judgement_date": "Enter the date of the latest judgement"})
    if judgement_date is not None and judgement_date > timezone.localdate():
        raise ValidationError({"judgement_date": "Date of the latest judgement must be today or in the past"})


def setting_add(*, actor, profile: ProviderProfile, **values) -> ProviderSetting:
    _require_owner(actor, profile)
    _validate_setting({"judgement": Judgement.NOT_YET_INSPECTED, **values})
    return _save(
        actor=actor, obj=ProviderSetting(profile=profile), values=values, fields=SETTING_FIELDS, created=True
    )


def setting_change(*, actor, setting: ProviderSetting, **values) -> ProviderSetting:
    _require_owner(actor, setting.profile)
    _validate_setting({"judgement": setting.judgement, "judgement_date": setting.judgement_date, **values})
    return _save(actor=actor, obj=setting, values=values, fields=SETTING_FIELDS, created=False)


def pack_item_remove(*, actor, item: Insurance | Policy | ProviderSetting):
    """Take an insurance, policy or setting out of the pack; the row and its history stay for audit."""
    _require_owner(actor, item.profile)
    with transaction.atomic():
        updated = (
            type(item).objects.filter(pk=item.pk, removed_at__isnull=True).update(removed_at=timezone.now())
        )
        if updated:
            item.refresh_from_db()
            audit_record(action=AuditAction.DELETE, actor=actor, target=item)
    return item


def financial_check_record(
    *, actor, profile: ProviderProfile, result: str, checked_on: datetime.date, notes: str = ""
) -> FinancialCheck:
    """A council commissioner records a financial check; a provider can never record its own."""
    if not is_council_commissioner(actor):
        raise PermissionDenied
    if result not in FinancialResult.values:
        raise ValidationError({"result": "Select the result of the financial check"})
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": "Date of the check must be today or in the past"})
    with transaction.atomic():
        check = FinancialCheck.objects.create(
            profile=profile,
            result=result,
            checked_on=checked_on,
            checked_by=actor,
            council_id=actor.organisation_id,
            notes=notes,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            target=check,
            detail={"provider": profile.organisation.name, "result": result},
        )
    return check
