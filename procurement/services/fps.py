"""Writes for purchasing systems: the system, its member authorities and lots, and providers' memberships.

A membership moves `active ⇄ suspended`, and `active | suspended → removed` (for good). The moves are
data (`MEMBERSHIP_TRANSITIONS`); each has one guarded function (`membership_suspend`,
`membership_reinstate`, `membership_remove`) that checks the actor, writes with a conditional UPDATE so
of two racing requests exactly one wins, and records the audit event in the same transaction.

A provider admitted to a lot receives no referral until one of its people accepts the overarching
contract (typed name and role, with the time).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Role, User
from accounts.rules import is_provider_user
from core.audit import audit_record
from core.models import AuditAction
from core.notifications import notification_send
from needs.vocabulary import PrimaryNeed

from ..models import (
    FpsLot,
    Membership,
    MembershipStatus,
    PurchasingSystem,
    PurchasingSystemKind,
    Tender,
    TenderRoute,
    TenderStatus,
)
from ..rules.fps import is_council_lead_commissioner
from .tender_workflow import InvalidTransition

M = MembershipStatus

MEMBERSHIP_TRANSITIONS: dict[str, frozenset[str]] = {
    M.ACTIVE: frozenset({M.SUSPENDED, M.REMOVED}),
    M.SUSPENDED: frozenset({M.ACTIVE, M.REMOVED}),
    M.REMOVED: frozenset(),
}


def _require_lead(actor, system: PurchasingSystem) -> None:
    if not is_council_lead_commissioner(actor) or actor.organisation_id != system.lead_authority_id:
        raise PermissionDenied


# The purchasing system ----------------------------------------------------------------------------------


def _validate_system(values: dict) -> None:
    errors = {}
    if not (values.get("name") or "").strip():
        errors["name"] = "Enter the name of the purchasing system"
    if values.get("kind") not in PurchasingSystemKind.values:
        errors["kind"] = "Select the kind of purchasing system"
    if not (values.get("overarching_contract_title") or "").strip():
        errors["overarching_contract_title"] = "Enter the title of the overarching contract"
    if not (values.get("overarching_contract_terms") or "").strip():
        errors["overarching_contract_terms"] = "Enter the terms of the overarching contract"
    if not 1 <= (values.get("annual_check_month") or 0) <= 12:
        errors["annual_check_month"] = "Select the month the annual checks start"
    if not 1 <= (values.get("annual_check_day") or 0) <= 28:
        errors["annual_check_day"] = "The day the annual checks start must be between 1 and 28"
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if starts_on is None:
        errors["starts_on"] = "Enter the start date"
    elif ends_on is not None and ends_on <= starts_on:
        errors["ends_on"] = "End date must be after the start date"
    if errors:
        raise ValidationError(errors)


def purchasing_system_create(
    *,
    actor: User,
    name: str,
    overarching_contract_title: str,
    overarching_contract_terms: str,
    starts_on: datetime.date,
    kind: str = PurchasingSystemKind.FPS,
    description: str = "",
    annual_check_month: int = 4,
    annual_check_day: int = 1,
    ends_on: datetime.date | None = None,
) -> PurchasingSystem:
    """A lead commissioner creates a purchasing system led by their own authority, which is its first
    member."""
    if not is_council_lead_commissioner(actor):
        raise PermissionDenied
    values = {
        "name": name.strip(),
        "kind": kind,
        "description": description.strip(),
        "overarching_contract_title": overarching_contract_title.strip(),
        "overarching_contract_terms": overarching_contract_terms.strip(),
        "annual_check_month": annual_check_month,
        "annual_check_day": annual_check_day,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    _validate_system(values)
    if PurchasingSystem.objects.filter(name__iexact=values["name"]).exists():
        raise ValidationError({"name": "A purchasing system with this name already exists"})
    with transaction.atomic():
        system = PurchasingSystem.objects.create(lead_authority=actor.organisation, **values)
        system.member_authorities.add(actor.organisation)
        audit_record(action=AuditAction.CREATE, actor=actor, target=system, detail={"kind": kind})
    return system


def purchasing_system_member_add(
    *, system: PurchasingSystem, actor: User, authority: Organisation
) -> PurchasingSystem:
    _require_lead(actor, system)
    if authority.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise ValidationError({"authority": "Only a local authority can be a member authority"})
    if system.member_authorities.filter(pk=authority.pk).exists():
        raise ValidationError({"authority": f"{authority} is already a member authority"})
    with transaction.atomic():
        system.member_authorities.add(authority)
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=system,
            detail={"member_added": authority.pk, "member_name": authority.name},
        )
    return system


def purchasing_system_member_remove(
    *, system: PurchasingSystem, actor: User, authority: Organisation
) -> PurchasingSystem:
    """Take an authority off the system. The lead authority stays a member while it leads."""
    _require_lead(actor, system)
    if authority.pk == system.lead_authority_id:
        raise ValidationError({"authority": "The lead authority cannot leave the system it leads"})
    if not system.member_authorities.filter(pk=authority.pk).exists():
        raise ValidationError({"authority": f"{authority} is not a member authority"})
    with transaction.atomic():
        system.member_authorities.remove(authority)
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=system,
            detail={"member_removed": authority.pk, "member_name": authority.name},
        )
    return system


def fps_lot_add(
    *,
    system: PurchasingSystem,
    actor: User,
    code: str,
    title: str,
    age_from: int,
    age_to: int,
    description: str = "",
) -> FpsLot:
    _require_lead(actor, system)
    code, title = code.strip(), title.strip()
    errors = {}
    if not code:
        errors["code"] = "Enter the lot's code, for example L1"
    elif system.lots.filter(code__iexact=code).exists():
        errors["code"] = f"The system already has a lot {code}"
    if not title:
        errors["title"] = "Enter the lot's title"
    if age_from is None or not 0 <= age_from <= 25:
        errors["age_from"] = "The youngest age must be between 0 and 25"
    if age_to is None or not 0 <= age_to <= 25:
        errors["age_to"] = "The oldest age must be between 0 and 25"
    elif age_from is not None and age_to < age_from:
        errors["age_to"] = "The oldest age must be the same as or more than the youngest"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        order = (system.lots.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        lot = FpsLot.objects.create(
            system=system,
            code=code,
            title=title,
            description=description.strip(),
            age_from=age_from,
            age_to=age_to,
            order=order,
        )
        audit_record(action=AuditAction.CREATE, actor=actor, target=lot)
    return lot


def fps_lot_remove(*, lot: FpsLot, actor: User) -> None:
    """Take a lot off the system while nobody has been admitted to it or referred through it."""
    _require_lead(actor, lot.system)
    if lot.memberships.exists() or lot.referrals.exists() or lot.tender_lots.exists():
        raise ValidationError("A lot with providers, referrals or admission rounds cannot be removed.")
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, actor=actor, target=lot)
        lot.delete()


# Memberships --------------------------------------------------------------------------------------------


def membership_admit(
    *, lot: FpsLot, provider: Organisation, actor: User, reason: str, admission_tender: Tender | None = None
) -> Membership:
    """The lead commissioner admits a provider to a lot by hand (for example, moving an existing list
    across), saying why. The provider then accepts the overarching contract."""
    _require_lead(actor, lot.system)
    if provider.kind != OrganisationKind.PROVIDER:
        raise ValidationError({"provider": "Only a provider can be admitted to a lot"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the provider is admitted"})
    if Membership.objects.filter(lot=lot, provider=provider).exists():
        raise ValidationError({"provider": f"{provider} already has a place on {lot}"})
    with transaction.atomic():
        membership = Membership.objects.create(
            lot=lot,
            provider=provider,
            admitted_by=actor,
            admission_tender=admission_tender,
            status_reason="",
            age_from=lot.age_from,
            age_to=lot.age_to,
        )
        audit_record(
            action=AuditAction.CREATE, actor=actor, target=membership, detail={"reason": reason.strip()}
        )
        _notify_provider_admitted(membership)
    return membership


def memberships_admit_from_award(*, tender: Tender, actor: User) -> list[Membership]:
    """Admit every winner of an awarded admission round to the system's lot its tender lot names.

    Idempotent: a provider already on the lot keeps its place (whatever its status); the new
    memberships are returned."""
    if tender.route != TenderRoute.FPS_ADMISSION or tender.purchasing_system_id is None:
        raise ValidationError("Only a purchasing system's admission round admits providers.")
    system = tender.purchasing_system
    _require_lead(actor, system)
    if tender.status != TenderStatus.AWARDED:
        raise ValidationError("Providers are admitted once the admission round is awarded.")
    admitted = []
    with transaction.atomic():
        awards = tender.awards.select_related("lot__fps_lot", "submission__provider").filter(
            lot__fps_lot__isnull=False, lot__fps_lot__system=system
        )
        for award in awards:
            fps_lot, provider = award.lot.fps_lot, award.submission.provider
            membership, created = Membership.objects.get_or_create(
                lot=fps_lot,
                provider=provider,
                defaults={
                    "admitted_by": actor,
                    "admission_tender": tender,
                    "age_from": fps_lot.age_from,
                    "age_to": fps_lot.age_to,
                },
            )
            if created:
                audit_record(
                    action=AuditAction.CREATE,
                    actor=actor,
                    target=membership,
                    detail={"admission_tender": tender.pk, "award": award.pk},
                )
                _notify_provider_admitted(membership)
                admitted.append(membership)
    return admitted


def _users_of(organisation_id: int, role: str):
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role_assignments__role=role
    ).distinct()


def _notify_provider_admitted(membership: Membership) -> None:
    url = reverse("procurement:fps_membership_detail", args=[membership.pk])
    for user in _users_of(membership.provider_id, Role.PROVIDER_USER):
        notification_send(
            recipient=user,
            kind="fps_admitted",
            subject=f"You have a place on {membership.lot.system}: accept the overarching contract",
            body=f"{membership.provider} has been admitted to {membership.lot}. Accept the overarching "
            "contract to start receiving referrals.",
            url=url,
            target=membership,
        )


def membership_accept_contract(*, membership: Membership, actor: User, name: str, role: str) -> Membership:
    """A person at the provider accepts the overarching contract in their own name and role."""
    if not is_provider_user(actor) or actor.organisation_id != membership.provider_id:
        raise PermissionDenied
    errors = {}
    if not name.strip():
        errors["name"] = "Enter your full name"
    if not role.strip():
        errors["role"] = "Enter your role at the provider"
    if errors:
        raise ValidationError(errors)
    if membership.status == M.REMOVED:
        raise ValidationError("This place has been removed; the contract can no longer be accepted.")
    with transaction.atomic():
        updated = Membership.objects.filter(pk=membership.pk, contract_accepted_at__isnull=True).update(
            contract_accepted_name=name.strip()[:150],
            contract_accepted_role=role.strip()[:150],
            contract_accepted_at=timezone.now(),
        )
        if not updated:
            raise ValidationError("The overarching contract has already been accepted.")
        membership.refresh_from_db()
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=membership,
            detail={"contract_accepted": True, "role": membership.contract_accepted_role},
        )
    return membership


def membership_offer_update(
    *,
    membership: Membership,
    actor: User,
    needs_met: list[str],
    age_from: int,
    age_to: int,
    area: str,
    places_available: int,
) -> Membership:
    """The provider keeps what it offers on a lot up to date for the electronic list."""
    if not is_provider_user(actor) or actor.organisation_id != membership.provider_id:
        raise PermissionDenied
    errors = {}
    unknown = [code for code in needs_met if code not in PrimaryNeed.values]
    if unknown:
        errors["needs_met"] = "Select needs from the list"
    lot = membership.lot
    if age_from is None or not lot.age_from <= age_from <= lot.age_to:
        errors["age_from"] = f"The youngest age must be between {lot.age_from} and {lot.age_to}"
    if age_to is None or not lot.age_from <= age_to <= lot.age_to:
        errors["age_to"] = f"The oldest age must be between {lot.age_from} and {lot.age_to}"
    elif age_from is not None and age_to < age_from:
        errors["age_to"] = "The oldest age must be the same as or more than the youngest"
    if places_available is None or places_available < 0:
        errors["places_available"] = "Places available must be 0 or more"
    if errors:
        raise ValidationError(errors)
    values = {
        "needs_met": sorted(set(needs_met)),
        "age_from": age_from,
        "age_to": age_to,
        "area": area.strip()[:120],
        "places_available": places_available,
    }
    changed = sorted(key for key, value in values.items() if getattr(membership, key) != value)
    with transaction.atomic():
        for key, value in values.items():
            setattr(membership, key, value)
        membership.save(update_fields=[*values])
        audit_record(action=AuditAction.UPDATE, actor=actor, target=membership, detail={"changed": changed})
    return membership


# How the audit log names the service itself when it acts on schedule (an overdue annual check).
SCHEDULED_ACTOR_LABEL = "The service, on schedule"


def _membership_move(*, membership: Membership, to: str, actor: User | None, reason: str) -> Membership:
    """`actor=None` is the service acting on schedule; only `membership_suspend` passes it."""
    if actor is not None:
        _require_lead(actor, membership.lot.system)
    current = membership.status
    if to not in MEMBERSHIP_TRANSITIONS[current]:
        raise InvalidTransition(
            f"A membership that is {M(current).label.lower()} cannot become {M(to).label.lower()}."
        )
    with transaction.atomic():
        updated = Membership.objects.filter(pk=membership.pk, status=current).update(
            status=to, status_reason=reason, status_changed_at=timezone.now(), status_changed_by=actor
        )
        if not updated:
            raise InvalidTransition("Someone else has changed this membership. Reload the page to see it.")
        membership.refresh_from_db()
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            actor_label="" if actor is not None else SCHEDULED_ACTOR_LABEL,
            target=membership,
            detail={"from": current, "to": to, "reason": reason},
        )
    return membership


def _require_reason(reason: str, message: str) -> str:
    if not (reason or "").strip():
        raise ValidationError({"reason": message})
    return reason.strip()


def membership_suspend(*, membership: Membership, actor: User | None, reason: str) -> Membership:
    """Suspend a provider from a lot: it receives no referral until reinstated. Every member authority's
    commissioners are told.

    `actor=None` means the service itself, on schedule (an annual check left overdue): no person is
    checked, and the audit log names the service."""
    reason = _require_reason(reason, "Enter why the provider is suspended")
    with transaction.atomic():
        membership = _membership_move(membership=membership, to=M.SUSPENDED, actor=actor, reason=reason)
        system = membership.lot.system
        url = reverse("procurement:fps_membership_detail", args=[membership.pk])
        recipients = User.objects.filter(
            organisation__in=system.member_authorities.all(),
            is_active=True,
            role_assignments__role__in=[Role.COMMISSIONER, Role.LEAD_COMMISSIONER],
        ).distinct()
        for user in recipients:
            notification_send(
                recipient=user,
                kind="fps_suspended",
                subject=f"{membership.provider} is suspended from {membership.lot.code} of {system}",
                body=f"Reason: {reason}",
                url=url,
                target=membership,
                due_date=membership.status_changed_at.date(),
            )
        for user in _users_of(membership.provider_id, Role.PROVIDER_USER):
            notification_send(
                recipient=user,
                kind="fps_suspended",
                subject=f"Your place on {membership.lot.code} of {system} is suspended",
                body=f"Reason: {reason}",
                url=url,
                target=membership,
                due_date=membership.status_changed_at.date(),
            )
    return membership


def membership_reinstate(*, membership: Membership, actor: User, reason: str = "") -> Membership:
    return _membership_move(membership=membership, to=M.ACTIVE, actor=actor, reason=(reason or "").strip())


def membership_remove(*, membership: Membership, actor: User, reason: str) -> Membership:
    reason = _require_reason(reason, "Enter why the provider is removed")
    return _membership_move(membership=membership, to=M.REMOVED, actor=actor, reason=reason)
