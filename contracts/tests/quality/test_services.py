"""The QA visit and improvement action moves, allowed and forbidden."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import (
    ActionStatus,
    ActionUpdate,
    ImprovementPlanStatus,
    QAArea,
    QAFinding,
    QARating,
    QAVisit,
    QAVisitStatus,
)
from contracts.services import quality as services
from contracts.services.quality import InvalidTransition
from core.models import Notification

from .factories import (
    VISITED_ON,
    all_findings,
    completed_visit,
    plan_with_action,
    recorded_visit,
    scheduled_visit,
)

pytestmark = pytest.mark.django_db


def test_issuing_the_report_tells_the_provider_and_schedules_the_next_visit(
    contract_northshire, commissioner_northshire, provider_oakfield
):
    """Completing a visit issues the report, notifies the provider's users and books the next visit 12
    months (medium risk) after the day of the visit."""
    visit = completed_visit(contract_northshire, commissioner_northshire)
    assert visit.status == QAVisitStatus.COMPLETED
    assert visit.completed_by == commissioner_northshire and visit.completed_at is not None
    assert Notification.objects.filter(recipient=provider_oakfield, kind="qa_report_issued").count() == 1
    following = QAVisit.objects.get(contract=contract_northshire, status=QAVisitStatus.SCHEDULED)
    assert following.due_on == datetime.date(2027, 10, 14)


def test_a_report_cannot_be_issued_with_an_area_missing(contract_northshire, commissioner_northshire):
    """Five areas of six are not enough: the report is refused, naming what is missing."""
    visit = recorded_visit(contract_northshire, commissioner_northshire, areas=QAArea.values[:5])
    with pytest.raises(ValidationError, match="outcomes"):
        services.qa_visit_complete(visit=visit, actor=commissioner_northshire)
    visit.refresh_from_db()
    assert visit.status == QAVisitStatus.SCHEDULED


def test_a_report_cannot_be_issued_twice(contract_northshire, commissioner_northshire):
    visit = completed_visit(contract_northshire, commissioner_northshire)
    with pytest.raises(InvalidTransition):
        services.qa_visit_complete(visit=visit, actor=commissioner_northshire)


def test_a_stale_copy_of_a_visit_cannot_be_issued_again(contract_northshire, commissioner_northshire):
    """Two clicks: the second, holding the visit as it was before the first, loses."""
    visit = recorded_visit(contract_northshire, commissioner_northshire)
    stale = QAVisit.objects.get(pk=visit.pk)
    services.qa_visit_complete(visit=visit, actor=commissioner_northshire)
    with pytest.raises(InvalidTransition):
        services.qa_visit_complete(visit=stale, actor=commissioner_northshire)


@pytest.mark.parametrize("status", [QAVisitStatus.COMPLETED, QAVisitStatus.CANCELLED])
def test_findings_cannot_be_recorded_on_a_visit_no_longer_scheduled(
    contract_northshire, commissioner_northshire, status
):
    """An issued report's findings never change, and a cancelled visit takes no record."""
    visit = scheduled_visit(contract_northshire, status=status, visited_on=VISITED_ON)
    with pytest.raises(InvalidTransition):
        services.qa_visit_record(
            visit=visit,
            actor=commissioner_northshire,
            visited_on=VISITED_ON,
            findings=all_findings(QARating.INADEQUATE),
            today=datetime.date(2026, 12, 3),
        )
    assert not QAFinding.objects.filter(visit=visit).exists()


@pytest.mark.parametrize("status", [QAVisitStatus.COMPLETED, QAVisitStatus.CANCELLED])
def test_only_a_scheduled_visit_can_be_cancelled(contract_northshire, commissioner_northshire, status):
    visit = scheduled_visit(contract_northshire, status=status)
    with pytest.raises(InvalidTransition):
        services.qa_visit_cancel(visit=visit, actor=commissioner_northshire, reason="No longer needed")
    visit.refresh_from_db()
    assert visit.status == status


def test_cancelling_needs_a_reason(contract_northshire, commissioner_northshire):
    visit = scheduled_visit(contract_northshire)
    with pytest.raises(ValidationError):
        services.qa_visit_cancel(visit=visit, actor=commissioner_northshire, reason="  ")
    services.qa_visit_cancel(visit=visit, actor=commissioner_northshire, reason="The home closed for repairs")
    visit.refresh_from_db()
    assert visit.status == QAVisitStatus.CANCELLED and visit.cancelled_reason == "The home closed for repairs"


def test_an_extra_visit_is_refused_while_one_is_scheduled(contract_northshire, commissioner_northshire):
    scheduled_visit(contract_northshire)
    with pytest.raises(ValidationError):
        services.qa_visit_add(
            contract=contract_northshire, actor=commissioner_northshire, due_on=datetime.date(2027, 1, 5)
        )


