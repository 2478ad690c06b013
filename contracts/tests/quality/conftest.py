"""QA objects on both test contracts: Northshire's (with Oakfield) and Southvale's (with Riverside), so every
page can be tried against another authority's and another provider's object.

For each contract: a visit whose report is issued (which books the next, scheduled, visit), an improvement
plan from that report with one open action, and an update on the action carrying evidence.
"""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import ActionUpdate, ImprovementAction, ImprovementPlan, QAVisit, QAVisitStatus
from contracts.services import quality as services

from .factories import plan_with_action


@dataclass
class QaSet:
    completed: QAVisit
    scheduled: QAVisit
    plan: ImprovementPlan
    action: ImprovementAction
    update: ActionUpdate


def _qa_set(contract, commissioner, provider_user) -> QaSet:
    plan, action = plan_with_action(contract, commissioner)
    update = services.improvement_action_update_post(
        action=action,
        actor=provider_user,
        text="Half the team trained.",
        evidence_file=SimpleUploadedFile(
            "register.csv", b"name,date\nteam,2026-11-01\n", content_type="text/csv"
        ),
    )
    return QaSet(
        completed=plan.qa_visit,
        scheduled=QAVisit.objects.get(contract=contract, status=QAVisitStatus.SCHEDULED),
        plan=plan,
        action=action,
        update=update,
    )


@pytest.fixture
def qa_northshire(contract_northshire, commissioner_northshire, provider_oakfield) -> QaSet:
    return _qa_set(contract_northshire, commissioner_northshire, provider_oakfield)


@pytest.fixture
def qa_southvale(contract_southvale, commissioner_southvale, provider_riverside) -> QaSet:
    return _qa_set(contract_southvale, commissioner_southvale, provider_riverside)
