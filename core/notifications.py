"""Notifications: a row per message and recipient, listed in the service and emailed exactly once."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .models import Notification


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

    transaction.on_commit(lambda: deliver_notification_email.delay(notification.pk))
    return notification


def notification_deliver_email(*, notification_id: int) -> bool:
    """Email one notification unless it has been emailed already. True when this call sent it.

    The row is locked while the email goes out, so two workers given the same id cannot both send it;
    a worker killed before commit leaves the row unsent for the retry.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notification.url}".strip()
        send_mail(
            subject=f"{settings.SERVICE_NAME}: {notification.subject}",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


def notification_mark_read(*, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def notifications_mark_all_read(*, recipient) -> int:
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=timezone.now()
    )
