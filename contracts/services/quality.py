"""Writes for quality assurance visits and improvement plans.

A visit moves `scheduled → completed` (the report is issued) or `scheduled → cancelled` (with a reason);
both are final. Only one visit per contract waits to happen at a time (the partial unique constraint
`qa_one_scheduled_visit`). When a report is issued the next visit is scheduled by the contract's risk
rating: high every 6 months, medium 12, low 24, from the day of the last visit (or from the contract's
start if it has never been visited), and never later than the contract's end.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction

from core.audit import audit_record
from core.models import AuditAction

from ..models import VISIT_INTERVAL_MONTHS, Contract, ContractStatus, QAVisit, QAVisitStatus, RiskRating


def qa_interval_months(contract: Contract) -> int:
    """Months between visits for the contract's current risk rating."""
    return VISIT_INTERVAL_MONTHS.get(contract.risk_rating, VISIT_INTERVAL_MONTHS[RiskRating.MEDIUM])


def qa_next_due_on(contract: Contract) -> datetime.date | None:
    """When the next visit is due: the last visit plus the interval, or the start plus the interval.

    Never later than the contract's end; None when the contract was last visited on or after its end.
    """
    last = (
        QAVisit.objects.filter(contract=contract, status=QAVisitStatus.COMPLETED, visited_on__isnull=False)
        .order_by("-visited_on", "-id")
        .values_list("visited_on", flat=True)
        .first()
    )
    base = last or contract.starts_on
    due = min(base + relativedelta(months=qa_interval_months(contract)), contract.ends_on)
    if last is not None and due <= last:
        return None
    return due


def qa_visit_schedule_next(
    *, contract: Contract, actor=None, today: datetime.date | None = None
) -> QAVisit | None:
    """Schedule the contract's next visit unless one is already scheduled. Returns the new visit or None."""
    if contract.status != ContractStatus.LIVE:
        return None
    if QAVisit.objects.filter(contract=contract, status=QAVisitStatus.SCHEDULED).exists():
        return None
    due = qa_next_due_on(contract)
    if due is None:
        return None
    try:
        with transaction.atomic():
            visit = QAVisit.objects.create(
                contract=contract,
                status=QAVisitStatus.SCHEDULED,
                due_on=due,
                created_by=actor if actor is not None else contract.created_by,
            )
            audit_record(
                action=AuditAction.CREATE,
                actor=actor,
                actor_label="" if actor is not None else "QA visit schedule",
                target=visit,
                detail={
                    "contract": contract.reference,
                    "due_on": due,
                    "risk_rating": contract.risk_rating,
                    "interval_months": qa_interval_months(contract),
                    "automatic": True,
                    "run_on": today,
                },
            )
    except IntegrityError:
        # Another run scheduled it first: the partial unique constraint holds one scheduled visit.
        return None
    return visit


def qa_visits_schedule(*, today: datetime.date) -> list[QAVisit]:
    """For every live contract with no scheduled visit, schedule the next one; returns those created.

    A second run creates nothing. `today` is the run's date, recorded in each visit's audit entry.
    """
    contracts = (
        Contract.objects.filter(status=ContractStatus.LIVE)
        .exclude(qa_visits__status=QAVisitStatus.SCHEDULED)
        .select_related("created_by")
        .order_by("pk")
    )
    created = []
    for contract in contracts:
        visit = qa_visit_schedule_next(contract=contract, today=today)
        if visit is not None:
            created.append(visit)
    return created
