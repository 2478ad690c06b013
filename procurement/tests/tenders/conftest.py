"""Factories for tender tests: an approved business case and specification, a complete draft tender, a
published one, and bids. Built through the services wherever a service exists, so each fixture is a state
the product can really reach."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commissioning.models import (
    BusinessCase,
    BusinessCaseStatus,
    ServiceSpecification,
    SpecificationStatus,
    SpecificationVersion,
)
from core.tests.test_uploads import pdf_bytes
from procurement.models import CriterionKind, Tender
from procurement.services import submissions as bids
from procurement.services import tenders as services


@contextmanager
def clock(at: datetime.datetime):
    """The server's clock reads `at` (every `timezone.now()` in the services and views)."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield at


def upload(name: str = "pricing-schedule.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")


def approved_case(organisation, author) -> BusinessCase:
    return BusinessCase.objects.create(
        organisation=organisation,
        title=f"Specialist places ({organisation.slug})",
        status=BusinessCaseStatus.CABINET_APPROVED,
        author=author,
    )


def approved_version(organisation, author, *, status=SpecificationStatus.APPROVED) -> SpecificationVersion:
    specification = ServiceSpecification.objects.create(
        organisation=organisation,
        title=f"Speech and language therapy ({organisation.slug})",
        status=status,
        created_by=author,
    )
    return SpecificationVersion.objects.create(
        specification=specification,
        number=1,
        sections={"aims": "Children communicate well."},
        created_by=author,
        locked_at=timezone.now() if status == SpecificationStatus.APPROVED else None,
        locked_reason="approved" if status == SpecificationStatus.APPROVED else "",
    )


def timetable(now=None, *, deadline_in=datetime.timedelta(days=21)) -> dict:
    now = now or timezone.now()
    deadline = now + deadline_in
    return {
        "publish_on": timezone.localdate(now),
        "clarification_deadline": deadline - datetime.timedelta(days=7),
        "submission_deadline": deadline,
        "evaluation_end_on": timezone.localdate(deadline) + datetime.timedelta(days=14),
        "award_on": timezone.localdate(deadline) + datetime.timedelta(days=21),
    }


def complete_draft(
    commissioner, *, reference="NS-2026-014", deadline_in=datetime.timedelta(days=21)
) -> Tender:
    """A draft with everything publishing needs."""
    organisation = commissioner.organisation
    tender = services.tender_create(
        actor=commissioner,
        title="Speech and language therapy",
        reference=reference,
        route="open",
        description="Therapy for children with EHC plans.",
        estimated_value=Decimal("450000.00"),
        business_case=approved_case(organisation, commissioner),
        specification_version=approved_version(organisation, commissioner),
    )
    services.lot_add(tender=tender, actor=commissioner, title="North locality")
    services.criterion_add(
        tender=tender,
        actor=commissioner,
        kind=CriterionKind.QUALITY,
        title="How will you deliver therapy?",
        weight=60,
        max_marks=5,
        word_limit=50,
    )
    services.criterion_add(
        tender=tender, actor=commissioner, kind=CriterionKind.PRICE, title="Price", weight=30
    )
    services.criterion_add(
        tender=tender, actor=commissioner, kind=CriterionKind.SOCIAL_VALUE, title="Local jobs", weight=10
    )
    services.required_document_add(tender=tender, actor=commissioner, title="Pricing schedule")
    services.tender_set_timetable(tender=tender, actor=commissioner, **timetable(deadline_in=deadline_in))
    services.tender_record_conflicts(tender=tender, actor=commissioner, assessment="No conflicts declared.")
    tender.refresh_from_db()
    return tender


def publish(commissioner, **kwargs) -> Tender:
    tender = complete_draft(commissioner, **kwargs)
    return services.tender_publish(tender=tender, actor=commissioner)


def fill_and_submit(tender: Tender, provider_user, *, price="125000.00", submit=True):
    """A provider's bid for lot 1: answers, price and the required document; submitted unless told."""
    lot = tender.lots.get(number=1)
    submission = bids.submission_start(tender=tender, lot=lot, actor=provider_user)
    answers = {c.pk: "We deliver weekly therapy in school." for c in tender.criteria.exclude(kind="price")}
    submission = bids.submission_save(
        submission=submission, actor=provider_user, price=Decimal(price), answers=answers
    )
    bids.submission_document_add(
        submission=submission,
        actor=provider_user,
        uploaded_file=upload(),
        required_document=tender.required_documents.get(),
    )
    receipt = bids.submission_submit(submission=submission, actor=provider_user) if submit else None
    submission.refresh_from_db()
    return submission, receipt


@pytest.fixture
def draft_tender(commissioner_northshire):
    return complete_draft(commissioner_northshire)


@pytest.fixture
def published_tender(commissioner_northshire):
    return publish(commissioner_northshire)
