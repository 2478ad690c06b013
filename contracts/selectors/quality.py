"""Reads for quality assurance visits and improvement plans, scoped through `contracts_for_user`.

A council's commissioners reach every visit and plan on their authority's contracts. A provider's users
reach the issued reports (completed visits) and the plans on contracts naming their provider; a visit
still to happen or cancelled is the council's own. Out of reach answers 404 exactly like missing.
"""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.shortcuts import get_object_or_404

from ..models import (
    ActionStatus,
    ActionUpdate,
    ImprovementAction,
    ImprovementPlan,
    QAVisit,
    QAVisitStatus,
)
from ..rules import is_council_commissioner
from .contracts import contracts_for_user, contracts_managed_by_user


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


# -- Visits --------------------------------------------------------------------------------------------


def qa_visits_for_user(user) -> QuerySet[QAVisit]:
    visits = QAVisit.objects.filter(contract__in=contracts_for_user(user).values("pk"))
    if not is_council_commissioner(user):
        visits = visits.filter(status=QAVisitStatus.COMPLETED)
    return visits.select_related(
        "contract", "contract__organisation", "contract__provider", "lead_officer", "completed_by"
    )


def get_qa_visit_for_user_or_404(user, pk) -> QAVisit:
    return get_object_or_404(qa_visits_for_user(user), pk=pk)


def get_managed_qa_visit_or_404(user, pk) -> QAVisit:
    visits = QAVisit.objects.filter(contract__in=contracts_managed_by_user(user).values("pk"))
    return get_object_or_404(
        visits.select_related("contract", "contract__organisation", "contract__provider", "lead_officer"),
        pk=pk,
    )


def qa_visits_for_contract(user, contract) -> QuerySet[QAVisit]:
    """A contract's visits as the person may see them, newest first, with the plan made from each."""
    return (
        qa_visits_for_user(user)
        .filter(contract=contract)
        .select_related("improvement_plan")
        .order_by("-due_on", "-id")
    )


def qa_visit_list_for_user(user, *, status: str = "") -> QuerySet[QAVisit]:
    """Visits across the person's contracts: the soonest due first."""
    visits = qa_visits_for_user(user)
    if status:
        visits = visits.filter(status=status)
    return visits.order_by("due_on", "contract__reference", "pk")


def qa_visit_list_for_export(user, *, status: str = "") -> QuerySet[QAVisit]:
    """The list's visits in the list's order, each with `open_action_count`: the actions of the improvement
    plan made from its report that are not yet verified (counted in the same query)."""
    return qa_visit_list_for_user(user, status=status).annotate(
        open_action_count=Count(
            "improvement_plan__actions",
            filter=Q(improvement_plan__actions__status__in=[ActionStatus.OPEN, ActionStatus.REPORTED_DONE]),
        )
    )


# -- Plans and actions ---------------------------------------------------------------------------------


def _overdue(today: datetime.date) -> Q:
    return Q(due_on__lt=today) & ~Q(status=ActionStatus.VERIFIED)


def improvement_plans_for_user(user) -> QuerySet[ImprovementPlan]:
    return ImprovementPlan.objects.filter(contract__in=contracts_for_user(user).values("pk")).select_related(
        "contract", "contract__organisation", "contract__provider", "qa_visit"
    )


def improvement_plans_for_contract(user, contract, *, today: datetime.date) -> QuerySet[ImprovementPlan]:
    return (
        improvement_plans_for_user(user)
        .filter(contract=contract)
        .annotate(
            action_count=Count("actions", distinct=True),
            verified_count=Count("actions", filter=Q(actions__status=ActionStatus.VERIFIED), distinct=True),
            overdue_count=Count(
                "actions",
                filter=Q(actions__due_on__lt=today) & ~Q(actions__status=ActionStatus.VERIFIED),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-id")
    )


def get_improvement_plan_for_user_or_404(user, pk) -> ImprovementPlan:
    return get_object_or_404(improvement_plans_for_user(user), pk=pk)


def get_managed_improvement_plan_or_404(user, pk) -> ImprovementPlan:
    plans = ImprovementPlan.objects.filter(contract__in=contracts_managed_by_user(user).values("pk"))
    return get_object_or_404(
        plans.select_related("contract", "contract__organisation", "contract__provider"), pk=pk
    )


def improvement_actions_for_user(user) -> QuerySet[ImprovementAction]:
    return ImprovementAction.objects.filter(
        plan__contract__in=contracts_for_user(user).values("pk")
    ).select_related("plan", "plan__contract", "plan__contract__organisation", "plan__contract__provider")


def get_improvement_action_for_user_or_404(user, pk) -> ImprovementAction:
    return get_object_or_404(improvement_actions_for_user(user), pk=pk)


def get_managed_improvement_action_or_404(user, pk) -> ImprovementAction:
    actions = ImprovementAction.objects.filter(
        plan__contract__in=contracts_managed_by_user(user).values("pk")
    )
    return get_object_or_404(
        actions.select_related(
            "plan", "plan__contract", "plan__contract__organisation", "plan__contract__provider"
        ),
        pk=pk,
    )


def improvement_actions_overdue_for_user(user, *, today: datetime.date) -> QuerySet[ImprovementAction]:
    """The overdue actions across the person's contracts, the longest overdue first."""
    return (
        improvement_actions_for_user(user)
        .filter(_overdue(today))
        .order_by("due_on", "plan__contract__reference", "pk")
    )


def improvement_actions_with_overdue(queryset, *, today: datetime.date) -> QuerySet[ImprovementAction]:
    """Annotate each action with `overdue` so templates show the tag without deciding it."""
    return queryset.annotate(overdue=ExpressionWrapper(_overdue(today), output_field=BooleanField()))


def action_updates_for(action: ImprovementAction) -> QuerySet[ActionUpdate]:
    return action.updates.select_related("posted_by", "posted_by__organisation", "evidence").order_by(
        "posted_at", "id"
    )


def get_action_update_with_evidence_for_user_or_404(user, pk) -> ActionUpdate:
    updates = ActionUpdate.objects.filter(
        action__plan__contract__in=contracts_for_user(user).values("pk"), evidence__isnull=False
    ).select_related("evidence")
    return get_object_or_404(updates, pk=pk)
