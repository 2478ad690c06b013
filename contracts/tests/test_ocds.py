"""The open contracting export carries the contracts signed from a tender's awards, and nothing else of
Review."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import ContractOrigin, ContractStatus
from procurement.models import TenderStatus
from procurement.ocds.build import build_release_package
from procurement.ocds.validation import validate_release_package
from procurement.tests.ocds.conftest import NOW, TenderMaker, award, bid, days

from .factories import make_contract

pytestmark = pytest.mark.django_db


def _awarded_tender(commissioner, provider_user, *, title="Speech and language therapy"):
    make = TenderMaker(organisation=commissioner.organisation, author=commissioner)
    tender = make(
        TenderStatus.AWARDED,
        title=title,
        opened_at=NOW - days(19),
        award_recommended_at=NOW - days(6),
        standstill_started_at=NOW - days(15),
        awarded_at=NOW - days(4),
    )
    winner = bid(tender, provider_user, price=Decimal("412000.00"), answer="Our therapists")
    return tender, award(tender, winner, commissioner)


def _release(package, tender):
    return next(release for release in package["releases"] if release["tender"]["title"] == tender.title)


def test_a_contract_from_an_award_is_in_its_tenders_release_and_the_package_validates(
    commissioner_northshire, provider_oakfield, oakfield
):
    tender, the_award = _awarded_tender(commissioner_northshire, provider_oakfield)
    before = _release(build_release_package(), tender)
    assert "contracts" not in before and "contract" not in before["tag"]

    make_contract(
        organisation=commissioner_northshire.organisation,
        provider=oakfield,
        created_by=commissioner_northshire,
        reference="NS-C-031",
        title="Speech and language therapy 2026 to 2029",
        origin=ContractOrigin.AWARD,
        award=the_award,
        spot_justification="",
        value=Decimal("412000.00"),
        starts_on=datetime.date(2026, 5, 1),
        ends_on=datetime.date(2029, 4, 30),
    )
    package = build_release_package()
    assert validate_release_package(package) == []
    release = _release(package, tender)
    assert release["tag"] == [*before["tag"], "contract"]
    assert release["id"] != before["id"], "a changed release gets a new id"
    [contract] = release["contracts"]
    assert contract == {
        "id": "NS-C-031",
        "awardID": "lot-1",
        "title": "Speech and language therapy 2026 to 2029",
        "status": "active",
        "period": {"startDate": "2026-04-30T23:00:00Z", "endDate": "2029-04-30T22:59:59Z"},
        "value": {"amount": 412000, "currency": "GBP"},
        "dateSigned": contract["dateSigned"],
    }
    # Nothing of Review beyond the contract's public terms.
    text = str(package)
    for private in ("risk", "kpi", "return", "decommission", "spot_justification"):
        assert private not in text.lower()


def test_contract_statuses_follow_the_codelist(commissioner_northshire, provider_oakfield, oakfield):
    tender, the_award = _awarded_tender(commissioner_northshire, provider_oakfield)
    contract = make_contract(
        organisation=commissioner_northshire.organisation,
        provider=oakfield,
        created_by=commissioner_northshire,
        origin=ContractOrigin.AWARD,
        award=the_award,
        spot_justification="",
        starts_on=datetime.date(2099, 1, 1),
        ends_on=datetime.date(2100, 1, 1),
    )
    assert _release(build_release_package(), tender)["contracts"][0]["status"] == "pending"
    contract.status = ContractStatus.ENDED
    contract.save()
    assert _release(build_release_package(), tender)["contracts"][0]["status"] == "terminated"


def test_spot_purchases_and_fps_contracts_are_never_exported(
    commissioner_northshire, provider_oakfield, oakfield
):
    tender, _ = _awarded_tender(commissioner_northshire, provider_oakfield)
    make_contract(
        organisation=commissioner_northshire.organisation,
        provider=oakfield,
        created_by=commissioner_northshire,
    )
    assert "contracts" not in _release(build_release_package(), tender)


def test_the_queries_do_not_grow_with_contracts(commissioner_northshire, provider_oakfield, oakfield):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            build_release_package()
        return len(captured)

    _awarded_tender(commissioner_northshire, provider_oakfield, title="First")
    few = queries()
    for n in range(5):
        _, the_award = _awarded_tender(commissioner_northshire, provider_oakfield, title=f"More {n}")
        make_contract(
            organisation=commissioner_northshire.organisation,
            provider=oakfield,
            created_by=commissioner_northshire,
            origin=ContractOrigin.AWARD,
            award=the_award,
            spot_justification="",
        )
    assert queries() == few
