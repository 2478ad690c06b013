"""QA objects the tests start from, made through the services, in the states the services make."""

from __future__ import annotations

import datetime

from contracts.models import ActionStatus, ImprovementAction, QAArea, QARating, QAVisit, QAVisitStatus
from contracts.services import quality as services

VISITED_ON = datetime.date(2026, 10, 14)


def scheduled_visit(contract, *, due_on=datetime.date(2026, 11, 30), **fields) -> QAVisit:
    fields.setdefault("status", QAVisitStatus.SCHEDULED)
    return QAVisit.objects.create(contract=contract, due_on=due_on, created_by=contract.created_by, **fields)


def all_findings(rating=QARating.GOOD) -> dict:
    return {area: (rating, f"What we found on {QAArea(area).label.lower()}.") for area in QAArea.values}


def recorded_visit(contract, actor, *, rating=QARating.GOOD, areas=None) -> QAVisit:
    visit = scheduled_visit(contract)
    findings = all_findings(rating)
    if areas is not None:
        findings = {area: findings[area] for area in areas}
    return services.qa_visit_record(
        visit=visit,
        actor=actor,
        visited_on=VISITED_ON,
        findings=findings,
        overall_rating=rating,
        summary="A caring service with a few things to put right.",
        today=datetime.date(2026, 12, 3),
    )


def completed_visit(contract, actor, *, rating=QARating.GOOD) -> QAVisit:
    return services.qa_visit_complete(visit=recorded_visit(contract, actor, rating=rating), actor=actor)


def plan_with_action(contract, actor, *, due_on=datetime.date(2027, 1, 31), status=ActionStatus.OPEN):
    visit = completed_visit(contract, actor, rating=QARating.REQUIRES_IMPROVEMENT)
    plan = services.improvement_plan_create(contract=contract, actor=actor, visit=visit, title="Plan")
    action = services.improvement_action_add(
        plan=plan,
        actor=actor,
        area=QAArea.STAFF,
        description="Train every member of staff in safe moving and handling.",
        owner="Jo Bloggs, Registered Manager",
        due_on=due_on,
    )
    if status != ActionStatus.OPEN:
        ImprovementAction.objects.filter(pk=action.pk).update(status=status)
        action.refresh_from_db()
    return plan, action
