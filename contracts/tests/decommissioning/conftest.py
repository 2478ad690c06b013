"""Decommissioning's test objects: a Northshire contract with Oakfield and a Southvale contract with
Riverside, each started two years ago and running two more (so notice can be served in the past and the
service can have ended), a second Northshire commissioner to approve, and placement agreements."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_create
from conftest import PASSWORD
from contracts.tests.factories import make_contract
from procurement.services import fps as fps_services
from procurement.services import referrals as referral_services
from procurement.tests.fps.factories import admit, make_referral, place

from . import helpers


def _dates():
    today = timezone.localdate()
    return {
        "starts_on": today - datetime.timedelta(days=730),
        "ends_on": today + datetime.timedelta(days=730),
    }


@pytest.fixture
def second_commissioner_northshire(northshire):
    """Another Northshire commissioner: approves what commissioner_northshire proposes."""
    return user_create(
        email="second@northshire.test",
        full_name="Ruth Osei",
        organisation=northshire,
        roles=[Role.COMMISSIONER],
        password=PASSWORD,
    )


@pytest.fixture
def ns_contract(northshire, oakfield, commissioner_northshire):
    return make_contract(
        organisation=northshire,
        provider=oakfield,
        created_by=commissioner_northshire,
        reference="NS-C-101",
        **_dates(),
    )


@pytest.fixture
def sv_contract(southvale, riverside, commissioner_southvale):
    return make_contract(
        organisation=southvale,
        provider=riverside,
        created_by=commissioner_southvale,
        reference="SV-C-101",
        **_dates(),
    )


@pytest.fixture
def ns_proposed(ns_contract, commissioner_northshire):
    return helpers.propose(ns_contract, commissioner_northshire)


@pytest.fixture
def ns_approved(ns_proposed, second_commissioner_northshire):
    return helpers.approve(ns_proposed, second_commissioner_northshire)


@pytest.fixture
def ns_served(ns_approved, commissioner_northshire):
    return helpers.serve(ns_approved, commissioner_northshire)


@pytest.fixture
def sv_served(sv_contract, commissioner_southvale, southvale):
    other = user_create(
        email="second@southvale.test",
        full_name="Iris Bell",
        organisation=southvale,
        roles=[Role.COMMISSIONER],
        password=PASSWORD,
    )
    decommissioning = helpers.propose(sv_contract, commissioner_southvale)
    decommissioning = helpers.approve(decommissioning, other)
    return helpers.serve(decommissioning, commissioner_southvale)


@pytest.fixture
def lot(lead_northshire, southvale, provider_oakfield, provider_riverside):
    """A purchasing system led by Northshire with Southvale a member; Oakfield and Riverside on lot L1."""
    system = fps_services.purchasing_system_create(
        actor=lead_northshire,
        name="North West SEND Flexible Purchasing System",
        overarching_contract_title="Overarching agreement for SEND placements",
        overarching_contract_terms="1. The provider keeps its registration.",
        starts_on=datetime.date(2024, 4, 1),
    )
    fps_services.purchasing_system_member_add(system=system, actor=lead_northshire, authority=southvale)
    lot = fps_services.fps_lot_add(
        system=system, actor=lead_northshire, code="L1", title="0–16 day", age_from=0, age_to=16
    )
    admit(lot, provider_oakfield, lead_northshire)
    admit(lot, provider_riverside, lead_northshire)
    return lot


@pytest.fixture
def make_ipa(lot):
    """Place a child by case reference with a provider, through the referral services."""

    def make(commissioner, provider_user, case_reference, *, on_lot=None):
        referral = make_referral(commissioner, on_lot or lot, case_reference=case_reference)
        referral = referral_services.referral_send(referral=referral, actor=commissioner)
        return place(referral, commissioner, provider_user)

    return make
