"""The scheduled work: checks made once a year, reminders once per point, overdue checks suspend."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contracts.models import ProviderCheck, ProviderCheckStatus
from contracts.services import checks as services
from contracts.tasks.checks import run_annual_checks
from core.models import AuditEvent, Notification
from procurement.models import Membership, MembershipStatus
from procurement.services import fps as fps_services

from .helpers import CHECK_DAY, DUE_DAY

pytestmark = pytest.mark.django_db

day = datetime.timedelta(days=1)


def _snapshot():
    return (
        sorted(ProviderCheck.objects.values_list("pk", "provider_id", "year", "status", "requested_on")),
        sorted(Notification.objects.values_list("key", flat=True)),
    )


def test_the_run_makes_one_check_per_active_provider_and_asks_for_evidence(places, oakfield, riverside):
    """Oakfield (two lots) gets one check, Riverside one; both are asked once, due 42 days later."""
    result = services.annual_checks_run(today=CHECK_DAY)
    assert (result.created, result.existing, result.requests_sent) == (2, 0, 2)
    checks = ProviderCheck.objects.order_by("provider__name")
    assert [c.provider for c in checks] == [oakfield, riverside]
    assert {(c.year, c.requested_on, c.evidence_due_on, c.status) for c in checks} == {
        (2026, CHECK_DAY, DUE_DAY, ProviderCheckStatus.REQUESTED)
    }
    requests = Notification.objects.filter(kind="annual_check_requested")
    assert sorted(n.recipient.email for n in requests) == [
        "provider@oakfield.test",
        "provider@riverside.test",
    ]
    assert AuditEvent.objects.filter(target_type="contracts.providercheck", action="create").count() == 2


def test_running_twice_creates_nothing_new_and_sends_nothing_new(places):
    services.annual_checks_run(today=CHECK_DAY)
    before = _snapshot()
    again = services.annual_checks_run(today=CHECK_DAY)
    later = services.annual_checks_run(today=CHECK_DAY + 10 * day)
    assert (again.created, again.existing, again.requests_sent) == (0, 2, 0)
    assert (later.created, later.existing, later.requests_sent) == (0, 2, 0)
    assert _snapshot() == before


def test_nothing_is_made_before_the_check_date(places):
    result = services.annual_checks_run(today=CHECK_DAY - day)
    assert result.created == 0 and not ProviderCheck.objects.exists()


def test_a_late_run_gives_the_provider_its_full_time(places):
    """A run on 1 June (the scheduled one was missed) asks on 1 June, with evidence due 42 days later."""
    services.annual_checks_run(today=datetime.date(2026, 6, 1))
    check = ProviderCheck.objects.first()
    assert check.requested_on == datetime.date(2026, 6, 1)
    assert check.evidence_due_on == datetime.date(2026, 7, 13)


def test_only_providers_with_an_active_place_are_checked(places, lead_northshire, riverside):
    fps_services.membership_suspend(
        membership=places["riverside"][0], actor=lead_northshire, reason="Safeguarding"
    )
    services.annual_checks_run(today=CHECK_DAY)
    assert not ProviderCheck.objects.filter(provider=riverside).exists()
    assert ProviderCheck.objects.count() == 1


def test_a_given_year_is_made_for_that_year(places):
    services.annual_checks_run(today=CHECK_DAY, year=2025)
    assert set(ProviderCheck.objects.values_list("year", flat=True)) == {2025}


def _run_reminders(days):
    for today in days:
        services.annual_check_reminders_send(today=today)
        services.annual_check_reminders_send(today=today)  # twice: the task may run again


def _reminder_days():
    return sorted(
        Notification.objects.filter(kind="annual_check_reminder").values_list("recipient__email", "due_date")
    )


def test_reminders_go_exactly_once_at_30_14_and_7_days(checks):
    every_day = [CHECK_DAY + n * day for n in range(0, 43)]
    _run_reminders(every_day)
    points = [DUE_DAY - datetime.timedelta(days=n) for n in (30, 14, 7)]
    expected = sorted(
        (email, point) for email in ("provider@oakfield.test", "provider@riverside.test") for point in points
    )
    assert _reminder_days() == expected


def test_a_missed_day_is_caught_up_with_the_latest_point_only(checks):
    """Runs only 20 and 3 days before: the 30-day reminder goes late, the 14-day one is skipped (the 7-day
    point had come by the next run), and nothing is sent twice."""
    _run_reminders([DUE_DAY - 20 * day, DUE_DAY - 3 * day, DUE_DAY - 2 * day])
    oakfield = [d for email, d in _reminder_days() if email == "provider@oakfield.test"]
    assert oakfield == [DUE_DAY - 30 * day, DUE_DAY - 7 * day]


def test_no_reminder_once_evidence_is_sent(checks, provider_oakfield):
    from .helpers import submit

    submit(checks["oakfield"], provider_oakfield)
    _run_reminders([DUE_DAY - 30 * day])
    assert [email for email, _ in _reminder_days()] == ["provider@riverside.test"]


def test_an_overdue_check_suspends_the_places_and_tells_every_member_authority(
    checks, places, commissioner_northshire, lead_northshire, commissioner_southvale, lead_southvale
):
    assert services.annual_checks_mark_overdue(today=DUE_DAY) == 0  # the due day itself is still in time
    assert services.annual_checks_mark_overdue(today=DUE_DAY + day) == 2
    assert set(ProviderCheck.objects.values_list("status", flat=True)) == {ProviderCheckStatus.OVERDUE}
    memberships = Membership.objects.all()
    assert {m.status for m in memberships} == {MembershipStatus.SUSPENDED}
    assert all("Annual provider check 2026 overdue" in m.status_reason for m in memberships)
    assert all(m.status_changed_by is None for m in memberships)
    told = Notification.objects.filter(kind="fps_suspended")
    council_people = {commissioner_northshire, lead_northshire, commissioner_southvale, lead_southvale}
    for membership in memberships:
        recipients = {n.recipient for n in told.filter(target_id=str(membership.pk))}
        assert council_people <= recipients
    audit = AuditEvent.objects.filter(target_type="procurement.membership", action="transition")
    assert {event.actor_label for event in audit} == {fps_services.SCHEDULED_ACTOR_LABEL}
    assert Notification.objects.filter(kind="annual_check_overdue").count() == 2


def test_marking_overdue_twice_changes_and_sends_nothing_more(checks):
    services.annual_checks_mark_overdue(today=DUE_DAY + day)
    before = (_snapshot(), sorted(Membership.objects.values_list("pk", "status", "status_changed_at")))
    assert services.annual_checks_mark_overdue(today=DUE_DAY + 2 * day) == 0
    assert (
        _snapshot(),
        sorted(Membership.objects.values_list("pk", "status", "status_changed_at")),
    ) == before


def test_the_task_and_the_command_do_the_day_s_work(places):
    counts = run_annual_checks(CHECK_DAY.isoformat())
    assert counts == {"created": 2, "existing": 0, "requests_sent": 2, "reminders_sent": 0, "overdue": 0}
    out = StringIO()
    call_command("run_annual_checks", "--date", (DUE_DAY + day).isoformat(), stdout=out)
    assert out.getvalue().strip() == (
        "Annual checks on 2026-05-14: 0 created, 2 already existing, 0 requests sent, 0 reminders sent, "
        "2 overdue."
    )
    out = StringIO()
    call_command("run_annual_checks", "--year", "2025", "--date", "2026-05-14", stdout=out)
    assert out.getvalue().startswith("Annual checks on 2026-05-14: 0 created")  # nobody is active any more


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="--date must be a date"):
        call_command("run_annual_checks", "--date", "14/05/2026")
