"""The contract watch: a review decision is due when a live contract reaches its notice point."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from contracts.models import ContractStatus, ReviewDecision
from contracts.services.watches import contract_watch
from contracts.tasks.watches import run_contract_watch
from core.models import Notification

from ..factories import make_contract

pytestmark = pytest.mark.django_db

# contract_northshire ends on 31 March 2028 with 6 months' notice: its notice point is 30 September 2027.
NOTICE_POINT = datetime.date(2027, 9, 30)


def at(offset_days: int) -> datetime.date:
    """The day `offset_days` before the notice point."""
    return NOTICE_POINT - datetime.timedelta(days=offset_days)


def test_31_days_before_nothing_30_days_one_reminder_once_passed_another(
    contract_northshire, commissioner_northshire, lead_northshire
):
    assert contract_northshire.notice_point == NOTICE_POINT
    assert contract_watch(today=at(31)) == 0
    assert contract_watch(today=at(30)) == 2  # both Northshire commissioners
    assert contract_watch(today=at(29)) == 0
    assert contract_watch(today=NOTICE_POINT) == 0
    assert contract_watch(today=at(-1)) == 2
    assert contract_watch(today=at(-40)) == 0
    kinds = sorted(
        Notification.objects.filter(recipient=commissioner_northshire).values_list("kind", flat=True)
    )
    assert kinds == ["contract_notice_point_passed", "contract_review_due"]
    reminder = Notification.objects.get(recipient=commissioner_northshire, kind="contract_review_due")
    assert reminder.due_date == NOTICE_POINT
    assert "review decision is due on NS-C-001" in reminder.subject
    assert "extend, re-commission or decommission" in reminder.subject
    assert "30 September 2027" in reminder.body
    assert reminder.url == reverse("contracts:contract_detail", args=[contract_northshire.pk])


def test_running_twice_sends_nothing_new(contract_northshire, commissioner_northshire):
    assert contract_watch(today=at(10)) == 1
    assert contract_watch(today=at(10)) == 0


def test_never_another_authoritys_people(
    contract_northshire,
    contract_southvale,
    commissioner_northshire,
    commissioner_southvale,
    provider_oakfield,
):
    contract_watch(today=at(0))
    assert set(Notification.objects.values_list("recipient__email", flat=True)) == {
        commissioner_northshire.email,
        commissioner_southvale.email,  # about Southvale's own contract, which has the same dates
    }
    assert set(
        Notification.objects.filter(recipient=commissioner_southvale).values_list("target_id", flat=True)
    ) == {str(contract_southvale.pk)}
    assert set(
        Notification.objects.filter(recipient=commissioner_northshire).values_list("target_id", flat=True)
    ) == {str(contract_northshire.pk)}


def test_a_decided_or_ending_contract_needs_no_reminder(
    northshire, oakfield, commissioner_northshire, contract_northshire
):
    contract_northshire.review_decision = ReviewDecision.EXTEND
    contract_northshire.save()
    make_contract(
        organisation=northshire,
        provider=oakfield,
        created_by=commissioner_northshire,
        status=ContractStatus.DECOMMISSIONING,
    )
    assert contract_watch(today=at(0)) == 0


def test_the_notice_period_decides_the_notice_point(northshire, oakfield, commissioner_northshire):
    contract = make_contract(
        organisation=northshire,
        provider=oakfield,
        created_by=commissioner_northshire,
        notice_period_months=36,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2030, 1, 1),
    )
    assert contract.notice_point == datetime.date(2027, 1, 1)
    assert contract_watch(today=datetime.date(2026, 12, 1)) == 0
    assert contract_watch(today=datetime.date(2026, 12, 2)) == 1


def test_the_task_and_the_command_run_the_watch(contract_northshire, commissioner_northshire, capsys):
    assert run_contract_watch.apply(args=[at(5).isoformat()]).get() == 1
    call_command("contract_watch", "--date", at(5).isoformat())
    assert "0 reminder(s) sent" in capsys.readouterr().out


def test_a_live_contract_past_its_end_date_ends_once_and_a_decommissioning_one_does_not(
    northshire, oakfield, commissioner_northshire, contract_northshire
):
    """The day after a live contract's end date the watch ends it, audited as the service's doing; a
    contract being decommissioned waits for its decommissioning to complete."""
    from core.models import AuditEvent

    being_decommissioned = make_contract(
        organisation=northshire,
        provider=oakfield,
        created_by=commissioner_northshire,
        status=ContractStatus.DECOMMISSIONING,
    )
    contract_watch(today=contract_northshire.ends_on)
    contract_northshire.refresh_from_db()
    assert contract_northshire.status == ContractStatus.LIVE

    the_day_after = contract_northshire.ends_on + datetime.timedelta(days=1)
    contract_watch(today=the_day_after)
    contract_watch(today=the_day_after)
    contract_northshire.refresh_from_db()
    being_decommissioned.refresh_from_db()
    assert contract_northshire.status == ContractStatus.ENDED
    assert being_decommissioned.status == ContractStatus.DECOMMISSIONING
    events = AuditEvent.objects.filter(target_id=str(contract_northshire.pk), action="transition")
    assert [(event.actor_label, event.detail["to"]) for event in events] == [
        ("The service, on schedule", "ended")
    ]
