"""The demo tenders: a draft, a live tender with a published answer, Riverside's submitted bid and
Oakfield's draft, and a closed tender with both providers' bids sealed; running seed_demo twice adds
nothing."""

import pytest
from django.core.management import call_command

from procurement.models import Clarification, Submission, SubmissionReceipt, Tender

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_the_three_tenders_once():
    call_command("seed_demo", "--quiet")
    counts = (Tender.objects.count(), Submission.objects.count(), SubmissionReceipt.objects.count())
    call_command("seed_demo", "--quiet")
    assert (Tender.objects.count(), Submission.objects.count(), SubmissionReceipt.objects.count()) == counts

    draft = Tender.objects.get(reference="NS-2026-023")
    live = Tender.objects.get(reference="NS-2026-021")
    closed = Tender.objects.get(reference="NS-2026-017")
    assert draft.status == "draft"
    assert live.status == "published" and not live.deadline_passed()
    assert closed.status == "closed" and closed.deadline_passed() and closed.opened_at is None
    assert live.specification_version.locked_at is not None
    assert Clarification.objects.filter(tender=live, published_at__isnull=False).count() == 1
    live_bids = {s.provider.slug: s.status for s in live.submissions.select_related("provider")}
    assert live_bids == {"riverside": "submitted", "oakfield": "draft"}
    closed_bids = {s.provider.slug: s.status for s in closed.submissions.select_related("provider")}
    assert closed_bids == {"riverside": "submitted", "oakfield": "submitted"}
    assert all(s.submitted_at < closed.submission_deadline for s in closed.submissions.all())
