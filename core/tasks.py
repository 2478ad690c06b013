"""Background work for the plumbing: tasks take ids, load, and call a service."""

from celery import shared_task

from .notifications import notification_deliver_email


@shared_task(acks_late=True, queue="reminders", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_notification_email(notification_id: int) -> bool:
    return notification_deliver_email(notification_id=notification_id)
