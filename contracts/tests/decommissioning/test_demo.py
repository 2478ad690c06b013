"""The demo decommissioning of NS-C-2024-007: made once, left alone on a second run, skipped quietly
when the contract is not there."""

import pytest

from contracts.models import ContractStatus, Decommissioning, DecommissioningStatus, FamilyCommunication
from contracts.tests.factories import make_contract
from dashboard.demo import decommissioning as demo

pytestmark = pytest.mark.django_db


def test_without_the_contract_nothing_happens(commissioner_northshire, lead_northshire):
    demo.seed()
    assert not Decommissioning.objects.exists()


def test_the_demo_decommissions_the_high_risk_contract_once(
    northshire, riverside, commissioner_northshire, lead_northshire
):
    contract = make_contract(
        organisation=northshire,
        provider=riverside,
        created_by=commissioner_northshire,
        reference="NS-C-2024-007",
        risk_rating="high",
    )
    demo.seed()
    demo.seed()
    decommissioning = Decommissioning.objects.get()
    assert decommissioning.contract == contract
    assert decommissioning.reason == "unsatisfactory"
    assert decommissioning.status == DecommissioningStatus.NOTICE_SERVED
    assert decommissioning.proposed_by == commissioner_northshire
    assert decommissioning.approved_by == lead_northshire
    rows = decommissioning.exit_rows.all()
    assert rows.count() == 3
    assert sorted(row.resolved for row in rows) == [False, True, True]
    assert FamilyCommunication.objects.filter(decommissioning=decommissioning).count() == 2
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DECOMMISSIONING
