"""Background work: the annual provider checks. Tasks take ids or dates, load, and call a service."""

import datetime

from celery import shared_task
from django.utils import timezone

from ..services.checks import annual_checks_daily

__all__ = ["run_annual_checks"]


@shared_task(acks_late=True)
def run_annual_checks(today: str | None = None) -> dict[str, int]:
    """Daily: make the annual checks whose system's check date has come, send the 30/14/7-day
    reminders, and mark overdue checks (suspending the provider's places). `today` is an ISO date
    (YYYY-MM-DD) for a catch-up run; by default the local date. Every step is idempotent, so a retry
    after a killed worker creates and sends nothing twice."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return annual_checks_daily(today=day)
