"""The OCDS release package: valid against the vendored schema, public tender facts only, nothing sealed."""

from __future__ import annotations

import json
import socket

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from procurement.models import Tender, TenderStatus
from procurement.ocds.build import (
    LOTS_EXTENSION,
    build_release,
    build_release_package,
    ocid_for,
    tenders_for_export,
)
from procurement.ocds.validation import validate_release_package

from .conftest import (
    CANCELLED_REASON,
    CLARIFICATION_QUESTION,
    LOSING_ANSWER,
    LOSING_PRICE,
    NOW,
    SEALED_ANSWER,
    SEALED_BIDDER,
    SEALED_PRICE,
    WINNING_PRICE,
    TenderMaker,
    bid,
    days,
)

pytestmark = pytest.mark.django_db


def _releases_by_ocid(package: dict) -> dict[str, dict]:
    return {release["ocid"]: release for release in package["releases"]}


def _release(tender: Tender) -> dict:
    return build_release(tenders_for_export().get(pk=tender.pk))


def _text(package: dict) -> str:
    return json.dumps(package, ensure_ascii=False)


def test_the_package_of_tenders_in_every_state_validates_with_no_errors(tenders):
    package = build_release_package()
    assert validate_release_package(package) == []
    assert len(package["releases"]) == 7  # six published Northshire tenders and Southvale's
    assert package["version"] == "1.1"
    assert package["extensions"] == [LOTS_EXTENSION]
    assert package["license"].startswith("https://www.nationalarchives.gov.uk/doc/open-government-licence/")


def test_draft_tenders_are_never_in_the_package(tenders):
    package = build_release_package()
    assert ocid_for(tenders["draft"]) not in _releases_by_ocid(package)
    assert "A draft nobody outside the council may see" not in _text(package)


@pytest.mark.parametrize("state", ["published", "closed"])
def test_nothing_of_a_sealed_bid_appears_before_opening(tenders, state):
    """Before opening: no price, no bidder, no answer, not even how many bids there are."""
    release = _release(tenders[state])
    text = _text(release)
    for secret in (str(SEALED_PRICE), "987654", SEALED_ANSWER, SEALED_BIDDER, "quietwater"):
        assert secret not in text
    assert "numberOfTenderers" not in release["tender"]
    assert "awards" not in release
    assert [party["roles"] for party in release["parties"]] == [["buyer", "procuringEntity"]]


def test_the_number_of_tenderers_appears_once_the_bids_are_opened(tenders):
    """Withdrawn bids are not counted; each provider counts once."""
    assert _release(tenders["evaluation"])["tender"]["numberOfTenderers"] == 2
    assert _release(tenders[TenderStatus.STANDSTILL])["tender"]["numberOfTenderers"] == 2
    assert _release(tenders[TenderStatus.AWARDED])["tender"]["numberOfTenderers"] == 2


def test_no_losing_bid_and_no_answer_ever_appears(tenders):
    text = _text(build_release_package())
    for secret in (
        str(LOSING_PRICE),
        "398765",
        LOSING_ANSWER,
        SEALED_ANSWER,
        str(SEALED_PRICE),
        SEALED_BIDDER,
    ):
        assert secret not in text
    assert "Winning answer" not in text


def test_nothing_personal_appears(tenders):
    """No person's name or email, no clarification or its asker, no cancellation reason, no evaluation."""
    text = _text(build_release_package())
    for user in User.objects.all():
        assert user.full_name not in text
        assert user.email not in text
    for secret in (CANCELLED_REASON, CLARIFICATION_QUESTION, "Grace Kowalski", "No conflicts", "81.5"):
        assert secret not in text


def test_an_award_in_standstill_is_pending_with_the_winning_bid_and_supplier(tenders, oakfield):
    release = _release(tenders[TenderStatus.STANDSTILL])
    assert release["tag"] == ["award"]
    assert release["tender"]["status"] == "active"
    (award,) = release["awards"]
    assert award["status"] == "pending"
    assert award["value"] == {"amount": float(WINNING_PRICE), "currency": "GBP"}
    assert award["suppliers"] == [{"id": "ocds-0000000-oakfield", "name": "Oakfield School Ltd"}]
    assert award["relatedLots"] == ["1"]
    assert award["date"] == "2026-11-30T09:00:00Z"
    supplier = next(party for party in release["parties"] if party["roles"] == ["supplier"])
    assert supplier["name"] == oakfield.name
    assert supplier["identifier"] == {"scheme": "ocds-0000000", "id": "oakfield"}


@pytest.mark.parametrize(
    ("state", "tags", "status", "method", "award_status"),
    [
        ("published", ["tender"], "active", "open", None),
        ("closed", ["tenderUpdate"], "active", "open", None),
        ("evaluation", ["tenderUpdate"], "active", "selective", None),
        (TenderStatus.STANDSTILL, ["award"], "active", "open", "pending"),
        (TenderStatus.AWARDED, ["tenderUpdate", "awardUpdate"], "complete", "direct", "active"),
        ("cancelled", ["tenderCancellation"], "cancelled", "open", None),
    ],
)
def test_each_state_maps_to_the_ocds_codelists(tenders, state, tags, status, method, award_status):
    release = _release(tenders[state])
    assert release["tag"] == tags
    assert release["initiationType"] == "tender"
    assert release["tender"]["status"] == status
    assert release["tender"]["procurementMethod"] == method
    assert [award["status"] for award in release.get("awards", [])] == (
        [award_status] if award_status else []
    )


