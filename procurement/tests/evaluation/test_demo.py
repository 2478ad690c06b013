"""The evaluation demo: one tender awarded, one in standstill, each with Oakfield's and Riverside's
scored, moderated and checked bids; running it twice adds nothing."""

import pytest
from django.core.management import call_command

from dashboard.demo import evaluation
from procurement.models import Award, BidComplianceCheck, ModeratedScore, Score, Tender, TenderStatus


def counts():
    return tuple(m.objects.count() for m in (Tender, Award, Score, ModeratedScore, BidComplianceCheck))


@pytest.mark.django_db
def test_the_demo_evaluates_two_tenders_to_the_end_once():
    call_command("seed_demo", "--quiet")
    demo = Tender.objects.filter(reference__in=[t["reference"] for t in evaluation.DEMO_TENDERS])
    assert sorted(demo.values_list("status", flat=True)) == [TenderStatus.AWARDED, TenderStatus.STANDSTILL]
    for tender in demo:
        assert tender.submissions.count() == 2
        assert tender.awards.count() == 1
        assert tender.standstill_end_on is not None
    before = counts()
    evaluation.seed()
    assert counts() == before
