"""Notifications: listed in the service and emailed exactly once per (kind, object, recipient, due date)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from core.models import Notification
from core.notifications import notification_deliver_email, notification_send
from tests.access import assert_access, only

pytestmark = pytest.mark.django_db


def send(recipient, target, due=None, **kwargs):
    return notification_send(
        recipient=recipient,
        kind="business_case_submitted",
        subject="A business case is waiting for your decision",
        body="Short breaks expansion was submitted.",
        url="/documents/",
        target=target,
        due_date=due,
        **kwargs,
    )


def test_a_notification_is_listed_and_emailed_once(
    django_capture_on_commit_callbacks, finance_northshire, northshire
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(finance_northshire, northshire)
    assert notification is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [finance_northshire.email]
    assert mail.outbox[0].subject == "SEND Commissioning: A business case is waiting for your decision"
    assert "/documents/" in mail.outbox[0].body
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notification_deliver_email(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_asking_twice_for_the_same_reminder_creates_and_sends_nothing_more(
    django_capture_on_commit_callbacks, finance_northshire, northshire
):
    due = datetime.date(2026, 12, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert send(finance_northshire, northshire, due) is not None
        assert send(finance_northshire, northshire, due) is None
        assert send(finance_northshire, northshire, datetime.date(2026, 12, 8)) is not None
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


def test_email_is_sent_only_after_the_transaction_commits(
    django_capture_on_commit_callbacks, finance_northshire, northshire
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(finance_northshire, northshire)
        assert len(mail.outbox) == 0
    assert len(callbacks) == 1


def test_nobody_is_notified_through_a_switched_off_account(finance_northshire, northshire):
    finance_northshire.is_active = False
    finance_northshire.save()
    assert send(finance_northshire, northshire) is None


def test_people_see_only_their_own_notifications(client, finance_northshire, legal_northshire, northshire):
    send(finance_northshire, northshire)
    client.force_login(legal_northshire)
    assert "business case is waiting" not in client.get(reverse("core:notification_list")).text
    client.force_login(finance_northshire)
    page = client.get(reverse("core:notification_list")).text
    assert "A business case is waiting for your decision" in page
    assert "New" in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(
    client, finance_northshire, legal_northshire, northshire
):
    notification = send(finance_northshire, northshire)
    url = reverse("core:notification_open", args=[notification.pk])
    client.force_login(legal_northshire)
    assert client.post(url).status_code == 404
    client.force_login(finance_northshire)
    response = client.post(url)
    assert response["Location"] == "/documents/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_as_read(client, finance_northshire, northshire, southvale):
    send(finance_northshire, northshire)
    send(finance_northshire, southvale)
    client.force_login(finance_northshire)
    response = client.post(reverse("core:notification_read_all"), follow=True)
    assert "2 notifications marked as read" in response.text
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_unread_count_shows_in_the_navigation(client, finance_northshire, northshire):
    send(finance_northshire, northshire)
    client.force_login(finance_northshire)
    assert "Notifications (1 unread)" in client.get(reverse("dashboard:home")).text.replace(
        "\n", " "
    ).replace("  ", " ")


def test_every_signed_in_person_has_a_notification_page(request):
    assert_access(request, reverse("core:notification_list"), only({}, others=200))
