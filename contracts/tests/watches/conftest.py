"""Objects the watches' tests start from: compliance packs, a purchasing system, dates around a threshold."""

import datetime

import pytest

from procurement.models import (
    FpsLot,
    Insurance,
    InsuranceKind,
    Membership,
    Policy,
    PolicyKind,
    ProviderProfile,
    PurchasingSystem,
)

TODAY = datetime.date(2026, 12, 3)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def profile_of(organisation) -> ProviderProfile:
    return ProviderProfile.objects.get_or_create(organisation=organisation)[0]


def add_insurance(organisation, expires_on, **fields) -> Insurance:
    values = {
        "kind": InsuranceKind.PUBLIC_LIABILITY,
        "insurer": "Northern Mutual",
        "cover_pounds": 5_000_000,
        "expires_on": expires_on,
    }
    values.update(fields)
    return Insurance.objects.create(profile=profile_of(organisation), **values)


def add_policy(organisation, review_on, **fields) -> Policy:
    values = {"kind": PolicyKind.SAFEGUARDING, "review_on": review_on}
    values.update(fields)
    return Policy.objects.create(profile=profile_of(organisation), **values)


@pytest.fixture
def system_with_riverside(northshire, southvale, lead_northshire, riverside):
    """Northshire leads a purchasing system Southvale belongs to; Riverside has an active place on it."""
    system = PurchasingSystem.objects.create(
        name="North West SEND FPS",
        lead_authority=northshire,
        overarching_contract_title="Overarching agreement",
        overarching_contract_terms="Terms",
        starts_on=datetime.date(2026, 4, 1),
    )
    system.member_authorities.add(northshire, southvale)
    lot = FpsLot.objects.create(system=system, code="L1", title="0–16 day")
    Membership.objects.create(lot=lot, provider=riverside, admitted_by=lead_northshire)
    return system
