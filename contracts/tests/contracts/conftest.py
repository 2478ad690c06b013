"""Objects the contract management tests start from: an awarded Northshire tender won by Oakfield, a
return submitted by Oakfield on the Northshire contract, a meeting with actions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from contracts.services import meetings as meeting_services
from contracts.services import returns as return_services

from .factories import make_award

TERMS = {
    "reference": "NS-C-2027-001",
    "description": "",
    "starts_on": datetime.date(2027, 4, 1),
    "ends_on": datetime.date(2029, 3, 31),
    "extension_options": "One period of 12 months",
    "extension_months_available": 12,
    "notice_period_months": 6,
}


@pytest.fixture
def award_northshire(northshire, commissioner_northshire, provider_oakfield):
    return make_award(northshire, commissioner_northshire, provider_oakfield)


@pytest.fixture
def award_southvale(southvale, commissioner_southvale, provider_riverside):
    return make_award(southvale, commissioner_southvale, provider_riverside, reference="SV-2026-001")


def submit_return(
    contract, provider_user, *, start=datetime.date(2026, 4, 1), end=datetime.date(2026, 6, 30)
):
    return return_services.return_submit(
        actor=provider_user,
        contract=contract,
        period_start=start,
        period_end=end,
        provider_commentary="A steady quarter.",
        results={kpi.pk: (Decimal("92"), "") for kpi in contract.kpis.all()},
    )


@pytest.fixture
def return_northshire(contract_northshire, provider_oakfield):
    return submit_return(contract_northshire, provider_oakfield)


@pytest.fixture
def return_southvale(contract_southvale, provider_riverside):
    return submit_return(contract_southvale, provider_riverside)


def record_meeting(contract, commissioner, owner="provider"):
    return meeting_services.meeting_record(
        actor=commissioner,
        contract=contract,
        held_on=datetime.date(2026, 5, 1),
        attendees="Priya Shah, council\nDaniel Okafor, provider",
        notes="Internal view: staffing is thin.",
        actions=[
            {
                "description": "Send the staffing plan",
                "owner": owner,
                "owner_name": "",
                "due_on": datetime.date(2026, 6, 1),
            }
        ],
    )


@pytest.fixture
def action_northshire(contract_northshire, commissioner_northshire):
    return record_meeting(contract_northshire, commissioner_northshire).actions.get()


@pytest.fixture
def action_southvale(contract_southvale, commissioner_southvale):
    return record_meeting(contract_southvale, commissioner_southvale).actions.get()
