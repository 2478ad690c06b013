"""Demo tenders for Northshire, built through the services:

- NS-2026-023, a draft (autism outreach) still missing its timetable and criteria;
- NS-2026-021, speech and language therapy, published with its deadline three weeks away, one published
  clarification answer, Riverside's submitted bid and Oakfield's draft bid;
- NS-2026-017, speech and language therapy short-term support, whose deadline has passed with bids from
  both providers: closed, not yet opened.

Each uses the business case Cabinet approved and the speech and language therapy specification, approved
here (through commissioning's services) if the commissioning demo left it revised. The closed tender is
run at earlier times (its publication a month ago, its bids a week ago) so its timeline reads true. A
tender whose reference exists is left alone, so running the demo twice changes nothing.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from commissioning.models import BusinessCase, BusinessCaseStatus, ServiceSpecification, SpecificationStatus
from core.uploads import UploadRejected
from procurement.models import CriterionKind, Tender
from procurement.services import submissions as bids
from procurement.services import tenders as services

SPECIFICATION = "Speech and language therapy for children and young people with EHC plans"


@contextmanager
def _at(moment: datetime.datetime):
    """Run demo steps as if the server's clock read `moment` (to back-date the closed tender)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _pdf(text: str) -> bytes:
    """A one-page PDF with a correct cross-reference table (no rendering needed)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
    ]
    stream = b"BT /F1 12 Tf 20 100 Td (" + text.encode("latin-1", "replace")[:80] + b") Tj ET"
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


def _file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _pdf(text), content_type="application/pdf")


def _sources(commissioner):
    organisation = commissioner.organisation
    case = BusinessCase.objects.filter(
        organisation=organisation, status=BusinessCaseStatus.CABINET_APPROVED
    ).first()
    specification = ServiceSpecification.objects.filter(
        organisation=organisation, title=SPECIFICATION
    ).first()
    if case is None or specification is None:
        return None, None
    if specification.status == SpecificationStatus.REVISED:
        from commissioning.services.specifications import specification_approve

        specification_approve(actor=commissioner, specification=specification)
        specification.refresh_from_db()
    if specification.status != SpecificationStatus.APPROVED:
        return None, None
    return case, specification.versions.order_by("-number").first()


def _timetable(now: datetime.datetime, deadline: datetime.datetime) -> dict:
    return {
        "publish_on": timezone.localdate(now),
        "clarification_deadline": deadline - datetime.timedelta(days=7),
        "submission_deadline": deadline,
        "evaluation_end_on": timezone.localdate(deadline) + datetime.timedelta(days=21),
        "award_on": timezone.localdate(deadline) + datetime.timedelta(days=35),
    }


def _complete(commissioner, *, case, version, reference, title, description, value, deadline, now):
    tender = services.tender_create(
        actor=commissioner,
        title=title,
        reference=reference,
        route="open",
        description=description,
        estimated_value=Decimal(value),
        business_case=case,
        specification_version=version,
    )
    services.lot_add(
        tender=tender,
        actor=commissioner,
        title="North and east localities",
        estimated_value=Decimal(value) / 2,
    )
    services.lot_add(
        tender=tender,
        actor=commissioner,
        title="South and west localities",
        estimated_value=Decimal(value) / 2,
    )
    criteria = [
        (CriterionKind.QUALITY, "How will you deliver therapy in schools and at home?", 40, 300),
        (CriterionKind.QUALITY, "How will you keep children safe?", 20, 250),
        (CriterionKind.PRICE, "Price", 30, None),
        (CriterionKind.SOCIAL_VALUE, "What will you do for local jobs and training?", 10, 200),
    ]
    for kind, question, weight, limit in criteria:
        services.criterion_add(
            tender=tender, actor=commissioner, kind=kind, title=question, weight=weight, word_limit=limit
        )
    services.required_document_add(
        tender=tender,
        actor=commissioner,
        title="Pricing schedule",
        description="Your weekly and annual prices per child, by lot",
    )
    services.required_document_add(tender=tender, actor=commissioner, title="Safeguarding statement")
    services.tender_set_timetable(tender=tender, actor=commissioner, **_timetable(now, deadline))
    services.tender_record_conflicts(
        tender=tender,
        actor=commissioner,
        assessment="The panel (two commissioners, an evaluator and a parent representative) declared no "
        "interests in any provider. Reviewed by the lead commissioner.",
    )
    return tender


def _bid(tender, user, *, price: str, submit: bool):
    lot = tender.lots.get(number=1)
    submission = bids.submission_start(tender=tender, lot=lot, actor=user)
    answers = {
        criterion.pk: f"{user.organisation.name} answers: weekly sessions in school, termly reviews with "
        "families, and therapy assistants trained locally."
        for criterion in tender.criteria.exclude(kind=CriterionKind.PRICE)
    }
    submission = bids.submission_save(
        submission=submission, actor=user, price=Decimal(price), answers=answers
    )
    for required in tender.required_documents.all():
        name = required.title.lower().replace(" ", "-") + ".pdf"
        try:
            bids.submission_document_add(
                submission=submission,
                actor=user,
                uploaded_file=_file(name, f"{user.organisation.name}: {required.title}"),
                required_document=required,
            )
        except UploadRejected:  # a virus scanner that cannot be reached: the bid stays a draft
            return submission
    if submit:
        bids.submission_submit(submission=submission, actor=user)
    return submission


def seed() -> None:
    """Create the demo tenders, or leave them alone when they exist."""
    commissioner = User.objects.filter(email="commissioner@northshire.example").first()
    oakfield = User.objects.filter(email="provider@oakfield.example").first()
    riverside = User.objects.filter(email="provider@riverside.example").first()
    if commissioner is None or oakfield is None or riverside is None:
        return
    if Tender.objects.filter(organisation=commissioner.organisation, reference="NS-2026-021").exists():
        return
    case, version = _sources(commissioner)
    if case is None:
        return
    now = timezone.now()

    # A draft: details and one lot, no timetable or criteria yet.
    draft = services.tender_create(
        actor=commissioner,
        title="Autism outreach to mainstream schools",
        reference="NS-2026-023",
        route="light_touch",
        description="Specialist teachers supporting autistic pupils and their schools.",
        estimated_value=Decimal("280000.00"),
        business_case=case,
    )
    services.lot_add(tender=draft, actor=commissioner, title="All of Northshire")

    # Live: published, deadline in three weeks, a published clarification, one submitted and one draft bid.
    deadline = (now + datetime.timedelta(days=21)).replace(hour=12, minute=0, second=0, microsecond=0)
    live = _complete(
        commissioner,
        case=case,
        version=version,
        reference="NS-2026-021",
        title="Speech and language therapy for children with EHC plans",
        description="Therapy in schools, settings and at home for children and young people whose EHC plans "
        "name speech and language therapy, through the school holidays where plans say so.",
        value="900000.00",
        deadline=deadline,
        now=now,
    )
    services.tender_publish(tender=live, actor=commissioner)
    question = services.clarification_ask(
        tender=live,
        actor=oakfield,
        question="Do therapists need to hold HCPC registration, or may assistants deliver sessions?",
    )
    _bid(live, riverside, price="412500.00", submit=True)
    _bid(live, oakfield, price="398000.00", submit=False)
    services.clarification_answer(
        clarification=question,
        actor=commissioner,
        answer="Every therapist must be HCPC registered. Assistants may deliver sessions a registered "
        "therapist has planned and reviews at least each half term.",
    )

    # Closed: run a month ago, bids a week ago, deadline two days ago; closed by the clock, not opened.
    published_at = now - datetime.timedelta(days=30)
    past_deadline = (now - datetime.timedelta(days=2)).replace(hour=12, minute=0, second=0, microsecond=0)
    with _at(published_at):
        closed = _complete(
            commissioner,
            case=case,
            version=version,
            reference="NS-2026-017",
            title="Short-term speech and language support after transition",
            description="Twelve weeks of therapy for young people moving from school to college.",
            value="240000.00",
            deadline=past_deadline,
            now=published_at,
        )
        services.tender_publish(tender=closed, actor=commissioner)
    with _at(now - datetime.timedelta(days=7)):
        _bid(closed, riverside, price="118000.00", submit=True)
        _bid(closed, oakfield, price="109500.00", submit=True)
    services.tender_close_due(now=now)
