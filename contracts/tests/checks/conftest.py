"""Annual checks' test objects.

- `system`: the North West FPS, led by Northshire with Southvale a member; check date 1 April.
  Oakfield is active on lots L1 and L2, Riverside on L1.
- `eastmoor_system`: a system led by Eastmoor (no persona's council belongs to it) with Hillcrest on it,
  so every page can be tried against a check nobody here may reach.
"""

import datetime

import pytest

from accounts.models import OrganisationKind, Role
from accounts.services import organisation_create, user_create
from conftest import PASSWORD
from contracts.models import ProviderCheck
from contracts.services import checks as services
from procurement.services import fps as fps_services

from .helpers import CHECK_DAY


def _lead(email, name, organisation):
    return user_create(
        email=email,
        full_name=name,
        organisation=organisation,
        roles=[Role.COMMISSIONER, Role.LEAD_COMMISSIONER],
        password=PASSWORD,
    )


def _system(lead, name):
    return fps_services.purchasing_system_create(
        actor=lead,
        name=name,
        overarching_contract_title="Overarching agreement",
        overarching_contract_terms="1. The provider keeps its registration.",
        starts_on=datetime.date(2025, 4, 1),
    )


def _admit(lot, provider, lead):
    return fps_services.membership_admit(lot=lot, provider=provider, actor=lead, reason="Moved across")


@pytest.fixture
def lead_southvale(southvale):
    """A lead commissioner at a member (not lead) authority: may not decide Northshire's checks."""
    return _lead("lead@southvale.test", "Ravi Mistry", southvale)


@pytest.fixture
def system(lead_northshire, southvale):
    system = _system(lead_northshire, "North West SEND Flexible Purchasing System")
    fps_services.purchasing_system_member_add(system=system, actor=lead_northshire, authority=southvale)
    return system


@pytest.fixture
def lots(system, lead_northshire):
    return [
        fps_services.fps_lot_add(
            system=system, actor=lead_northshire, code=code, title=title, age_from=0, age_to=16
        )
        for code, title in (("L1", "0–16 day"), ("L2", "0–16 residential"))
    ]


@pytest.fixture
def places(lots, lead_northshire, oakfield, riverside, provider_oakfield, provider_riverside):
    """Oakfield on L1 and L2, Riverside on L1, all active."""
    return {
        "oakfield": [_admit(lots[0], oakfield, lead_northshire), _admit(lots[1], oakfield, lead_northshire)],
        "riverside": [_admit(lots[0], riverside, lead_northshire)],
    }


@pytest.fixture
def eastmoor_system(db):
    eastmoor = organisation_create(
        name="Eastmoor Council", slug="eastmoor", kind=OrganisationKind.LOCAL_AUTHORITY, ons_code="E06000997"
    )
    hillcrest = organisation_create(
        name="Hillcrest Care Ltd", slug="hillcrest", kind=OrganisationKind.PROVIDER
    )
    lead = _lead("lead@eastmoor.test", "Lena Brooks", eastmoor)
    system = _system(lead, "Eastmoor Dynamic Purchasing System")
    lot = fps_services.fps_lot_add(system=system, actor=lead, code="L1", title="Day", age_from=0, age_to=16)
    _admit(lot, hillcrest, lead)
    return system


@pytest.fixture
def checks(places):
    """This year's checks on the Northshire system, as made on the check date."""
    services.annual_checks_run(today=CHECK_DAY)
    return {check.provider.slug: check for check in ProviderCheck.objects.select_related("provider")}


@pytest.fixture
def other_check(eastmoor_system):
    """Hillcrest's check on Eastmoor's system: no persona may reach it."""
    services.annual_checks_run(today=CHECK_DAY)
    return ProviderCheck.objects.get(system=eastmoor_system)
