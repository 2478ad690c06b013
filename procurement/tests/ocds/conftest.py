"""Tenders in every state, built straight through the ORM, for the OCDS export's tests.

Each carries something that must never reach the export: the published and closed tenders a sealed bid
(price, answer and bidder all secret until opening), the tenders with an award a losing bid, the
cancelled tender a reason naming a person, the published tender a clarification whose asker is secret.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest

from accounts.models import OrganisationKind, Role
from accounts.services import organisation_create, user_create
from conftest import PASSWORD
from core.models import Document
from procurement.models import (
    Award,
    AwardCriterion,
    Clarification,
    CriterionKind,
    Lot,
    Submission,
    SubmissionAnswer,
    SubmissionStatus,
    Tender,
    TenderDocument,
    TenderRoute,
    TenderStatus,
)

NOW = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC)

SEALED_PRICE = Decimal("987654.32")
SEALED_ANSWER = "Sealed answer: our therapists hold HCPC registration and supervise weekly"
SEALED_BIDDER = "Quietwater Therapy Partnership"
WINNING_PRICE = Decimal("412345.67")
LOSING_PRICE = Decimal("398765.43")
LOSING_ANSWER = "Losing answer: we would recruit a team within six months"
CANCELLED_REASON = "Budget withdrawn after a call with Priya Shah"
CLARIFICATION_QUESTION = "Can a bid cover only the secondary schools?"


def days(n: float) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def sealed_bidder(db):
    organisation = organisation_create(name=SEALED_BIDDER, slug="quietwater", kind=OrganisationKind.PROVIDER)
    user = user_create(
        email="bids@quietwater.test",
        full_name="Bea Quietwater",
        organisation=organisation,
        roles=[Role.PROVIDER_USER],
        password=PASSWORD,
    )
    return user


_references = itertools.count(1)


class TenderMaker:
    """Builds a tender of one authority in a given state, with a lot, criteria and a document."""

    def __init__(self, *, organisation, author):
        self.organisation = organisation
        self.author = author

    def __call__(self, status: str, *, route: str = TenderRoute.OPEN, **fields) -> Tender:
        published = status != TenderStatus.DRAFT
        values = {
            "organisation": self.organisation,
            "reference": f"{self.organisation.slug[:2].upper()}-2026-{next(_references):03d}",
            "title": f"Speech and language therapy, {status}",
            "description": "Therapy for children in special schools across the authority.",
            "route": route,
            "status": status,
            "estimated_value": Decimal("450000.00"),
            "created_by": self.author,
            "created_at": NOW - days(60),
            "clarification_deadline": NOW - days(30) if published else None,
            "submission_deadline": NOW - days(20) if published else None,
            "published_at": NOW - days(50) if published else None,
            "conflicts_assessment": "No conflicts: assessed by Priya Shah",
        }
        values.update(fields)
        tender = Tender.objects.create(**values)
        Lot.objects.create(
            tender=tender, number=1, title="Primary schools", estimated_value=Decimal("250000")
        )
        AwardCriterion.objects.create(
            tender=tender,
            kind=CriterionKind.QUALITY,
            title="How will you staff the service?",
            weight=60,
            order=1,
        )
        AwardCriterion.objects.create(
            tender=tender, kind=CriterionKind.PRICE, title="Price", weight=30, order=2
        )
        AwardCriterion.objects.create(
            tender=tender, kind=CriterionKind.SOCIAL_VALUE, title="Social value", weight=10, order=3
        )
        document = Document.objects.create(
            organisation=self.organisation,
            title="Service specification",
            file="tenders/specification.pdf",
            original_name="specification.pdf",
            safe_name="specification.pdf",
            content_type="application/pdf",
            extension="pdf",
            size=1234,
            sha256="0" * 64,
            uploaded_by=self.author,
        )
        TenderDocument.objects.create(tender=tender, document=document, added_by=self.author)
        return tender


def bid(tender: Tender, user, *, price: Decimal, answer: str, status: str = SubmissionStatus.SUBMITTED):
    submission = Submission.objects.create(
        tender=tender,
        lot=tender.lots.get(number=1),
        provider=user.organisation,
        status=status,
        price=price,
        created_by=user,
        submitted_by=user,
        submitted_at=NOW - days(21),
        submission_count=1,
    )
    SubmissionAnswer.objects.create(
        submission=submission, criterion=tender.criteria.get(kind=CriterionKind.QUALITY), text=answer
    )
    return submission


def award(tender: Tender, submission: Submission, recommender) -> Award:
    return Award.objects.create(
        tender=tender,
        lot=submission.lot,
        submission=submission,
        total_score=Decimal("81.50"),
        value=submission.price,
        recommended_by=recommender,
        recommended_at=NOW - days(5),
        reasons="Highest score; moderated by Grace Kowalski",
    )


@pytest.fixture
def tenders(
    commissioner_northshire,
    commissioner_southvale,
    provider_oakfield,
    provider_riverside,
    sealed_bidder,
):
    """Northshire's tenders, one in each state, and one published Southvale tender."""
    make = TenderMaker(organisation=commissioner_northshire.organisation, author=commissioner_northshire)
    result = {}
    result["draft"] = make(TenderStatus.DRAFT, title="A draft nobody outside the council may see")
    published = make(
        TenderStatus.PUBLISHED,
        clarification_deadline=NOW + days(10),
        submission_deadline=NOW + days(20),
        published_at=NOW - days(5),
    )
    bid(published, sealed_bidder, price=SEALED_PRICE, answer=SEALED_ANSWER)
    Clarification.objects.create(
        tender=published,
        asked_by_organisation=provider_riverside.organisation,
        asked_by=provider_riverside,
        question=CLARIFICATION_QUESTION,
        answer="Yes, as lot 1.",
        answered_by=commissioner_northshire,
        published_at=NOW - days(2),
    )
    result["published"] = published

    closed = make(TenderStatus.CLOSED, closed_at=NOW - days(20))
    bid(closed, sealed_bidder, price=SEALED_PRICE, answer=SEALED_ANSWER)
    result["closed"] = closed

    evaluation = make(
        TenderStatus.EVALUATION,
        route=TenderRoute.COMPETITIVE_FLEXIBLE,
        closed_at=NOW - days(20),
        opened_at=NOW - days(19),
    )
    bid(evaluation, provider_oakfield, price=WINNING_PRICE, answer=LOSING_ANSWER)
    bid(evaluation, provider_riverside, price=LOSING_PRICE, answer=LOSING_ANSWER)
    bid(
        evaluation, sealed_bidder, price=SEALED_PRICE, answer=SEALED_ANSWER, status=SubmissionStatus.WITHDRAWN
    )
    result["evaluation"] = evaluation

    for status, extra in (
        (TenderStatus.STANDSTILL, {"standstill_started_at": NOW - days(3)}),
        (TenderStatus.AWARDED, {"standstill_started_at": NOW - days(15), "awarded_at": NOW - days(4)}),
    ):
        tender = make(
            status,
            route=TenderRoute.DIRECT_AWARD if status == TenderStatus.AWARDED else TenderRoute.OPEN,
            closed_at=NOW - days(20),
            opened_at=NOW - days(19),
            award_recommended_at=NOW - days(6),
            **extra,
        )
        winner = bid(tender, provider_oakfield, price=WINNING_PRICE, answer="Winning answer")
        bid(tender, provider_riverside, price=LOSING_PRICE, answer=LOSING_ANSWER)
        award(tender, winner, commissioner_northshire)
        result[status] = tender

    result["cancelled"] = make(
        TenderStatus.CANCELLED, cancelled_at=NOW - days(1), cancelled_reason=CANCELLED_REASON
    )
    southvale = TenderMaker(organisation=commissioner_southvale.organisation, author=commissioner_southvale)
    result["southvale"] = southvale(TenderStatus.PUBLISHED, title="Southvale's occupational therapy")
    return result
