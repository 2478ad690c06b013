"""Reads for quality assurance visits and improvement plans, scoped through `contracts_for_user`."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from ..models import ActionStatus, ImprovementAction, QAVisit, QAVisitStatus


def qa_visits_due(*, today: datetime.date, within_days: int = 30) -> QuerySet[QAVisit]:
    """Scheduled visits due on or before `today + within_days` (every authority: for reminders)."""
    return (
        QAVisit.objects.filter(
            status=QAVisitStatus.SCHEDULED, due_on__lte=today + datetime.timedelta(days=within_days)
        )
        .select_related("contract", "contract__organisation", "contract__provider", "lead_officer")
        .order_by("due_on", "pk")
    )


def improvement_actions_overdue(*, today: datetime.date) -> QuerySet[ImprovementAction]:
    """Actions not verified whose due date has passed (every authority: for reminders)."""
    return (
        ImprovementAction.objects.exclude(status=ActionStatus.VERIFIED)
        .filter(due_on__lt=today)
        .select_related("plan__contract", "plan__contract__organisation", "plan__contract__provider")
        .order_by("due_on", "pk")
    )
