"""Reads for purchasing systems, their electronic list, referrals and placement agreements.

- A purchasing system is read by the commissioners of its member authorities (the lead included), and
  managed only by the lead authority's lead commissioners.
- A provider reaches its own memberships, the referrals sent to it and its own IPAs.
- A referral and its IPA belong to the authority that made it: another authority, even a member of the
  same system, never reaches them.

Everything outside a person's scope answers 404 exactly like a missing object.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404

from accounts.rules import is_provider_user

from ..models import (
    FpsLot,
    IndividualPlacementAgreement,
    Membership,
    MembershipStatus,
    ProviderSetting,
    PurchasingSystem,
    Referral,
    ReferralResponse,
    ReferralStatus,
)
from ..rules import is_council_commissioner
from ..rules.fps import is_council_lead_commissioner


def purchasing_systems_for_user(user) -> QuerySet[PurchasingSystem]:
    """Systems the person's authority leads or belongs to; nothing for anyone else."""
    if not is_council_commissioner(user):
        return PurchasingSystem.objects.none()
    return (
        PurchasingSystem.objects.filter(
            Q(lead_authority_id=user.organisation_id) | Q(member_authorities=user.organisation_id)
        )
        .select_related("lead_authority")
        .distinct()
    )


def get_purchasing_system_for_user_or_404(user, pk) -> PurchasingSystem:
    return get_object_or_404(purchasing_systems_for_user(user), pk=pk)


def purchasing_systems_led_by_user(user) -> QuerySet[PurchasingSystem]:
    """Systems a lead commissioner may manage: those their own authority leads."""
    if not is_council_lead_commissioner(user):
        return PurchasingSystem.objects.none()
    return PurchasingSystem.objects.filter(lead_authority_id=user.organisation_id).select_related(
        "lead_authority"
    )


def get_led_purchasing_system_for_user_or_404(user, pk) -> PurchasingSystem:
    return get_object_or_404(purchasing_systems_led_by_user(user), pk=pk)


def user_leads_system(user, system: PurchasingSystem) -> bool:
    return bool(is_council_lead_commissioner(user) and system.lead_authority_id == user.organisation_id)


def lots_for_user(user) -> QuerySet[FpsLot]:
    return FpsLot.objects.filter(system__in=purchasing_systems_for_user(user)).select_related("system")


def referable_lots_for_user(user) -> QuerySet[FpsLot]:
    """Lots a commissioner may refer a child to: those of a system their authority is a member of."""
    if not is_council_commissioner(user):
        return FpsLot.objects.none()
    return FpsLot.objects.filter(system__member_authorities=user.organisation_id).select_related("system")


def latest_judgement_subquery():
    """The judgement of the provider's most recently inspected setting (the compliance pack)."""
    return Subquery(
        ProviderSetting.objects.filter(
            profile__organisation_id=OuterRef("provider_id"), removed_at__isnull=True
        )
        .order_by("-judgement_date", "-id")
        .values("judgement")[:1],
        output_field=CharField(),
    )


def memberships_for_user(user) -> QuerySet[Membership]:
    """Commissioners: every membership of a system their authority belongs to. Providers: their own."""
    qs = Membership.objects.select_related("lot", "lot__system", "provider").annotate(
        latest_judgement=latest_judgement_subquery()
    )
    if is_council_commissioner(user):
        return qs.filter(lot__system__in=purchasing_systems_for_user(user).values("pk"))
    if is_provider_user(user):
        return qs.filter(provider_id=user.organisation_id)
    return qs.none()


def get_membership_for_user_or_404(user, pk) -> Membership:
    return get_object_or_404(memberships_for_user(user), pk=pk)


def get_led_membership_for_user_or_404(user, pk) -> Membership:
    """A membership the lead commissioner may suspend, reinstate or remove."""
    return get_object_or_404(
        memberships_for_user(user).filter(lot__system__in=purchasing_systems_led_by_user(user).values("pk")),
        pk=pk,
    )


