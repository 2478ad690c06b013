"""Background work: the daily watches. Tasks take dates, load, and call a service.

Each is acks_late and idempotent (a notification exists once per kind, object, recipient and due date), so
a worker killed half-way through a run loses nothing and, run again, duplicates nothing.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from ..services import watches as services

__all__ = ["run_contract_watch", "run_expiry_watch", "run_qa_schedule"]


def _day(today: str | None) -> datetime.date:
    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@shared_task(acks_late=True)
def run_expiry_watch(today: str | None = None) -> int:
    """Daily: remind providers of insurances and policies expiring within 60 and 30 days."""
    return services.expiry_watch(today=_day(today))


@shared_task(acks_late=True)
def run_contract_watch(today: str | None = None) -> int:
    """Daily: tell commissioners a review decision is due on contracts at their notice point."""
    return services.contract_watch(today=_day(today))


@shared_task(acks_late=True)
def run_qa_schedule(today: str | None = None) -> dict:
    """Daily: schedule QA visits by risk rating, remind of visits due soon and actions overdue."""
    result = services.qa_schedule(today=_day(today))
    return {"visits_scheduled": result.visits_scheduled, "notifications": result.notifications}
