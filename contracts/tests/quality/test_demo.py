"""The QA demo: made once, on the two demo contracts found by reference, and quiet when they are absent."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from contracts.models import (
    ActionStatus,
    ImprovementAction,
    ImprovementPlan,
    QAVisit,
    QAVisitStatus,
    RiskRating,
)
from contracts.tests.factories import make_contract
from dashboard.demo import people, quality

pytestmark = pytest.mark.django_db


def _demo_contracts():
    people.seed(password="demo-password-long-enough")
    commissioner = User.objects.get(email="commissioner@northshire.example")
    northshire = commissioner.organisation
    today = timezone.localdate()
    medium = make_contract(
        organisation=northshire,
        provider=Organisation.objects.get(slug="oakfield"),
        created_by=commissioner,
        reference="NS-C-2026-031",
        risk_rating=RiskRating.MEDIUM,
        starts_on=today.replace(day=1) - relativedelta(months=7),
        ends_on=today + relativedelta(years=2),
    )
    high = make_contract(
        organisation=northshire,
        provider=Organisation.objects.get(slug="riverside"),
        created_by=commissioner,
        reference="NS-C-2024-007",
        risk_rating=RiskRating.HIGH,
        starts_on=datetime.date(2024, 9, 1),
        ends_on=today + relativedelta(months=14),
    )
    return medium, high


def test_the_demo_gives_each_contract_its_report_plan_and_next_visit(client):
    medium, high = _demo_contracts()
    quality.seed()
    quality.seed()
    today = timezone.localdate()

    good = QAVisit.objects.get(contract=medium, status=QAVisitStatus.COMPLETED)
    assert good.overall_rating == "good" and good.findings.count() == 6
    assert QAVisit.objects.get(contract=medium, status=QAVisitStatus.SCHEDULED).due_on == min(
        good.visited_on + relativedelta(months=12), medium.ends_on
    )

    ri = QAVisit.objects.get(contract=high, status=QAVisitStatus.COMPLETED)
    assert ri.overall_rating == "requires_improvement"
    assert QAVisit.objects.get(
        contract=high, status=QAVisitStatus.SCHEDULED
    ).due_on == ri.visited_on + relativedelta(months=6)
    plan = ImprovementPlan.objects.get(qa_visit=ri)
    statuses = sorted(plan.actions.values_list("status", flat=True))
    assert statuses == sorted([ActionStatus.VERIFIED, ActionStatus.REPORTED_DONE, ActionStatus.OPEN])
    overdue = ImprovementAction.objects.get(plan=plan, status=ActionStatus.OPEN)
    assert overdue.is_overdue(today)
    assert ImprovementAction.objects.get(plan=plan, status=ActionStatus.REPORTED_DONE).updates.get().evidence
    assert QAVisit.objects.count() == 4 and ImprovementPlan.objects.count() == 1

    client.force_login(User.objects.get(email="commissioner@northshire.example"))
    for url in (
        reverse("contracts:qa_contract", args=[high.pk]),
        reverse("contracts:qa_visit_pdf", args=[ri.pk]),
        reverse("contracts:qa_overdue_actions"),
    ):
        assert client.get(url).status_code == 200


def test_the_demo_skips_quietly_without_its_contracts():
    people.seed(password="demo-password-long-enough")
    quality.seed()
    assert not QAVisit.objects.exists()


def test_the_demo_runs_on_the_demo_contracts():
    """On the contracts demo's own NS-C-2026-031 and NS-C-2024-007, before decommissioning runs."""
    from dashboard.demo import contracts

    people.seed(password="demo-password-long-enough")
    contracts.seed()
    quality.seed()
    quality.seed()
    assert set(
        QAVisit.objects.filter(status=QAVisitStatus.COMPLETED).values_list("contract__reference", flat=True)
    ) == {"NS-C-2026-031", "NS-C-2024-007"}
    for reference in ("NS-C-2026-031", "NS-C-2024-007"):
        assert (
            QAVisit.objects.filter(status=QAVisitStatus.SCHEDULED, contract__reference=reference).count() == 1
        )
    assert ImprovementAction.objects.count() == 3
