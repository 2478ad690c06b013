"""The expiry watch: providers are reminded once at 60 days and once at 30 days before an expiry."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from contracts.services.watches import expiry_threshold, expiry_watch
from contracts.tasks.watches import run_expiry_watch
from core.models import Notification

from .conftest import TODAY, add_insurance, add_policy, days

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("days_left", "threshold"), [(61, None), (60, 60), (31, 60), (30, 30), (0, 30), (-1, None)]
)
def test_the_threshold_a_date_falls_within(days_left, threshold):
    assert expiry_threshold(expires_on=days(days_left), today=TODAY) == threshold


def test_61_days_out_nothing_60_days_one_reminder_30_days_another(provider_oakfield, oakfield):
    insurance = add_insurance(oakfield, days(61))
    assert expiry_watch(today=TODAY) == 0
    # A day later it is 60 days away: one reminder.
    assert expiry_watch(today=days(1)) == 1
    reminder = Notification.objects.get()
    assert reminder.recipient == provider_oakfield
    assert reminder.kind == "insurance_expiring_60"
    assert reminder.due_date == insurance.expires_on
    assert reminder.target_type == "procurement.insurance"
    assert reminder.target_id == str(insurance.pk)
    assert "expires on 2 February 2027" in reminder.subject
    # Every day between, nothing new.
    for offset in range(2, 31):
        assert expiry_watch(today=days(offset)) == 0
    # 30 days before: another.
    assert expiry_watch(today=days(31)) == 1
    assert sorted(Notification.objects.values_list("kind", flat=True)) == [
        "insurance_expiring_30",
        "insurance_expiring_60",
    ]


def test_running_twice_sends_nothing_new(provider_oakfield, oakfield, django_capture_on_commit_callbacks):
    add_insurance(oakfield, days(45))
    add_policy(oakfield, days(10))
    with django_capture_on_commit_callbacks(execute=True):
        assert expiry_watch(today=TODAY) == 2
        assert expiry_watch(today=TODAY) == 0
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2
    assert {n.kind for n in Notification.objects.all()} == {"insurance_expiring_60", "policy_expiring_30"}


def test_a_renewed_date_gets_its_own_reminders(provider_oakfield, oakfield):
    insurance = add_insurance(oakfield, days(20))
    assert expiry_watch(today=TODAY) == 1
    insurance.expires_on = days(50)  # renewed, then the new date comes round
    insurance.save()
    assert expiry_watch(today=TODAY) == 1
    assert Notification.objects.count() == 2


def test_only_the_providers_own_users_are_told(provider_oakfield, provider_riverside, oakfield, riverside):
    add_insurance(oakfield, days(30))
    add_insurance(riverside, days(90))
    expiry_watch(today=TODAY)
    assert list(Notification.objects.values_list("recipient__email", flat=True)) == [provider_oakfield.email]


def test_removed_and_already_expired_items_are_left_alone(provider_oakfield, oakfield):
    add_insurance(oakfield, days(20), removed_at=timezone.now())
    add_insurance(oakfield, days(-1))
    assert expiry_watch(today=TODAY) == 0


def test_nobody_at_the_councils_gets_the_providers_reminders(
    provider_oakfield, oakfield, commissioner_northshire, contract_northshire
):
    add_policy(oakfield, days(5))
    expiry_watch(today=TODAY)
    assert not Notification.objects.filter(recipient=commissioner_northshire).exists()


def test_the_task_and_the_command_run_the_watch(provider_oakfield, oakfield, capsys):
    add_insurance(oakfield, days(60))
    assert run_expiry_watch.apply(args=[TODAY.isoformat()]).get() == 1
    call_command("expiry_watch", "--date", TODAY.isoformat())
    assert "0 reminder(s) sent" in capsys.readouterr().out
    assert Notification.objects.count() == 1
