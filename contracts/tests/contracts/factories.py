"""Objects the contract management tests (and the browser journey) start from."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from procurement.models import Award, Lot, Submission, SubmissionStatus, Tender, TenderRoute, TenderStatus


def make_award(
    organisation, commissioner, provider_user, *, status=TenderStatus.AWARDED, reference="NS-2026-031"
):
    now = timezone.now()
    tender = Tender.objects.create(
        organisation=organisation,
        reference=reference,
        title="Speech and language therapy in resourced provisions",
        route=TenderRoute.OPEN,
        status=status,
        created_by=commissioner,
        submission_deadline=now - datetime.timedelta(days=60),
        published_at=now - datetime.timedelta(days=90),
        closed_at=now - datetime.timedelta(days=60),
        opened_at=now - datetime.timedelta(days=59),
        opened_by=commissioner,
    )
    lot = Lot.objects.create(tender=tender, number=1, title="Therapy for primary-age pupils")
    submission = Submission.objects.create(
        tender=tender,
        lot=lot,
        provider=provider_user.organisation,
        status=SubmissionStatus.SUBMITTED,
        price=Decimal("412000.00"),
        created_by=provider_user,
        submitted_by=provider_user,
        submitted_at=now - datetime.timedelta(days=61),
        submission_count=1,
    )
    return Award.objects.create(
        tender=tender,
        lot=lot,
        submission=submission,
        total_score=Decimal("78.00"),
        value=Decimal("412000.00"),
        recommended_by=commissioner,
    )
