"""Delivery of notification emails: the same message on every hand-off, and nothing left unqueued."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from core.models import Notification
from core.notifications import (
    notification_deliver_email,
    notification_message_id,
    notifications_requeue_unsent,
)

pytestmark = pytest.mark.django_db


def make(recipient, key="k", **fields):
    return Notification.objects.create(key=key, recipient=recipient, kind="test", subject="Hello", **fields)


def test_the_message_id_is_made_from_the_notification_alone(finance_northshire):
    first = make(finance_northshire, key="a")
    second = make(finance_northshire, key="b")
    assert notification_message_id(first) == notification_message_id(Notification.objects.get(pk=first.pk))
    assert notification_message_id(first) != notification_message_id(second)
    assert notification_message_id(first).endswith("@send-commissioning.example>")


def test_a_repeated_hand_off_is_the_same_message(finance_northshire):
    """A worker killed after the mail server took the message but before the commit sends it again:
    the same Message-ID, so the recipient's mail system keeps one copy."""
    notification = make(finance_northshire)
    assert notification_deliver_email(notification_id=notification.pk) is True
    Notification.objects.filter(pk=notification.pk).update(emailed_at=None)  # as if the commit was lost
    assert notification_deliver_email(notification_id=notification.pk) is True
    assert len(mail.outbox) == 2
    assert mail.outbox[0].extra_headers["Message-ID"] == mail.outbox[1].extra_headers["Message-ID"]
    assert mail.outbox[0].message()["Message-ID"] == notification_message_id(notification)


def test_the_sweeper_queues_only_old_unsent_notifications(finance_northshire):
    now = timezone.now()
    stale = make(finance_northshire, key="stale", created_at=now - datetime.timedelta(minutes=20))
    make(finance_northshire, key="fresh", created_at=now - datetime.timedelta(minutes=5))
    make(finance_northshire, key="sent", created_at=now - datetime.timedelta(hours=1), emailed_at=now)
    make(finance_northshire, key="ancient", created_at=now - datetime.timedelta(days=8))
    assert notifications_requeue_unsent(now=now) == 1  # tasks run in-process in the tests: it is sent
    stale.refresh_from_db()
    assert stale.emailed_at is not None
    assert len(mail.outbox) == 1
    assert notifications_requeue_unsent(now=now) == 0
