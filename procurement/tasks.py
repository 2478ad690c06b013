"""Scheduled work for procurement (Celery beat; also one management command each)."""

from celery import shared_task

from .services.awards import tender_award_due
from .services.tenders import tender_close_due


@shared_task(acks_late=True)
def close_due_tenders() -> int:
    """Close every published tender whose submission deadline has passed (by the server's clock).
    Running it again, or twice at once, closes nothing twice."""
    return tender_close_due()


@shared_task(acks_late=True)
def notify_standstill_ended() -> int:
    """Tell each authority's commissioners, once per tender, that a standstill has ended and the contract
    can be awarded. Awards nothing itself; safe to repeat."""
    return len(tender_award_due())
