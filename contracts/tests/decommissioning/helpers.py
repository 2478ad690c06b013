"""Moves a decommissioning through its steps via the services, as people would."""

import datetime

from django.utils import timezone

from contracts.models import DecommissionReason
from contracts.services import decommissioning as services


def propose(contract, user, **overrides):
    values = {
        "reason": DecommissionReason.UNSATISFACTORY,
        "reason_detail": "Three quarters of missed attendance targets and an inadequate QA visit.",
    }
    values.update(overrides)
    return services.decommissioning_propose(contract=contract, actor=user, **values)


def approve(decommissioning, user):
    return services.decommissioning_approve(decommissioning=decommissioning, actor=user)


def notice_dates() -> tuple[datetime.date, datetime.date]:
    """Notice served 240 days ago; the service ended yesterday (more than six months' notice)."""
    today = timezone.localdate()
    return today - datetime.timedelta(days=240), today - datetime.timedelta(days=1)


def serve(decommissioning, user, **overrides):
    notice, end = notice_dates()
    values = {"notice_served_on": notice, "end_on": end}
    values.update(overrides)
    return services.decommissioning_serve_notice(decommissioning=decommissioning, actor=user, **values)


def resolve(row, user, **overrides):
    values = {
        "destination": "state_special",
        "destination_detail": "Northshire Park School",
        "transition_on": row.decommissioning.end_on,
        "notes": "",
        "resolve": True,
    }
    values.update(overrides)
    return services.exit_row_update(row=row, actor=user, **values)
