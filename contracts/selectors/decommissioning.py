"""Reads for decommissioning: who reaches which, and the evidence the needs side reads.

Scoped through `contracts.selectors.contracts`, so the rule lives in one place:

- a council's commissioners reach every decommissioning of their authority's contracts;
- a provider's users reach a decommissioning of a contract naming their provider only once notice has
  been served on it (a proposal or an approval is the authority's internal business until then), and
  then only its status, notice date and end date (the page shows nothing else to them);
- nobody else reaches any. Out of reach answers 404 exactly like missing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.rules import is_provider_user

from ..models import Decommissioning, DecommissioningStatus
from ..rules import is_council_commissioner
from .contracts import contracts_for_user, contracts_managed_by_user


def decommissionings_for_user(user) -> QuerySet[Decommissioning]:
    """The decommissionings a person may read (newest first)."""
    contracts = contracts_for_user(user)
    scope = Decommissioning.objects.filter(contract__in=contracts)
    if not is_council_commissioner(user):
        if not is_provider_user(user):
            return Decommissioning.objects.none()
        scope = scope.filter(notice_served_on__isnull=False)
    return scope.select_related("contract", "contract__organisation", "contract__provider")


def get_decommissioning_for_user_or_404(user, pk) -> Decommissioning:
    return get_object_or_404(decommissionings_for_user(user), pk=pk)


def decommissionings_managed_by_user(user) -> QuerySet[Decommissioning]:
    """The decommissionings a person may act on as the council: their own authority's."""
    return Decommissioning.objects.filter(contract__in=contracts_managed_by_user(user)).select_related(
        "contract",
        "contract__organisation",
        "contract__provider",
        "proposed_by",
        "approved_by",
        "completed_by",
    )


def get_managed_decommissioning_or_404(user, pk) -> Decommissioning:
    return get_object_or_404(decommissionings_managed_by_user(user), pk=pk)


def with_exit_counts(decommissionings: QuerySet[Decommissioning]) -> QuerySet[Decommissioning]:
    return decommissionings.annotate(
        exit_total=Count("exit_rows", distinct=True),
        exit_unresolved=Count("exit_rows", filter=Q(exit_rows__resolved_at__isnull=True), distinct=True),
    )


@dataclass(frozen=True)
class DecommissioningEvidence:
    """One decommissioning as evidence for the next needs assessment."""

    pk: int
    contract_reference: str
    contract_title: str
    provider_name: str
    reason: str
    reason_label: str
    reason_detail: str
    status: str
    status_label: str
    notice_served_on: datetime.date | None
    end_on: datetime.date | None
    lessons: str
    completed_at: datetime.datetime | None
    children_in_exit_plan: int


EVIDENCE_STATUSES = (
    DecommissioningStatus.APPROVED,
    DecommissioningStatus.NOTICE_SERVED,
    DecommissioningStatus.COMPLETED,
)


def decommissioning_evidence(*, organisation) -> list[DecommissioningEvidence]:
    """The authority's decommissionings decided on (approved, notice served or completed; not a bare
    proposal, not a cancelled one), those without an end date yet first, then the latest end date, with
    why and what was learnt."""
    rows = (
        Decommissioning.objects.filter(contract__organisation=organisation, status__in=EVIDENCE_STATUSES)
        .select_related("contract", "contract__provider")
        .annotate(children=Count("exit_rows"))
        .order_by(F("end_on").desc(nulls_first=True), "-proposed_at")
    )
    return [
        DecommissioningEvidence(
            pk=d.pk,
            contract_reference=d.contract.reference,
            contract_title=d.contract.title,
            provider_name=d.contract.provider.name,
            reason=d.reason,
            reason_label=d.get_reason_display(),
            reason_detail=d.reason_detail,
            status=d.status,
            status_label=d.get_status_display(),
            notice_served_on=d.notice_served_on,
            end_on=d.end_on,
            lessons=d.lessons,
            completed_at=d.completed_at,
            children_in_exit_plan=d.children,
        )
        for d in rows
    ]