def get_own_membership_or_404(user, pk) -> Membership:
    """A provider's own membership (to accept the contract, to keep its offer up to date)."""
    if not is_provider_user(user):
        return get_object_or_404(Membership.objects.none(), pk=pk)
    return get_membership_for_user_or_404(user, pk)


@dataclass(frozen=True)
class ListFilters:
    lot: FpsLot | None = None
    need: str = ""
    age: int | None = None
    area: str = ""
    judgement: str = ""
    min_places: int | None = None


def electronic_list(user, system: PurchasingSystem, filters: ListFilters) -> QuerySet[Membership]:
    """The system's active memberships, filtered: a lot, a primary need met, a child's age within the
    offer's range, an area (contains), the latest inspection judgement, and places available at least.
    A constant number of queries however many rows (the judgement is a subquery)."""
    qs = memberships_for_user(user).filter(lot__system=system, status=MembershipStatus.ACTIVE)
    if filters.lot is not None:
        qs = qs.filter(lot=filters.lot)
    if filters.need:
        # Need codes come from a closed vocabulary; matching the quoted code in the JSON list text works
        # on every database (SQLite has no JSON containment).
        qs = qs.annotate(needs_text=Cast("needs_met", TextField())).filter(
            needs_text__contains=f'"{filters.need}"'
        )
    if filters.age is not None:
        qs = qs.filter(age_from__lte=filters.age, age_to__gte=filters.age)
    if filters.area:
        qs = qs.filter(area__icontains=filters.area)
    if filters.judgement:
        qs = qs.filter(latest_judgement=filters.judgement)
    if filters.min_places is not None:
        qs = qs.filter(places_available__gte=filters.min_places)
    return qs.order_by("lot__order", "lot__code", "provider__name")


def referrals_for_user(user) -> QuerySet[Referral]:
    """A commissioner's own authority's referrals; nobody else's."""
    if not is_council_commissioner(user):
        return Referral.objects.none()
    return Referral.objects.filter(authority_id=user.organisation_id).select_related(
        "lot", "lot__system", "authority"
    )


def get_referral_for_user_or_404(user, pk) -> Referral:
    return get_object_or_404(referrals_for_user(user), pk=pk)


def referral_responses(referral: Referral) -> list[ReferralResponse]:
    return list(referral.responses.select_related("provider").order_by("provider__name"))


def compare_responses(responses: list[ReferralResponse]) -> list[ReferralResponse]:
    """Those who can meet the child's needs, cheapest weekly fee first."""
    able = [r for r in responses if r.can_meet_needs and r.weekly_fee is not None]
    return sorted(able, key=lambda r: (r.weekly_fee, r.provider.name))


def received_referrals_for_user(user) -> QuerySet[ReferralResponse]:
    """A provider's rows for the referrals sent to it (never a draft); nothing for anyone else."""
    if not is_provider_user(user):
        return ReferralResponse.objects.none()
    return (
        ReferralResponse.objects.filter(provider_id=user.organisation_id)
        .exclude(referral__status=ReferralStatus.DRAFT)
        .select_related("referral", "referral__lot", "referral__authority", "provider")
        .order_by("-referral__sent_at", "-id")
    )


def get_received_referral_for_user_or_404(user, referral_pk) -> ReferralResponse:
    return get_object_or_404(received_referrals_for_user(user), referral_id=referral_pk)


def ipas_for_user(user) -> QuerySet[IndividualPlacementAgreement]:
    """The placing authority's commissioners and the provider's users; nobody else."""
    qs = IndividualPlacementAgreement.objects.select_related("authority", "provider", "lot", "lot__system")
    if is_council_commissioner(user):
        return qs.filter(authority_id=user.organisation_id)
    if is_provider_user(user):
        return qs.filter(provider_id=user.organisation_id)
    return qs.none()


def get_ipa_for_user_or_404(user, pk) -> IndividualPlacementAgreement:
    return get_object_or_404(ipas_for_user(user), pk=pk)
