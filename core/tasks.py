"""Background work for the plumbing: tasks take ids, load, and call a service."""

from celery import shared_task

from .notifications import notification_deliver_email, notifications_requeue_unsent


@shared_task(acks_late=True, queue="reminders", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_notification_email(notification_id: int) -> bool:
    return notification_deliver_email(notification_id=notification_id)


@shared_task(acks_late=True)
def requeue_unsent_notifications() -> int:
    """Every few minutes: queue again the emails of notifications left unsent (a broker down at commit)."""
    return notifications_requeue_unsent()


@shared_task(acks_late=True)
def verify_audit_chain() -> bool:
    """Nightly: walk the audit log's hash chain; if a link is broken, tell every support staff member."""
    from .audit import audit_verify_and_alert

    return audit_verify_and_alert()
