"""The contracts demo: every stage of contract management, made once; running it twice adds nothing."""

import pytest
from django.utils import timezone

from contracts.models import (
    Contract,
    ContractCapacity,
    ContractOrigin,
    ContractStatus,
    Kpi,
    MeetingAction,
    PerformanceReturn,
    ReturnStatus,
    RiskAssessment,
)
from contracts.services.contracts import review_decision_due
from dashboard.demo import contracts, evaluation, fps, people


def counts():
    return tuple(
        m.objects.count()
        for m in (Contract, ContractCapacity, Kpi, PerformanceReturn, RiskAssessment, MeetingAction)
    )


@pytest.mark.django_db
def test_the_demo_contracts_are_seeded_once_at_every_stage():
    people.seed(password="demo-password-long-enough")
    fps.seed()
    evaluation.seed()
    contracts.seed()
    before = counts()
    contracts.seed()
    assert counts() == before

    by_reference = {c.reference: c for c in Contract.objects.filter(organisation__slug="northshire")}
    assert set(contracts.REFERENCES) <= set(by_reference)
    awarded = by_reference["NS-C-2026-031"]
    assert awarded.origin == ContractOrigin.AWARD and awarded.award.tender.reference == "NS-2026-031"
    assert awarded.risk_rating == "medium" and awarded.kpis.count() == 3
    assert sorted(awarded.returns.values_list("status", flat=True)) == [
        ReturnStatus.ACCEPTED,
        ReturnStatus.SUBMITTED,
    ]
    assert MeetingAction.objects.filter(
        meeting__contract=awarded, owner="provider", done_at__isnull=True
    ).exists()
    assert by_reference["NS-C-FPS-OAK"].origin == ContractOrigin.FPS_ADMISSION
    high = by_reference["NS-C-2024-007"]
    assert high.risk_rating == "high" and high.status == ContractStatus.LIVE
    assert high.provider.slug == "riverside" and high.risk_assessments.get().reasons
    due = by_reference["NS-C-2023-002"]
    assert review_decision_due(due, timezone.localdate()) and not due.review_decision
    assert by_reference["NS-C-2021-001"].status == ContractStatus.ENDED
    for contract in by_reference.values():
        assert contract.capacity.exists(), contract.reference