def test_the_lead_officer_must_be_a_commissioner_of_the_authority(
    contract_northshire, commissioner_northshire, commissioner_southvale, lead_northshire
):
    visit = scheduled_visit(contract_northshire)
    with pytest.raises(ValidationError):
        services.qa_visit_arrange(
            visit=visit,
            actor=commissioner_northshire,
            planned_on=None,
            lead_officer=commissioner_southvale,
            announced=True,
        )
    services.qa_visit_arrange(
        visit=visit,
        actor=commissioner_northshire,
        planned_on=datetime.date(2026, 12, 10),
        lead_officer=lead_northshire,
        announced=False,
    )
    visit.refresh_from_db()
    assert visit.lead_officer == lead_northshire and not visit.announced


def test_another_authority_cannot_move_a_visit(
    contract_northshire, commissioner_southvale, provider_oakfield
):
    visit = scheduled_visit(contract_northshire)
    for actor in (commissioner_southvale, provider_oakfield):
        with pytest.raises(PermissionDenied):
            services.qa_visit_cancel(visit=visit, actor=actor, reason="Not mine")


def test_a_plan_follows_only_an_issued_report(contract_northshire, commissioner_northshire):
    visit = scheduled_visit(contract_northshire)
    with pytest.raises(InvalidTransition):
        services.improvement_plan_create(
            contract=contract_northshire, actor=commissioner_northshire, visit=visit, title="Plan"
        )


def test_the_provider_reports_done_with_evidence_and_the_council_verifies(
    contract_northshire, commissioner_northshire, provider_oakfield
):
    """The full round: reported done with a file the provider owns; verified; the plan completes by itself."""
    plan, action = plan_with_action(contract_northshire, commissioner_northshire)
    evidence = SimpleUploadedFile(
        "training.csv", b"name,date\nall staff,2026-11-01\n", content_type="text/csv"
    )
    update = services.improvement_action_update_post(
        action=action, actor=provider_oakfield, text="All trained.", reports_done=True, evidence_file=evidence
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.REPORTED_DONE
    assert update.evidence.organisation == contract_northshire.provider
    assert Notification.objects.filter(
        recipient=commissioner_northshire, kind="improvement_action_reported_done"
    )
    services.improvement_action_verify(
        action=action, actor=commissioner_northshire, notes="Seen the records."
    )
    action.refresh_from_db()
    plan.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED and action.verified_by == commissioner_northshire
    assert plan.status == ImprovementPlanStatus.COMPLETED and plan.completed_at is not None
    assert Notification.objects.filter(recipient=provider_oakfield, kind="improvement_action_verified")


@pytest.mark.parametrize("status", [ActionStatus.OPEN, ActionStatus.VERIFIED])
def test_only_an_action_reported_done_can_be_verified(contract_northshire, commissioner_northshire, status):
    _, action = plan_with_action(contract_northshire, commissioner_northshire, status=status)
    with pytest.raises(InvalidTransition):
        services.improvement_action_verify(action=action, actor=commissioner_northshire)
    action.refresh_from_db()
    assert action.status == status


@pytest.mark.parametrize("status", [ActionStatus.OPEN, ActionStatus.VERIFIED])
def test_only_an_action_reported_done_can_be_returned(contract_northshire, commissioner_northshire, status):
    _, action = plan_with_action(contract_northshire, commissioner_northshire, status=status)
    with pytest.raises(InvalidTransition):
        services.improvement_action_return(action=action, actor=commissioner_northshire, note="Not yet")
    action.refresh_from_db()
    assert action.status == status


def test_returning_an_action_reopens_it_with_a_note_for_the_provider(
    contract_northshire, commissioner_northshire, provider_oakfield
):
    _, action = plan_with_action(
        contract_northshire, commissioner_northshire, status=ActionStatus.REPORTED_DONE
    )
    services.improvement_action_return(
        action=action, actor=commissioner_northshire, note="Two staff still to train"
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert ActionUpdate.objects.get(action=action).text == "Two staff still to train"
    assert Notification.objects.filter(recipient=provider_oakfield, kind="improvement_action_returned")


def test_a_verified_action_takes_no_update(contract_northshire, commissioner_northshire, provider_oakfield):
    _, action = plan_with_action(contract_northshire, commissioner_northshire, status=ActionStatus.VERIFIED)
    with pytest.raises(InvalidTransition):
        services.improvement_action_update_post(
            action=action, actor=provider_oakfield, text="More", reports_done=False
        )
    assert not ActionUpdate.objects.filter(action=action).exists()


def test_an_action_already_reported_done_cannot_be_reported_again(
    contract_northshire, commissioner_northshire, provider_oakfield
):
    _, action = plan_with_action(
        contract_northshire, commissioner_northshire, status=ActionStatus.REPORTED_DONE
    )
    with pytest.raises(InvalidTransition):
        services.improvement_action_update_post(
            action=action, actor=provider_oakfield, text="Done", reports_done=True
        )


def test_another_provider_cannot_post_on_an_action(
    contract_northshire, commissioner_northshire, provider_riverside
):
    _, action = plan_with_action(contract_northshire, commissioner_northshire)
    with pytest.raises(PermissionDenied):
        services.improvement_action_update_post(action=action, actor=provider_riverside, text="Hello")
