"""The QA schedule: visits scheduled by risk, commissioners reminded of visits due, and overdue actions."""

import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from contracts.models import ActionStatus, ImprovementAction, ImprovementPlan, QAVisit, QAVisitStatus
from contracts.services.watches import qa_schedule
from contracts.tasks.watches import run_qa_schedule
from core.models import Notification

pytestmark = pytest.mark.django_db

# contract_northshire starts on 1 April 2026 at medium risk: its first visit is due a year later.
VISIT_DUE = datetime.date(2027, 4, 1)


def before(offset_days: int) -> datetime.date:
    return VISIT_DUE - datetime.timedelta(days=offset_days)


def overdue_action(contract, created_by, due_on):
    plan = ImprovementPlan.objects.create(contract=contract, title="Attendance", created_by=created_by)
    return ImprovementAction.objects.create(
        plan=plan, description="Publish the attendance policy", owner="The head of centre", due_on=due_on
    )


def test_visits_are_scheduled_and_commissioners_reminded_30_days_before(
    contract_northshire, commissioner_northshire, provider_oakfield
):
    result = qa_schedule(today=before(31))
    assert result.visits_scheduled == 1
    assert result.notifications == 0
    visit = QAVisit.objects.get(contract=contract_northshire, status=QAVisitStatus.SCHEDULED)
    assert visit.due_on == VISIT_DUE
    result = qa_schedule(today=before(30))
    assert (result.visits_scheduled, result.notifications) == (0, 1)
    reminder = Notification.objects.get()
    assert reminder.recipient == commissioner_northshire
    assert reminder.kind == "qa_visit_due"
    assert reminder.due_date == VISIT_DUE
    assert "due by 1 April 2027" in reminder.subject
    assert reminder.url == reverse("contracts:qa_visit_detail", args=[visit.pk])
    # The provider is not sent the council's visit reminder (a visit may be unannounced).
    assert not Notification.objects.filter(recipient=provider_oakfield).exists()


def test_running_twice_sends_nothing_new(contract_northshire, commissioner_northshire, provider_oakfield):
    overdue_action(contract_northshire, commissioner_northshire, before(40))
    first = qa_schedule(today=before(10))
    assert first.notifications == 3  # the visit to the commissioner; the action to both sides
    second = qa_schedule(today=before(10))
    assert (second.visits_scheduled, second.notifications) == (0, 0)
    assert qa_schedule(today=before(5)).notifications == 0


def test_overdue_actions_go_to_the_contracts_commissioners_and_providers_only(
    contract_northshire,
    contract_southvale,
    commissioner_northshire,
    commissioner_southvale,
    provider_oakfield,
    provider_riverside,
):
    action = overdue_action(contract_northshire, commissioner_northshire, datetime.date(2026, 6, 1))
    verified = overdue_action(contract_southvale, commissioner_southvale, datetime.date(2026, 6, 1))
    verified.status = ActionStatus.VERIFIED
    verified.save()
    # Not yet overdue on its due day.
    with mock.patch("contracts.services.quality.qa_visits_schedule", return_value=[]):
        assert qa_schedule(today=datetime.date(2026, 6, 1)).notifications == 0
        assert qa_schedule(today=datetime.date(2026, 6, 2)).notifications == 2
    reminders = Notification.objects.filter(kind="improvement_action_overdue")
    assert set(reminders.values_list("recipient__email", flat=True)) == {
        commissioner_northshire.email,
        provider_oakfield.email,
    }
    assert set(reminders.values_list("target_id", flat=True)) == {str(action.pk)}
    assert set(reminders.values_list("due_date", flat=True)) == {datetime.date(2026, 6, 1)}
    assert set(reminders.values_list("url", flat=True)) == {
        reverse("contracts:qa_action_detail", args=[action.pk])
    }


def test_the_task_and_the_command_run_the_schedule(contract_northshire, commissioner_northshire, capsys):
    assert run_qa_schedule.apply(args=[before(1).isoformat()]).get() == {
        "visits_scheduled": 1,
        "notifications": 1,
    }
    call_command("qa_schedule", "--date", before(1).isoformat())
    assert "0 visit(s) scheduled, 0 reminder(s) sent" in capsys.readouterr().out
