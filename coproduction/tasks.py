"""Scheduled work for consultations (Celery beat, daily; also `manage.py close_consultations`)."""

from celery import shared_task
from django.utils import timezone

from .services import consultation_close_due


@shared_task(acks_late=True)
def close_due_consultations() -> dict[str, int]:
    """Open scheduled consultations whose day has come and close those whose close date has come.
    Running it again changes nothing."""
    return consultation_close_due(today=timezone.localdate())
