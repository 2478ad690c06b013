"""Reads for managing contracts: the filtered list, a contract's page, its returns and meetings.

Every read starts from `contracts.selectors.contracts` so the access rule stays in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Organisation
from core.audit import target_type_of
from core.models import AuditAction, AuditEvent

from ..models import (
    Contract,
    KpiResult,
    MeetingAction,
    MonitoringMeeting,
    PerformanceReturn,
    ReturnStatus,
)
from .contracts import contracts_for_user, contracts_managed_by_user


@dataclass(frozen=True)
class ContractFilters:
    status: str = ""
    provider: Organisation | None = None
    risk: str = ""
    origin: str = ""


def contract_list(user, filters: ContractFilters | None = None) -> QuerySet[Contract]:
    filters = filters or ContractFilters()
    contracts = contracts_for_user(user)
    if filters.status:
        contracts = contracts.filter(status=filters.status)
    if filters.provider is not None:
        contracts = contracts.filter(provider=filters.provider)
    if filters.risk:
        contracts = contracts.filter(risk_rating=filters.risk)
    if filters.origin:
        contracts = contracts.filter(origin=filters.origin)
    return contracts.order_by("ends_on", "reference")


def contract_list_for_export(user, filters: ContractFilters | None = None) -> QuerySet[Contract]:
    """The list's contracts in the list's order, with where each came from (the tender and its lot, or the
    purchasing system and its lot) joined in, so a download of any length makes one query."""
    return contract_list(user, filters).select_related(
        "award__tender", "award__lot", "membership__lot__system"
    )


def providers_in_scope(user) -> QuerySet[Organisation]:
    """The providers named on the contracts a person reaches (for the list's filter)."""
    return Organisation.objects.filter(pk__in=contracts_for_user(user).values("provider_id")).order_by("name")


@dataclass
class KpiRow:
    kpi: object
    result: KpiResult | None
    return_status: str


def contract_page(user, pk) -> dict:
    """A contract with what its page shows, in a fixed number of queries."""
    contract = get_object_or_404(
        contracts_for_user(user).select_related("award__tender", "membership__lot__system", "created_by"),
        pk=pk,
    )
    kpis = list(contract.kpis.all())
    returns = list(
        contract.returns.select_related("submitted_by", "reviewed_by").prefetch_related(
            Prefetch("results", queryset=KpiResult.objects.select_related("kpi"))
        )
    )
    # The latest figure for each KPI: from the newest return not sent back to the provider.
    latest: dict[int, tuple[KpiResult, str]] = {}
    for performance_return in returns:  # newest period first
        if performance_return.status == ReturnStatus.QUERIED:
            continue
        for result in performance_return.results.all():
            latest.setdefault(result.kpi_id, (result, performance_return.get_status_display()))
    kpi_rows = [
        KpiRow(
            kpi=kpi, result=latest.get(kpi.pk, (None, ""))[0], return_status=latest.get(kpi.pk, (None, ""))[1]
        )
        for kpi in kpis
    ]
    meetings = list(
        contract.meetings.select_related("recorded_by").prefetch_related(
            Prefetch("actions", queryset=MeetingAction.objects.select_related("done_by"))
        )
    )
    return {
        "contract": contract,
        "kpi_rows": kpi_rows,
        "returns": returns,
        "risk_assessments": list(contract.risk_assessments.select_related("assessed_by")),
        "meetings": meetings,
        "capacity": list(contract.capacity.all()),
    }


def get_return_for_user_or_404(user, pk) -> PerformanceReturn:
    return get_object_or_404(
        PerformanceReturn.objects.filter(contract__in=contracts_for_user(user))
        .select_related("contract__organisation", "contract__provider", "submitted_by", "reviewed_by")
        .prefetch_related(Prefetch("results", queryset=KpiResult.objects.select_related("kpi"))),
        pk=pk,
    )


def return_queries(performance_return: PerformanceReturn) -> list[dict]:
    """Every time the council sent the return back, oldest first: when and with which questions. Read from
    the audit log, since a resubmission and an acceptance overwrite the return's current notes."""
    events = AuditEvent.objects.filter(
        action=AuditAction.TRANSITION,
        target_type=target_type_of(performance_return),
        target_id=str(performance_return.pk),
        detail__to=ReturnStatus.QUERIED,
    ).order_by("sequence")
    return [
        {"reviewed_at": event.occurred_at, "review_notes": event.detail.get("notes", "")} for event in events
    ]


def get_managed_return_or_404(user, pk) -> PerformanceReturn:
    return get_object_or_404(
        PerformanceReturn.objects.filter(contract__in=contracts_managed_by_user(user)).select_related(
            "contract__organisation", "contract__provider"
        ),
        pk=pk,
    )


def get_own_return_or_404(user, pk) -> PerformanceReturn:
    """A return of a contract naming the person's provider (for resubmitting)."""
    return get_object_or_404(
        PerformanceReturn.objects.filter(
            contract__in=contracts_for_user(user), contract__provider_id=user.organisation_id
        ).select_related("contract__organisation", "contract__provider"),
        pk=pk,
    )


def get_meeting_action_for_user_or_404(user, pk) -> MeetingAction:
    return get_object_or_404(
        MeetingAction.objects.filter(meeting__contract__in=contracts_for_user(user)).select_related(
            "meeting__contract"
        ),
        pk=pk,
    )


def get_managed_meeting_or_404(user, pk) -> MonitoringMeeting:
    return get_object_or_404(
        MonitoringMeeting.objects.filter(contract__in=contracts_managed_by_user(user)), pk=pk
    )