def test_a_published_tender_carries_its_public_facts(tenders, northshire, settings):
    """Its documents link to the tender's page in the service, never to a file."""
    settings.SITE_URL = "http://testserver"
    tender = tenders["published"]
    release = _release(tender)
    section = release["tender"]
    assert release["ocid"] == f"ocds-0000000-northshire-{tender.pk}"
    assert release["buyer"] == {"id": "ocds-0000000-northshire", "name": "Northshire Council"}
    assert section["id"] == tender.reference
    assert section["title"] == tender.title
    assert section["value"] == {"amount": 450000, "currency": "GBP"}
    assert section["procurementMethodDetails"] == "Open procedure"
    assert section["tenderPeriod"] == {"startDate": "2026-11-28T09:00:00Z", "endDate": "2026-12-23T09:00:00Z"}
    assert section["enquiryPeriod"]["endDate"] == "2026-12-13T09:00:00Z"
    assert section["awardCriteria"] == "ratedCriteria"
    assert section["awardCriteriaDetails"] == (
        "How will you staff the service? (quality question): 60%; Price: 30%; Social value: 10%"
    )
    assert section["lots"] == [
        {"id": "1", "title": "Primary schools", "value": {"amount": 250000, "currency": "GBP"}}
    ]
    (document,) = section["documents"]
    assert document["title"] == "Service specification" and document["format"] == "application/pdf"
    assert document["url"] == f"http://testserver/procurement/tenders/{tender.pk}/"
    assert "tenders/specification.pdf" not in _text(release)


def test_the_ocid_is_stable_and_the_release_id_changes_with_each_public_stage(tenders):
    tender = tenders["published"]
    first = _release(tender)
    assert _release(tender) == first  # built twice, the same release
    Tender.objects.filter(pk=tender.pk).update(status=TenderStatus.CLOSED, closed_at=NOW + days(20))
    closed = _release(tender)
    Tender.objects.filter(pk=tender.pk).update(status=TenderStatus.EVALUATION, opened_at=NOW + days(21))
    opened = _release(tender)
    assert first["ocid"] == closed["ocid"] == opened["ocid"]
    assert len({first["id"], closed["id"], opened["id"]}) == 3
    assert closed["id"] == f"{first['ocid']}-closed-20261223T090000Z"
    assert opened["tender"]["numberOfTenderers"] == 1


def test_a_tender_cancelled_in_standstill_shows_its_award_cancelled(tenders):
    tender = tenders[TenderStatus.STANDSTILL]
    Tender.objects.filter(pk=tender.pk).update(status=TenderStatus.CANCELLED, cancelled_at=NOW)
    release = _release(tender)
    assert release["tag"] == ["tenderCancellation", "awardCancellation"]
    assert [award["status"] for award in release["awards"]] == ["cancelled"]
    assert validate_release_package({**build_release_package(), "releases": [release]}) == []


def test_one_authoritys_package_holds_only_its_tenders(tenders, southvale):
    package = build_release_package(organisation=southvale)
    assert list(_releases_by_ocid(package)) == [ocid_for(tenders["southvale"])]
    assert package["uri"].endswith("/procurement/open-data/download/?organisation=southvale")
    assert validate_release_package(package) == []


def test_with_no_published_tender_the_package_has_no_release(commissioner_northshire):
    make = TenderMaker(organisation=commissioner_northshire.organisation, author=commissioner_northshire)
    make(TenderStatus.DRAFT)
    package = build_release_package(now=NOW)
    assert package["releases"] == []
    assert package["publishedDate"] == "2026-12-03T09:00:00Z"


def test_settings_name_the_prefix_and_the_publisher(tenders, settings):
    settings.OCDS_OCID_PREFIX = "ocds-abc123"
    settings.OCDS_PUBLISHER_NAME = "Northshire Council"
    package = build_release_package()
    assert package["publisher"] == {"name": "Northshire Council"}
    assert all(release["ocid"].startswith("ocds-abc123-") for release in package["releases"])
    assert validate_release_package(package) == []


def test_building_and_validating_open_no_network_connection(tenders, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the export tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert validate_release_package(build_release_package()) == []


def test_the_number_of_queries_does_not_grow_with_the_number_of_tenders(
    tenders, commissioner_northshire, provider_oakfield
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            build_release_package()
        return len(captured)

    few = queries()
    make = TenderMaker(organisation=commissioner_northshire.organisation, author=commissioner_northshire)
    for _ in range(10):
        bid(make(TenderStatus.EVALUATION, opened_at=NOW), provider_oakfield, price=WINNING_PRICE, answer="A")
    assert queries() == few
