"""Background work for the plumbing: tasks take ids, load, and call a service."""

from celery import shared_task

from .notifications import notification_deliver_email


@shared_task(acks_late=True, queue="reminders", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_notification_email(notification_id: int) -> bool:
    return notification_deliver_email(notification_id=notification_id)


@shared_task(acks_late=True)
def verify_audit_chain() -> bool:
    """Nightly: walk the audit log's hash chain; if a link is broken, tell every support staff member."""
    from .audit import audit_verify_and_alert

    return audit_verify_and_alert()
