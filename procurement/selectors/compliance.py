"""Reads for compliance packs: expiry flags and what is missing.

A provider user reaches only their own organisation's pack; a council commissioner reaches every pack;
nobody else reaches any. An item outside that scope answers 404 like a missing one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.rules import is_provider_user

from ..models import (
    FinancialCheck,
    Insurance,
    InsuranceKind,
    Policy,
    PolicyKind,
    ProviderProfile,
    ProviderSetting,
)
from ..rules import is_council_commissioner

WARN_DAYS = 60
URGENT_DAYS = 30


def profiles_for_user(user) -> QuerySet[ProviderProfile]:
    qs = ProviderProfile.objects.select_related("organisation")
    if is_council_commissioner(user):
        return qs
    if is_provider_user(user):
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()


def get_profile_for_user_or_404(user, pk) -> ProviderProfile:
    return get_object_or_404(profiles_for_user(user), pk=pk)


def own_profile(user) -> ProviderProfile | None:
    """A provider user's own pack, or None while nothing has been added to it yet (reading never
    creates one)."""
    if not is_provider_user(user):
        return None
    return profiles_for_user(user).filter(organisation_id=user.organisation_id).first()


# Items of the packs a user reaches, not removed: a provider user their own, a council commissioner every
# provider's. Editing pages also need `procurement.edit_own_pack`, which only provider users hold.


def insurances_for_user(user) -> QuerySet[Insurance]:
    return Insurance.objects.filter(
        profile__in=profiles_for_user(user), removed_at__isnull=True
    ).select_related("profile__organisation", "certificate")


def get_insurance_for_user_or_404(user, pk) -> Insurance:
    return get_object_or_404(insurances_for_user(user), pk=pk)


def settings_for_user(user) -> QuerySet[ProviderSetting]:
    return ProviderSetting.objects.filter(
        profile__in=profiles_for_user(user), removed_at__isnull=True
    ).select_related("profile__organisation", "registration_certificate", "statement_of_purpose")


def get_setting_for_user_or_404(user, pk) -> ProviderSetting:
    return get_object_or_404(settings_for_user(user), pk=pk)


def policies_for_user(user) -> QuerySet[Policy]:
    return Policy.objects.filter(profile__in=profiles_for_user(user), removed_at__isnull=True).select_related(
        "profile__organisation", "document"
    )


def get_policy_for_user_or_404(user, pk) -> Policy:
    return get_object_or_404(policies_for_user(user), pk=pk)


def financial_checks_for_profile(profile: ProviderProfile) -> QuerySet[FinancialCheck]:
    """A pack's financial checks, latest first, with who recorded each. Reach the profile through
    `get_profile_for_user_or_404` or `own_profile` first."""
    return profile.financial_checks.select_related("checked_by", "council").order_by("-checked_on", "-id")


@dataclass(frozen=True)
class ExpiryFlag:
    item: object
    label: str
    date: datetime.date
    days_left: int  # negative when already past

    @property
    def expired(self) -> bool:
        return self.days_left < 0

    @property
    def urgent(self) -> bool:
        return self.days_left <= URGENT_DAYS

    @property
    def text(self) -> str:
        if self.expired:
            return "Expired"
        if self.days_left == 0:
            return "Expires today"
        return f"Expires in {self.days_left} day{'s' if self.days_left != 1 else ''}"


def _flags(insurances, policies, today: datetime.date) -> list[ExpiryFlag]:
    flags = [
        ExpiryFlag(insurance, str(insurance), insurance.expires_on, (insurance.expires_on - today).days)
        for insurance in insurances
    ] + [
        ExpiryFlag(policy, f"{policy} review", policy.review_on, (policy.review_on - today).days)
        for policy in policies
    ]
    return sorted(flags, key=lambda flag: (flag.date, flag.label))


def expiry_flags_by_profile(
    profile_ids, *, today: datetime.date | None = None
) -> dict[int, list[ExpiryFlag]]:
    """For each pack, its insurances and policies expired or due within 60 days, soonest first: two
    queries however many packs there are."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=WARN_DAYS)
    profile_ids = list(profile_ids)
    insurances: dict[int, list] = {pk: [] for pk in profile_ids}
    policies: dict[int, list] = {pk: [] for pk in profile_ids}
    for insurance in Insurance.objects.filter(
        profile_id__in=profile_ids, removed_at__isnull=True, expires_on__lte=horizon
    ):
        insurances[insurance.profile_id].append(insurance)
    for policy in Policy.objects.filter(
        profile_id__in=profile_ids, removed_at__isnull=True, review_on__lte=horizon
    ):
        policies[policy.profile_id].append(policy)
    return {pk: _flags(insurances[pk], policies[pk], today) for pk in profile_ids}


def pack_expiry_flags(profile: ProviderProfile, *, today: datetime.date | None = None) -> list[ExpiryFlag]:
    """The pack's insurances and policies expired or due within 60 days, soonest first."""
    return expiry_flags_by_profile([profile.pk], today=today)[profile.pk]


@dataclass
class Completeness:
    in_place: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.in_place) + len(self.missing)

    @property
    def summary(self) -> str:
        return f"{len(self.in_place)} of {self.total} items in place"


def pack_completeness(profile: ProviderProfile | None) -> Completeness:
    """Seven items a pack needs: a registered setting with its certificate and statement of purpose, the
    three insurances, a safeguarding policy, and a passed financial check. Without a profile yet, every
    item is missing."""
    result = Completeness()
    if profile is None:
        settings_, insurance_kinds, policy_kinds, latest_check = [], set(), set(), None
    else:
        settings_ = list(profile.settings.filter(removed_at__isnull=True))
        insurance_kinds = set(
            profile.insurances.filter(removed_at__isnull=True).values_list("kind", flat=True)
        )
        policy_kinds = set(profile.policies.filter(removed_at__isnull=True).values_list("kind", flat=True))
        latest_check = profile.financial_checks.order_by("-checked_on", "-id").first()
    checks = [
        ("At least one registered school or setting", bool(settings_)),
        (
            "A registration certificate and statement of purpose for every setting",
            bool(settings_)
            and all(s.registration_certificate_id and s.statement_of_purpose_id for s in settings_),
        ),
        *[(f"{kind.label} insurance", kind.value in insurance_kinds) for kind in InsuranceKind],
        ("Safeguarding policy", PolicyKind.SAFEGUARDING in policy_kinds),
        ("A passed financial check", latest_check is not None and latest_check.result == "pass"),
    ]
    for label, ok in checks:
        (result.in_place if ok else result.missing).append(label)
    return result
