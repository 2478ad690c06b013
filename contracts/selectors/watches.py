"""Reads for the daily watches: provider documents and insurances about to expire, contracts reaching
their notice point.

The watch-wide reads (for reminders) cover every provider and authority. What a commissioner sees on the
expiring-documents page is scoped by `expiring_documents_for_user`: the providers on a purchasing system
their authority leads or belongs to, and the providers under a live contract with it. Nobody else sees any.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet

from accounts.models import Organisation
from procurement.models import Insurance, Membership, MembershipStatus, Policy

from ..models import Contract, ContractStatus
from ..rules.common import is_council_commissioner

EXPIRY_WINDOW_DAYS = 60
# The longest notice period a contract may have (Contract.notice_period_months' validator).
MAX_NOTICE_MONTHS = 36


@dataclass(frozen=True)
class ExpiringItem:
    """One insurance or policy of a provider, with the date it expires or falls due for review."""

    item: Insurance | Policy
    provider: Organisation
    what: str
    expires_on: datetime.date
    kind: str  # "insurance" or "policy"


def _insurances(*, today, within_days: int, provider_ids=None) -> QuerySet[Insurance]:
    qs = Insurance.objects.filter(
        removed_at__isnull=True,
        expires_on__gte=today,
        expires_on__lte=today + datetime.timedelta(days=within_days),
    ).select_related("profile__organisation")
    return qs if provider_ids is None else qs.filter(profile__organisation_id__in=provider_ids)


def _policies(*, today, within_days: int, provider_ids=None) -> QuerySet[Policy]:
    qs = Policy.objects.filter(
        removed_at__isnull=True,
        review_on__gte=today,
        review_on__lte=today + datetime.timedelta(days=within_days),
    ).select_related("profile__organisation")
    return qs if provider_ids is None else qs.filter(profile__organisation_id__in=provider_ids)


def expiring_items(
    *, today: datetime.date, within_days: int = EXPIRY_WINDOW_DAYS, provider_ids=None
) -> list[ExpiringItem]:
    """Insurances expiring and policies due for review from today to `today + within_days`, soonest first.

    Every provider unless `provider_ids` narrows it; removed items are left out.
    """
    items = [
        ExpiringItem(
            item=insurance,
            provider=insurance.profile.organisation,
            what=str(insurance),
            expires_on=insurance.expires_on,
            kind="insurance",
        )
        for insurance in _insurances(today=today, within_days=within_days, provider_ids=provider_ids)
    ] + [
        ExpiringItem(
            item=policy,
            provider=policy.profile.organisation,
            what=str(policy),
            expires_on=policy.review_on,
            kind="policy",
        )
        for policy in _policies(today=today, within_days=within_days, provider_ids=provider_ids)
    ]
    return sorted(items, key=lambda entry: (entry.expires_on, entry.provider.name, entry.kind, entry.item.pk))


def providers_watched_by_user(user) -> QuerySet[Organisation]:
    """Providers a council commissioner watches: members (not removed) of a purchasing system their
    authority leads or belongs to, and providers under a live or ending contract with it."""
    if not is_council_commissioner(user):
        return Organisation.objects.none()
    organisation_id = user.organisation_id
    on_systems = (
        Membership.objects.filter(
            Q(lot__system__lead_authority_id=organisation_id)
            | Q(lot__system__member_authorities=organisation_id)
        )
        .exclude(status=MembershipStatus.REMOVED)
        .values("provider_id")
    )
    under_contract = Contract.objects.filter(
        organisation_id=organisation_id,
        status__in=[ContractStatus.LIVE, ContractStatus.DECOMMISSIONING],
    ).values("provider_id")
    return Organisation.objects.filter(Q(pk__in=on_systems) | Q(pk__in=under_contract)).order_by("name")


def expiring_documents_for_user(user, *, today: datetime.date) -> list[ExpiringItem]:
    """What expires within 60 days among the providers the person watches; empty for anyone else."""
    provider_ids = list(providers_watched_by_user(user).values_list("pk", flat=True))
    if not provider_ids:
        return []
    return expiring_items(today=today, provider_ids=provider_ids)


def contracts_at_notice_point(*, today: datetime.date, within_days: int = 30) -> list[Contract]:
    """Live contracts with no review decision whose notice point is within `within_days` or has passed."""
    horizon = today + datetime.timedelta(days=within_days)
    candidates = (
        Contract.objects.filter(
            status=ContractStatus.LIVE,
            review_decision="",
            ends_on__lte=horizon + relativedelta(months=MAX_NOTICE_MONTHS),
        )
        .select_related("organisation", "provider")
        .order_by("ends_on", "pk")
    )
    return [contract for contract in candidates if contract.notice_point <= horizon]
