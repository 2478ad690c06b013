"""Notifications: a row per message and recipient, listed in the service and emailed exactly once.

How "exactly once" is kept, step by step:

1. One row per (kind, object, recipient, due date): `Notification.key` is unique, so a reminder asked
   for twice (a daily watch run again, a retried task, two workers at once) exists once. A second ask
   creates nothing and queues nothing.
2. The email task is queued only after the row's transaction commits (`transaction.on_commit`), so a
   worker never looks for a row that is not there yet, and a rolled-back change emails nobody. The
   hook is `robust`: if the broker is down at that moment the commit still stands, and the sweeper
   (`notifications_requeue_unsent`, every few minutes from beat) queues the email later.
3. The worker takes the row with a row lock (`SELECT ... FOR UPDATE SKIP LOCKED`) and only while
   `emailed_at` is empty, hands the message to the mail server, then writes `emailed_at` and commits.
   Two deliveries of the same task (a redelivered message, the sweeper's copy) cannot both send: the
   second finds the row locked or already marked, and sends nothing. (Should the lock's holder then
   die, the row stays unsent and its message acknowledged; the sweeper queues it again.)
4. Tasks are `acks_late` and the worker runs with `task_reject_on_worker_lost` and a prefetch of one,
   so a worker killed mid-task loses nothing: its message goes back to the queue (the Redis
   transport's visibility timeout) and the row, never marked, is sent by the next worker.

The one window no database can close is between the mail server accepting the message and the
commit that records it: a worker killed in those few milliseconds has handed the message over but
not recorded it, and the retry hands it over again. We chose to send again rather than risk losing
the email (a claim committed before sending would make a kill there lose the message for good, and
nothing could tell a lost one from a sent one). To make a repeat harmless, every notification's email
carries a Message-ID made from its key alone (`notification_message_id`): the second hand-off is the
same message, not a new one, and mail systems and clients that see a Message-ID twice keep one copy.
The Celery integration test (tests/test_celery_integration.py) kills a worker mid-batch and checks
that 100 reminders make exactly 100 distinct messages, each delivered once.
"""

import datetime
import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .models import Notification

# Unsent notifications older than this are queued again by the sweeper (the broker may have been down
# when their transaction committed). Long enough that a healthy queue has long since delivered them.
REQUEUE_AFTER = datetime.timedelta(minutes=15)
# Older than this, an unsent notification is left alone (an address that bounces for good is not retried
# forever); it is still listed in the service.
REQUEUE_UNTIL = datetime.timedelta(days=7)
REQUEUE_BATCH = 500


def notification_key(*, kind: str, target: models.Model | None, recipient_id: int, due_date) -> str:
    target_part = f"{target._meta.label_lower}:{target.pk}" if target is not None else "-"
    due_part = due_date.isoformat() if due_date else "-"
    return f"{kind}|{target_part}|{recipient_id}|{due_part}"[:255]


def notification_send(
    *,
    recipient,
    kind: str,
    subject: str,
    body: str = "",
    url: str = "",
    target: models.Model | None = None,
    due_date: datetime.date | None = None,
) -> Notification | None:
    """Create a notification once per (kind, object, recipient, due date); email it after commit.

    Asking again for the same key returns None and creates and sends nothing.
    """
    if not recipient.is_active:
        return None
    key = notification_key(kind=kind, target=target, recipient_id=recipient.pk, due_date=due_date)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=key,
                recipient=recipient,
                kind=kind,
                subject=subject[:200],
                body=body,
                url=url,
                target_type=target._meta.label_lower if target is not None else "",
                target_id=str(target.pk) if target is not None else "",
                due_date=due_date,
            )
    except IntegrityError:
        return None
    from .tasks import deliver_notification_email

    # Robust: a broker outage at commit must not undo or fail the committed change; the sweeper
    # queues what was not queued.
    transaction.on_commit(lambda: deliver_notification_email.delay(notification.pk), robust=True)
    return notification


def notification_message_id(notification: Notification) -> str:
    """The email's Message-ID, the same on every hand-off of this notification: made from its key."""
    digest = hashlib.sha256(notification.key.encode()).hexdigest()[:32]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "send-commissioning.invalid"
    return f"<notification.{notification.pk}.{digest}@{domain}>"


def notification_deliver_email(*, notification_id: int) -> bool:
    """Email one notification unless it has been emailed already. True when this call sent it.

    The row is locked while the email goes out, so two workers given the same id cannot both send it;
    a worker killed before commit leaves the row unsent for the retry, which sends the same message
    (the same Message-ID) again. See the module's docstring.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, no_key=True)
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notification.url}".strip()
        EmailMessage(
            subject=f"{settings.SERVICE_NAME}: {notification.subject}",
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.recipient.email],
            headers={"Message-ID": notification_message_id(notification)},
        ).send()
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


def notifications_requeue_unsent(*, now=None) -> int:
    """Queue the email again for notifications still unsent well after they were made; returns how many.

    Covers a broker that was down when a notification's transaction committed. Queuing one twice is
    harmless: the delivery takes a row lock and skips a row already emailed.
    """
    from .tasks import deliver_notification_email

    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lt=now - REQUEUE_AFTER,
            created_at__gte=now - REQUEUE_UNTIL,
            recipient__is_active=True,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:REQUEUE_BATCH]
    )
    for notification_id in ids:
        deliver_notification_email.delay(notification_id)
    return len(ids)


def notification_mark_read(*, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def notifications_mark_all_read(*, recipient) -> int:
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=timezone.now()
    )
