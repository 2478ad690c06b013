"""Reads for the annual provider checks. Every read scopes through one of three querysets:

- `checks_for_user`: a council commissioner reaches the checks of the systems their authority leads or
  belongs to (status only, unless they lead it); a provider user its own checks; nobody else any.
- `checks_led_by_user`: a lead commissioner reaches the checks of the systems their authority leads.
- `own_checks_for_user`: a provider user's own checks.

Out of reach answers 404 exactly like a missing check.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.rules import is_provider_user
from procurement.models import Membership, MembershipStatus
from procurement.selectors.fps import purchasing_systems_for_user, purchasing_systems_led_by_user

from ..models import ProviderCheck, ProviderCheckEvidence, ProviderCheckStatus
from ..rules.common import is_council_commissioner


def _base() -> QuerySet[ProviderCheck]:
    return ProviderCheck.objects.select_related("system", "system__lead_authority", "provider")


def checks_for_user(user) -> QuerySet[ProviderCheck]:
    if is_council_commissioner(user):
        return _base().filter(system__in=purchasing_systems_for_user(user).values("pk"))
    if is_provider_user(user):
        return _base().filter(provider_id=user.organisation_id)
    return ProviderCheck.objects.none()


def get_check_for_user_or_404(user, pk) -> ProviderCheck:
    return get_object_or_404(checks_for_user(user), pk=pk)


def checks_led_by_user(user) -> QuerySet[ProviderCheck]:
    return _base().filter(system__in=purchasing_systems_led_by_user(user).values("pk"))


def get_led_check_or_404(user, pk) -> ProviderCheck:
    return get_object_or_404(checks_led_by_user(user), pk=pk)


def own_checks_for_user(user) -> QuerySet[ProviderCheck]:
    if not is_provider_user(user):
        return ProviderCheck.objects.none()
    return _base().filter(provider_id=user.organisation_id)


def get_own_check_or_404(user, pk) -> ProviderCheck:
    return get_object_or_404(own_checks_for_user(user), pk=pk)


def user_leads_check(user, check: ProviderCheck) -> bool:
    return checks_led_by_user(user).filter(pk=check.pk).exists()


def get_evidence_for_user_or_404(user, pk) -> ProviderCheckEvidence:
    """A piece of evidence: for the lead authority's lead commissioners and the provider's own users."""
    reachable = Q(provider_check__in=checks_led_by_user(user).values("pk")) | Q(
        provider_check__in=own_checks_for_user(user).values("pk")
    )
    return get_object_or_404(
        ProviderCheckEvidence.objects.select_related("document", "provider_check").filter(reachable), pk=pk
    )


def check_evidence(check: ProviderCheck) -> list[ProviderCheckEvidence]:
    return list(check.evidence.select_related("document").order_by("area", "added_at"))


def status_counts(checks: QuerySet[ProviderCheck]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, in the workflow's order, zeros included."""
    counts = dict(checks.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in ProviderCheckStatus.choices]


def check_years(checks: QuerySet[ProviderCheck]) -> list[int]:
    return list(checks.order_by("-year").values_list("year", flat=True).distinct())


def suspended_places(check: ProviderCheck) -> QuerySet[Membership]:
    """The provider's suspended places on the check's system (to reinstate once the evidence is good)."""
    return Membership.objects.filter(
        lot__system_id=check.system_id, provider_id=check.provider_id, status=MembershipStatus.SUSPENDED
    ).select_related("lot")
