"""A purchasing system led by Northshire with Southvale as a member; Eastmoor is a third council outside it.
Oakfield and Riverside are active on lot L1 with the overarching contract accepted."""

import datetime

import pytest

from accounts.models import OrganisationKind, Role
from accounts.services import organisation_create, user_create
from conftest import PASSWORD
from procurement.models import Membership
from procurement.services import fps as fps_services
from procurement.services import referrals as referral_services

from .factories import admit, make_referral, place


@pytest.fixture
def eastmoor(db):
    """A third council, not a member of the system: sees nothing of it."""
    return organisation_create(
        name="Eastmoor Council", slug="eastmoor", kind=OrganisationKind.LOCAL_AUTHORITY, ons_code="E06000997"
    )


@pytest.fixture
def commissioner_eastmoor(eastmoor):
    return user_create(
        email="commissioner@eastmoor.test",
        full_name="Lena Brooks",
        organisation=eastmoor,
        roles=[Role.COMMISSIONER],
        password=PASSWORD,
    )


@pytest.fixture
def lead_southvale(southvale):
    """A lead commissioner at a member (not lead) authority: may not manage Northshire's system."""
    return user_create(
        email="lead@southvale.test",
        full_name="Ravi Mistry",
        organisation=southvale,
        roles=[Role.COMMISSIONER, Role.LEAD_COMMISSIONER],
        password=PASSWORD,
    )


@pytest.fixture
def system(lead_northshire, southvale):
    system = fps_services.purchasing_system_create(
        actor=lead_northshire,
        name="North West SEND Flexible Purchasing System",
        overarching_contract_title="Overarching agreement for SEND placements",
        overarching_contract_terms="1. The provider keeps its registration.\n2. It answers referrals.",
        starts_on=datetime.date(2026, 4, 1),
    )
    fps_services.purchasing_system_member_add(system=system, actor=lead_northshire, authority=southvale)
    return system


@pytest.fixture
def lot(system, lead_northshire):
    return fps_services.fps_lot_add(
        system=system, actor=lead_northshire, code="L1", title="0–16 day", age_from=0, age_to=16
    )


@pytest.fixture
def lot2(system, lead_northshire):
    return fps_services.fps_lot_add(
        system=system,
        actor=lead_northshire,
        code="L3",
        title="0–16 52-week residential",
        age_from=0,
        age_to=16,
    )


@pytest.fixture
def oakfield_place(lot, provider_oakfield, lead_northshire) -> Membership:
    return admit(lot, provider_oakfield, lead_northshire)


@pytest.fixture
def riverside_place(lot, provider_riverside, lead_northshire) -> Membership:
    return admit(lot, provider_riverside, lead_northshire, needs=("ASD", "SEMH"), area="Cheshire", places=1)


@pytest.fixture
def referral(commissioner_northshire, lot, oakfield_place, riverside_place):
    """Northshire's referral, sent to Oakfield and Riverside."""
    referral = make_referral(commissioner_northshire, lot)
    return referral_services.referral_send(referral=referral, actor=commissioner_northshire)


@pytest.fixture
def southvale_referral(commissioner_southvale, lot, oakfield_place, riverside_place):
    referral = make_referral(commissioner_southvale, lot, case_reference="SV-88123")
    return referral_services.referral_send(referral=referral, actor=commissioner_southvale)


@pytest.fixture
def ipa(referral, commissioner_northshire, provider_oakfield):
    return place(referral, commissioner_northshire, provider_oakfield)


@pytest.fixture
def southvale_ipa(southvale_referral, commissioner_southvale, provider_riverside):
    return place(southvale_referral, commissioner_southvale, provider_riverside)
