"""Demo decommissioning: Northshire is decommissioning NS-C-2024-007 (Riverside's alternative provision,
rated high risk) for unsatisfactory performance. Proposed by one commissioner, approved by another,
notice served six weeks ago; the exit plan has three children (two resolved, one not), and two
communications to families are recorded.

The contract is made by `dashboard.demo.contracts`; without it this does nothing. Made through the
services, as people would; a contract that already has a decommissioning is left alone, so running it
twice creates nothing new. Children appear only by case reference.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

REFERENCE = "NS-C-2024-007"
# Riverside has no placement agreements with Northshire in the demo, so the children placed under this
# spot contract are added by case reference.
CHILDREN = ["NS-CYP-0412", "NS-CYP-0418", "NS-CYP-0431"]


def seed() -> None:
    """Decommission NS-C-2024-007, or leave it alone if it is absent, not live, or already has one."""
    from accounts.models import Role, User
    from contracts.models import CommunicationMethod, Contract, ContractStatus, Decommissioning
    from contracts.services import decommissioning as services

    contract = (
        Contract.objects.filter(reference=REFERENCE, organisation__slug="northshire").first()
        or Contract.objects.filter(reference=REFERENCE).order_by("pk").first()
    )
    if contract is None or Decommissioning.objects.filter(contract=contract).exists():
        return
    if contract.status != ContractStatus.LIVE:
        return
    commissioners = list(
        User.objects.filter(
            organisation_id=contract.organisation_id, is_active=True, role_assignments__role=Role.COMMISSIONER
        )
        .distinct()
        .order_by("pk")
    )
    proposer = next((u for u in commissioners if u.pk == contract.created_by_id), None) or (
        commissioners[0] if commissioners else None
    )
    approver = next((u for u in commissioners if proposer and u.pk != proposer.pk), None)
    if proposer is None or approver is None:
        return

    today = timezone.localdate()
    days = datetime.timedelta
    notice_on = max(today - days(42), contract.starts_on)
    end_on = min(notice_on + relativedelta(months=contract.notice_period_months), contract.ends_on)
    if end_on <= notice_on:
        return

    decommissioning = services.decommissioning_propose(
        contract=contract,
        actor=proposer,
        reason="unsatisfactory",
        reason_detail="Attendance has been below 70% for three months against a 90% target; two safeguarding "
        "concerns were raised this term; the latest QA visit found the premises and staff training "
        "inadequate and the improvement plan's actions are overdue.",
    )
    decommissioning = services.decommissioning_approve(decommissioning=decommissioning, actor=approver)
    decommissioning = services.decommissioning_serve_notice(
        decommissioning=decommissioning,
        actor=proposer,
        notice_served_on=notice_on,
        end_on=end_on,
        shorter_notice_agreed=end_on < services.earliest_end(contract, notice_on),
        today=today,
    )
    existing = set(decommissioning.exit_rows.values_list("case_reference", flat=True))
    for reference in CHILDREN:
        if reference not in existing:
            services.exit_row_add(decommissioning=decommissioning, actor=proposer, case_reference=reference)
    rows = {row.case_reference: row for row in decommissioning.exit_rows.all()}
    services.exit_row_update(
        row=rows["NS-CYP-0412"],
        actor=proposer,
        destination="state_special",
        destination_detail="Northshire Park School, SEMH base",
        transition_on=min(end_on, today + days(30)),
        notes="Transition visits agreed with the family; the EHC plan is amended.",
        resolve=True,
    )
    services.exit_row_update(
        row=rows["NS-CYP-0418"],
        actor=proposer,
        destination="post_16",
        destination_detail="Northshire College, foundation learning",
        transition_on=end_on,
        notes="Starts at college at the end of the placement.",
        resolve=True,
    )
    services.exit_row_update(
        row=rows["NS-CYP-0431"],
        actor=proposer,
        destination="",
        notes="Consultation with two special schools under way; the family has asked for a third option.",
        resolve=False,
    )
    services.communication_record(
        decommissioning=decommissioning,
        actor=proposer,
        sent_on=notice_on,
        method=CommunicationMethod.LETTER,
        summary="A letter to every family explaining that the service will end, why, the date it ends, "
        "and that each child's move will be planned with them.",
        today=today,
    )
    services.communication_record(
        decommissioning=decommissioning,
        actor=proposer,
        sent_on=min(today, notice_on + days(14)),
        method=CommunicationMethod.MEETING,
        summary="Met the family with the SENCO to discuss the options for the move and the transition visits.",
        exit_row=rows["NS-CYP-0431"],
        today=today,
    )
