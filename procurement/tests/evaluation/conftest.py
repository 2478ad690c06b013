"""Factories for evaluation tests: tenders already opened (in evaluation) with submitted bids, built
straight through the ORM with every state field set explicitly."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from conftest import _person
from procurement.models import (
    AwardCriterion,
    BidComplianceCheck,
    ComplianceCheckKind,
    ConflictDeclaration,
    CriterionKind,
    Lot,
    ModeratedScore,
    PanelMember,
    Submission,
    SubmissionAnswer,
    SubmissionStatus,
    Tender,
    TenderRoute,
    TenderStatus,
)

OPENED_AT = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


def make_tender(*, organisation, created_by, reference="NS-2026-101", status=TenderStatus.EVALUATION, lots=1):
    """A tender with price 40%, two quality questions 30% + 20% (out of 5) and social value 10% (out of
    10). Opened unless its status is published or closed."""
    opened = status not in (TenderStatus.DRAFT, TenderStatus.PUBLISHED, TenderStatus.CLOSED)
    tender = Tender.objects.create(
        organisation=organisation,
        reference=reference,
        title=f"Specialist places {reference}",
        route=TenderRoute.OPEN,
        status=status,
        created_by=created_by,
        conflicts_assessment="No conflicts.",
        published_at=OPENED_AT - datetime.timedelta(days=30) if status != TenderStatus.DRAFT else None,
        submission_deadline=OPENED_AT - datetime.timedelta(days=1),
        closed_at=OPENED_AT - datetime.timedelta(days=1) if opened or status == TenderStatus.CLOSED else None,
        opened_at=OPENED_AT if opened else None,
        opened_by=created_by if opened else None,
    )
    for number in range(1, lots + 1):
        Lot.objects.create(tender=tender, number=number, title=f"Lot {number} places")
    AwardCriterion.objects.create(tender=tender, kind=CriterionKind.PRICE, title="Price", weight=40, order=0)
    AwardCriterion.objects.create(
        tender=tender, kind=CriterionKind.QUALITY, title="Meeting needs", weight=30, max_marks=5, order=1
    )
    AwardCriterion.objects.create(
        tender=tender, kind=CriterionKind.QUALITY, title="Safeguarding", weight=20, max_marks=5, order=2
    )
    AwardCriterion.objects.create(
        tender=tender, kind=CriterionKind.SOCIAL_VALUE, title="Local jobs", weight=10, max_marks=10, order=3
    )
    return tender


def make_bid(*, tender, provider, created_by, price="100000.00", lot_number=1):
    bid = Submission.objects.create(
        tender=tender,
        lot=tender.lots.get(number=lot_number),
        provider=provider,
        status=SubmissionStatus.SUBMITTED,
        price=Decimal(price),
        created_by=created_by,
        submitted_at=OPENED_AT - datetime.timedelta(days=2),
        submitted_by=created_by,
        submission_count=1,
    )
    for criterion in tender.criteria.exclude(kind=CriterionKind.PRICE):
        SubmissionAnswer.objects.create(
            submission=bid, criterion=criterion, text=f"{provider.name} answers {criterion.title}."
        )
    return bid


def marked(tender):
    return list(tender.criteria.exclude(kind=CriterionKind.PRICE))


def moderate_all(bid, *, by, marks=None):
    """Moderated marks straight through the ORM: `marks` in criterion order (default 4, 3, 7)."""
    marks = marks or [4, 3, 7]
    for criterion, value in zip(marked(bid.tender), marks, strict=True):
        ModeratedScore.objects.create(
            submission=bid, criterion=criterion, marks=value, rationale="Agreed.", moderated_by=by
        )


def pass_checks(bid, *, by):
    for kind, _ in ComplianceCheckKind.choices:
        BidComplianceCheck.objects.create(
            submission=bid, kind=kind, passed=True, evidence="Seen.", checked_by=by
        )


@pytest.fixture
def other_evaluator(northshire):
    """A second evaluator at Northshire."""
    return _person("evaluator2@northshire.test", "Lena Brooks", northshire, Role.EVALUATOR)


@pytest.fixture
def evaluator_southvale(southvale):
    return _person("evaluator@southvale.test", "Ivy Moss", southvale, Role.EVALUATOR)


@pytest.fixture
def tender(northshire, commissioner_northshire):
    return make_tender(organisation=northshire, created_by=commissioner_northshire)


@pytest.fixture
def bids(tender, oakfield, riverside, provider_oakfield, provider_riverside):
    """Oakfield at £100,000 and Riverside at £80,000 for lot 1."""
    return {
        "oakfield": make_bid(
            tender=tender, provider=oakfield, created_by=provider_oakfield, price="100000.00"
        ),
        "riverside": make_bid(
            tender=tender, provider=riverside, created_by=provider_riverside, price="80000.00"
        ),
    }


@pytest.fixture
def panel(tender, evaluator_northshire, commissioner_northshire):
    return PanelMember.objects.create(
        tender=tender, evaluator=evaluator_northshire, added_by=commissioner_northshire
    )


@pytest.fixture
def declared(panel, tender, evaluator_northshire):
    """The evaluator has declared no conflict."""
    return ConflictDeclaration.objects.create(tender=tender, evaluator=evaluator_northshire)


@pytest.fixture
def southvale_tender(southvale, commissioner_southvale, oakfield, provider_oakfield):
    tender = make_tender(organisation=southvale, created_by=commissioner_southvale, reference="SV-2026-001")
    make_bid(tender=tender, provider=oakfield, created_by=provider_oakfield)
    return tender
