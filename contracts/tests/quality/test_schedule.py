"""Scheduling QA visits by the contract's risk rating."""

import datetime

import pytest

from contracts.models import ContractStatus, QAVisit, QAVisitStatus, RiskRating
from contracts.services.quality import qa_visits_schedule
from contracts.tests.factories import make_contract

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("risk", "due"),
    [
        (RiskRating.HIGH, datetime.date(2026, 10, 1)),
        (RiskRating.MEDIUM, datetime.date(2027, 4, 1)),
        (RiskRating.LOW, datetime.date(2028, 3, 31)),
    ],
)
def test_first_visit_is_due_an_interval_after_the_start_never_after_the_end(
    northshire, oakfield, commissioner_northshire, risk, due
):
    """A never-visited contract's first visit is due 6, 12 or 24 months after it starts, capped at its end."""
    contract = make_contract(
        organisation=northshire, provider=oakfield, created_by=commissioner_northshire, risk_rating=risk
    )
    created = qa_visits_schedule(today=TODAY)
    assert [v.contract_id for v in created] == [contract.pk]
    assert created[0].due_on == due
    assert created[0].status == QAVisitStatus.SCHEDULED


@pytest.mark.parametrize(
    ("risk", "months"), [(RiskRating.HIGH, 6), (RiskRating.MEDIUM, 12), (RiskRating.LOW, 24)]
)
def test_next_visit_is_due_an_interval_after_the_last_visit(
    northshire, oakfield, commissioner_northshire, risk, months
):
    """After a completed visit the next is due that many months after the day of the visit."""
    contract = make_contract(
        organisation=northshire,
        provider=oakfield,
        created_by=commissioner_northshire,
        risk_rating=risk,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2031, 1, 1),
    )
    QAVisit.objects.create(
        contract=contract,
        status=QAVisitStatus.COMPLETED,
        due_on=datetime.date(2026, 6, 1),
        visited_on=datetime.date(2026, 6, 15),
        created_by=commissioner_northshire,
    )
    (visit,) = qa_visits_schedule(today=TODAY)
    expected_month = 6 + months
    assert visit.due_on == datetime.date(2026 + (expected_month - 1) // 12, (expected_month - 1) % 12 + 1, 15)


def test_scheduling_twice_creates_nothing_the_second_time(contract_northshire, contract_southvale):
    """The run is idempotent: one scheduled visit per contract, however often it runs."""
    assert len(qa_visits_schedule(today=TODAY)) == 2
    assert qa_visits_schedule(today=TODAY) == []
    assert QAVisit.objects.filter(status=QAVisitStatus.SCHEDULED).count() == 2


def test_contracts_not_live_are_not_scheduled(contract_northshire):
    """A contract being decommissioned or ended gets no new visit."""
    contract_northshire.status = ContractStatus.ENDED
    contract_northshire.save()
    assert qa_visits_schedule(today=TODAY) == []
