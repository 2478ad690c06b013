"""Background work: capacity. Tasks take ids or dates, load, and call a service."""

from celery import shared_task

from ..services.capacity import capacity_sync_all

__all__ = ["sync_contracted_capacity"]


@shared_task(acks_late=True)
def sync_contracted_capacity() -> dict[str, int]:
    """Keep every authority's contracted capacity in step with its contracts and placements (daily).
    Each authority is rewritten in one transaction, so a retry after a killed worker writes the same rows."""
    return capacity_sync_all()
