"""Demo evaluation: two Northshire tenders evaluated to the end, each with bids from Oakfield and
Riverside, panel scores, moderation, compliance checks and awards. One is awarded; the other is in its
standstill period, so both providers can download their award letters.

The tenders themselves (already opened, bids submitted) are made through the model layer with every
state field set; the evaluation steps go through the evaluation and award services. Running it again
leaves a tender that exists alone.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

DEMO_TENDERS = [
    {
        "reference": "NS-2026-031",
        "title": "Speech and language therapy in resourced provisions",
        "lot": "Therapy for primary-age pupils",
        "awarded": True,
        "prices": {"oakfield": "412000.00", "riverside": "386500.00"},
        # Moderated marks in criterion order: meeting needs /5, safeguarding /5, social value /10.
        "marks": {"oakfield": [4, 4, 6], "riverside": [3, 4, 7]},
    },
    {
        "reference": "NS-2026-037",
        "title": "Independent specialist places for autistic secondary pupils",
        "lot": "Day places, Key Stages 3 and 4",
        "awarded": False,
        "prices": {"oakfield": "1180000.00", "riverside": "1245000.00"},
        "marks": {"oakfield": [4, 5, 8], "riverside": [4, 3, 6]},
    },
]

CRITERIA = [
    ("price", "Price", 40, 5),
    ("quality", "How will you meet the needs set out in the specification?", 30, 5),
    ("quality", "How will you keep children safe?", 20, 5),
    ("social_value", "What will you do for the local community and jobs?", 10, 10),
]

ANSWERS = {
    "oakfield": "Oakfield sets out its staffing, its therapy model and how it works with families.",
    "riverside": "Riverside describes its outreach team, its training and its work with local schools.",
}


def _reusable_inputs(organisation):
    """An approved business case and specification version of the authority, where the demo has one."""
    from commissioning.models import BusinessCase, SpecificationVersion

    case = (
        BusinessCase.objects.filter(organisation=organisation, status="cabinet_approved")
        .order_by("id")
        .first()
    )
    version = (
        SpecificationVersion.objects.filter(
            specification__organisation=organisation, specification__status="approved"
        )
        .order_by("id")
        .first()
    )
    return case, version


def _opened_tender(*, spec: dict, commissioner, opened_at, case, version):
    from procurement.models import (
        AwardCriterion,
        Lot,
        Tender,
        TenderRoute,
        TenderStatus,
    )

    deadline = opened_at - datetime.timedelta(hours=2)
    tender = Tender.objects.create(
        organisation=commissioner.organisation,
        reference=spec["reference"],
        title=spec["title"],
        description="A demo tender, evaluated from start to finish.",
        route=TenderRoute.OPEN,
        status=TenderStatus.EVALUATION,
        business_case=case,
        specification_version=version,
        estimated_value=Decimal(max(spec["prices"].values())),
        conflicts_assessment="No conflicts of interest found among the commissioning team.",
        conflicts_assessed_by=commissioner,
        conflicts_assessed_at=deadline - datetime.timedelta(days=40),
        publish_on=(deadline - datetime.timedelta(days=35)).date(),
        clarification_deadline=deadline - datetime.timedelta(days=10),
        submission_deadline=deadline,
        created_by=commissioner,
        published_at=deadline - datetime.timedelta(days=35),
        closed_at=deadline,
        opened_at=opened_at,
        opened_by=commissioner,
    )
    Lot.objects.create(tender=tender, number=1, title=spec["lot"], estimated_value=tender.estimated_value)
    for order, (kind, title, weight, max_marks) in enumerate(CRITERIA):
        AwardCriterion.objects.create(
            tender=tender, kind=kind, title=title, weight=weight, max_marks=max_marks, order=order
        )
    return tender


def _bid(*, tender, provider_user, price, submitted_at):
    from procurement.models import CriterionKind, Submission, SubmissionAnswer, SubmissionStatus

    key = "oakfield" if "oakfield" in provider_user.email else "riverside"
    bid = Submission.objects.create(
        tender=tender,
        lot=tender.lots.get(number=1),
        provider=provider_user.organisation,
        status=SubmissionStatus.SUBMITTED,
        price=Decimal(price),
        created_by=provider_user,
        submitted_at=submitted_at,
        submitted_by=provider_user,
        submission_count=1,
    )
    for criterion in tender.criteria.exclude(kind=CriterionKind.PRICE):
        SubmissionAnswer.objects.create(submission=bid, criterion=criterion, text=ANSWERS[key])
    return bid


def _evaluate(*, tender, spec, bids, commissioner, evaluator):
    from procurement.models import ComplianceCheckKind, CriterionKind
    from procurement.services.evaluation import (
        bid_compliance_record,
        bid_moderate,
        bid_scores_record,
        conflict_declare,
        panel_member_add,
    )

    panel_member_add(tender=tender, evaluator=evaluator, actor=commissioner)
    conflict_declare(tender=tender, evaluator=evaluator)
    criteria = list(tender.criteria.exclude(kind=CriterionKind.PRICE))
    for key, bid in bids.items():
        marks = spec["marks"][key]
        bid_scores_record(
            submission=bid,
            evaluator=evaluator,
            scores={
                c.pk: (m, f"{m} of {c.max_marks}: the answer gives the evidence the question asks for.")
                for c, m in zip(criteria, marks, strict=True)
            },
        )
        bid_moderate(
            submission=bid,
            actor=commissioner,
            marks={
                c.pk: (m, "The panel agreed the evaluator's mark after discussion.")
                for c, m in zip(criteria, marks, strict=True)
            },
        )
        bid_compliance_record(
            submission=bid,
            actor=commissioner,
            results={
                kind: (True, f"{label} checked against the provider's compliance pack.")
                for kind, label in ComplianceCheckKind.choices
            },
        )


def seed() -> None:
    """Create the two demo tenders, or leave those already there alone."""
    from accounts.models import User
    from procurement.models import Tender
    from procurement.services.awards import (
        tender_award,
        tender_recommend_award,
        tender_start_standstill,
    )

    commissioner = User.objects.get(email="commissioner@northshire.example")
    evaluator = User.objects.get(email="evaluator@northshire.example")
    providers = {
        "oakfield": User.objects.get(email="provider@oakfield.example"),
        "riverside": User.objects.get(email="provider@riverside.example"),
    }
    case, version = _reusable_inputs(commissioner.organisation)
    now = timezone.now()
    for spec in DEMO_TENDERS:
        if Tender.objects.filter(
            organisation=commissioner.organisation, reference=spec["reference"]
        ).exists():
            continue
        # The awarded tender was opened two months ago; the one in standstill a fortnight ago.
        opened_at = now - datetime.timedelta(days=60 if spec["awarded"] else 14)
        tender = _opened_tender(
            spec=spec, commissioner=commissioner, opened_at=opened_at, case=case, version=version
        )
        bids = {
            key: _bid(
                tender=tender,
                provider_user=user,
                price=spec["prices"][key],
                submitted_at=opened_at - datetime.timedelta(days=3),
            )
            for key, user in providers.items()
        }
        _evaluate(tender=tender, spec=spec, bids=bids, commissioner=commissioner, evaluator=evaluator)
        tender_recommend_award(
            tender=tender,
            actor=commissioner,
            reasons={tender.lots.get().pk: "The highest-scoring compliant bid on the published criteria."},
        )
        if spec["awarded"]:
            tender_start_standstill(tender=tender, actor=commissioner, now=now - datetime.timedelta(days=40))
            tender_award(tender=tender, actor=commissioner, now=now - datetime.timedelta(days=20))
        else:
            tender_start_standstill(tender=tender, actor=commissioner, now=now)
