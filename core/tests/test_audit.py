"""The audit log: append-only, hash-chained, checked end to end by `verify_audit`."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from core.audit import audit_events_for, audit_record, audit_verify
from core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def record_three(actor, target):
    return [
        audit_record(action=AuditAction.UPDATE, actor=actor, target=target, detail={"n": n}) for n in range(3)
    ]


def tamper(sql: str, params) -> None:
    """Change a row behind the application's back, as somebody with database access might."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The append-only trigger refuses this; a database superuser can switch triggers off.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_each_event_carries_the_hash_of_the_one_before(commissioner_northshire, northshire):
    first, second, third = record_three(commissioner_northshire, northshire)
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert [event.sequence for event in (first, second, third)] == [
        first.sequence,
        first.sequence + 1,
        first.sequence + 2,
    ]
    assert list(audit_verify()) == []


def test_events_record_who_what_and_from_where(commissioner_northshire, northshire):
    event = audit_record(
        action=AuditAction.TRANSITION,
        actor=commissioner_northshire,
        target=northshire,
        detail={"from": "draft", "to": "submitted"},
        ip_address="192.0.2.10",
    )
    assert event.actor_label == commissioner_northshire.email
    assert event.organisation_id == northshire.pk
    assert event.target_type == "accounts.organisation"
    assert event.ip_address == "192.0.2.10"
    assert audit_events_for(northshire).first() == event


def test_events_cannot_be_changed_or_deleted_through_the_application(commissioner_northshire, northshire):
    event = audit_record(action=AuditAction.UPDATE, actor=commissioner_northshire, target=northshire)
    event.target_label = "changed"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=event.pk).update(target_label="changed")
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_postgresql_itself_refuses_to_change_an_event(commissioner_northshire, northshire):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    event = audit_record(action=AuditAction.UPDATE, actor=commissioner_northshire, target=northshire)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET target_label = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])


def test_verify_audit_reports_the_first_changed_event(commissioner_northshire, northshire):
    _, second, _ = record_three(commissioner_northshire, northshire)
    tamper("UPDATE core_auditevent SET detail = %s WHERE id = %s", ['{"n": 99}', second.pk])
    with pytest.raises(
        CommandError, match=f"broken at event #{second.sequence}: its content no longer matches"
    ):
        call_command("verify_audit")


def test_verify_audit_reports_a_removed_event(commissioner_northshire, northshire):
    _, second, _ = record_three(commissioner_northshire, northshire)
    tamper("DELETE FROM core_auditevent WHERE id = %s", [second.pk])
    with pytest.raises(
        CommandError, match=f"broken at event #{second.sequence}: event #{second.sequence} is missing"
    ):
        call_command("verify_audit")


def test_verify_audit_reports_a_removed_last_event(commissioner_northshire, northshire):
    *_, third = record_three(commissioner_northshire, northshire)
    tamper("DELETE FROM core_auditevent WHERE id = %s", [third.pk])
    with pytest.raises(CommandError, match="head says"):
        call_command("verify_audit")


def test_verify_audit_says_an_intact_log_is_intact(commissioner_northshire, northshire, capsys):
    record_three(commissioner_northshire, northshire)
    call_command("verify_audit")
    assert "every link holds" in capsys.readouterr().out


def test_an_event_rolls_back_with_the_change_it_records(commissioner_northshire, northshire):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action=AuditAction.UPDATE, actor=commissioner_northshire, target=northshire)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
    audit_record(action=AuditAction.UPDATE, actor=commissioner_northshire, target=northshire)
    assert list(audit_verify()) == []


def test_the_nightly_check_alerts_support_staff_once_when_the_chain_is_broken(
    django_capture_on_commit_callbacks, staff_admin, commissioner_northshire, northshire
):
    from core.models import Notification
    from core.tasks import verify_audit_chain

    assert verify_audit_chain.delay().get() is True
    _, second, _ = record_three(commissioner_northshire, northshire)
    tamper("UPDATE core_auditevent SET detail = %s WHERE id = %s", ['{"n": 99}', second.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert verify_audit_chain.delay().get() is False
        assert verify_audit_chain.delay().get() is False
    alert = Notification.objects.get(kind="audit_chain_broken")
    assert alert.recipient == staff_admin
    assert f"broken at event #{second.sequence}" in alert.body
    assert not Notification.objects.filter(recipient=commissioner_northshire).exists()


def test_the_nightly_check_is_in_the_beat_schedule():
    from config.celery import app

    entry = app.conf.beat_schedule["verify-audit-chain"]
    assert entry["task"] == "core.tasks.verify_audit_chain"
