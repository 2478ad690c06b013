"""Demo quality assurance: Northshire's visits and an improvement plan.

- NS-C-2026-031 (medium risk, Oakfield): a visit two months ago whose report is issued, rated good in
  every area, and the next visit scheduled 12 months after it.
- NS-C-2024-007 (high risk, Riverside): a visit three months ago rated requires improvement, with an
  improvement plan of three actions: one verified, one reported done with evidence and awaiting
  verification, one overdue; and the next visit scheduled 6 months after the last.

Made through the services, as people would. The contracts come from `dashboard.demo.contracts`; one not
there is skipped quietly, and a contract that already has an issued report is left alone, so running it
twice creates nothing new. Run it before the decommissioning demo, which takes NS-C-2024-007 out of
live (visits are scheduled only on live contracts).
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

GOOD_FINDINGS = {
    "feedback": "Families we spoke to praised the staff's warmth and how quickly they answer worries.",
    "reports": "Ofsted judged the setting good last year; the actions from that inspection are complete.",
    "policies": "Safeguarding and behaviour policies are current and staff could explain them.",
    "premises": "Clean, safe and adapted; the sensory room is well used.",
    "staff": "Training records are complete; every key worker has autism training.",
    "outcomes": "Attendance and therapy targets met; the fee compares well with similar providers.",
}

RI_FINDINGS = {
    "feedback": ("good", "Young people said they feel listened to; families want more notice of changes."),
    "reports": ("requires_improvement", "Ofsted's last report asked for better records of restraint."),
    "policies": ("requires_improvement", "The behaviour policy has not been reviewed for two years."),
    "premises": ("good", "Premises are safe and well kept."),
    "staff": ("requires_improvement", "Four staff have not completed safe-handling training."),
    "outcomes": ("good", "Placements are stable and education attendance is high."),
}


def _visit(contract, commissioner, *, visited_on, findings, overall, summary, announced=True):
    from contracts.models import QAVisit, QAVisitStatus
    from contracts.services import quality as services

    visit = QAVisit.objects.filter(contract=contract, status=QAVisitStatus.SCHEDULED).first()
    if visit is None:
        visit = services.qa_visit_add(contract=contract, actor=commissioner, due_on=visited_on)
    services.qa_visit_arrange(
        visit=visit, actor=commissioner, planned_on=visited_on, lead_officer=commissioner, announced=announced
    )
    services.qa_visit_record(
        visit=visit,
        actor=commissioner,
        visited_on=visited_on,
        findings=findings,
        overall_rating=overall,
        summary=summary,
    )
    return services.qa_visit_complete(visit=visit, actor=commissioner)


def _good_contract(contract, commissioner, today):
    _visit(
        contract,
        commissioner,
        visited_on=max(today - relativedelta(months=2), contract.starts_on),
        findings={area: ("good", text) for area, text in GOOD_FINDINGS.items()},
        overall="good",
        summary="A well-run service that children enjoy. No improvement plan is needed.",
    )


def _improvement_contract(contract, commissioner, provider, today):
    from contracts.services import quality as services

    visit = _visit(
        contract,
        commissioner,
        visited_on=max(today - relativedelta(months=3), contract.starts_on),
        findings=RI_FINDINGS,
        overall="requires_improvement",
        summary="Caring staff and stable placements, but records of restraint, the behaviour policy and "
        "staff training need to improve. An improvement plan follows.",
        announced=False,
    )
    plan = services.improvement_plan_create(
        contract=contract,
        actor=commissioner,
        visit=visit,
        title=f"Improvement plan after the visit of {visit.visited_on.day} {visit.visited_on:%B %Y}",
    )
    verified = services.improvement_action_add(
        plan=plan,
        actor=commissioner,
        area="policies",
        description="Review the behaviour policy with staff and young people, and publish it.",
        owner="Sam Obi, Registered Manager",
        due_on=today - relativedelta(months=1),
    )
    awaiting = services.improvement_action_add(
        plan=plan,
        actor=commissioner,
        area="staff",
        description="Complete safe-handling training for the four staff who have not done it.",
        owner="Lee Grant, Training Lead",
        due_on=today + relativedelta(months=1),
    )
    overdue = services.improvement_action_add(
        plan=plan,
        actor=commissioner,
        area="reports",
        description="Record every use of restraint on the day, with a debrief for the young person.",
        owner="Sam Obi, Registered Manager",
        due_on=today - datetime.timedelta(days=14),
    )
    services.improvement_action_update_post(
        action=verified,
        actor=provider,
        text="Policy reviewed at the staff meeting and published.",
        reports_done=True,
    )
    services.improvement_action_verify(
        action=verified, actor=commissioner, notes="Seen the published policy and the meeting minutes."
    )
    services.improvement_action_update_post(
        action=awaiting,
        actor=provider,
        text="All four have now completed the course; the certificates are attached.",
        reports_done=True,
        evidence_file=SimpleUploadedFile(
            "training-register.csv",
            b"name,course,completed\nA. Staff,Safe handling,2026-11-02\nB. Staff,Safe handling,2026-11-02\n",
            content_type="text/csv",
        ),
        evidence_title="Safe-handling training register",
    )
    services.improvement_action_update_post(
        action=overdue, actor=provider, text="New recording form drafted; not yet in use.", reports_done=False
    )


def seed() -> None:
    """Create the demo QA visits and plan, or leave a contract that already has a report alone."""
    from accounts.models import User
    from contracts.models import Contract, ContractStatus, QAVisit, QAVisitStatus

    commissioner = User.objects.filter(email="commissioner@northshire.example").first()
    riverside = User.objects.filter(email="provider@riverside.example").first()
    if commissioner is None:
        return
    today = timezone.localdate()
    contracts = {
        contract.reference: contract
        for contract in Contract.objects.filter(
            organisation=commissioner.organisation,
            reference__in=["NS-C-2026-031", "NS-C-2024-007"],
            status=ContractStatus.LIVE,
        )
    }
    reported = set(
        QAVisit.objects.filter(contract__in=contracts.values(), status=QAVisitStatus.COMPLETED).values_list(
            "contract__reference", flat=True
        )
    )
    if "NS-C-2026-031" in contracts and "NS-C-2026-031" not in reported:
        _good_contract(contracts["NS-C-2026-031"], commissioner, today)
    if "NS-C-2024-007" in contracts and "NS-C-2024-007" not in reported and riverside is not None:
        _improvement_contract(contracts["NS-C-2024-007"], commissioner, riverside, today)
