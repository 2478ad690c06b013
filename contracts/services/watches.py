"""The daily watches: reminders that something is about to lapse or fall due, sent once each.

Each watch reads what is due on `today` and sends notifications through `core.notifications.
notification_send`, which keeps one row per (kind, object, recipient, due date): a watch run twice on
a day, or on the next day, or retried after a worker was killed half-way, sends nothing it sent before.
The due date of each reminder is the date it is about (the expiry date, the notice point, the visit's
due date, the action's due date), so a date that moves gets its own reminder.

- Expiry watch: a provider's insurances expiring, and its policies due for review, within 60 days (one
  reminder) and within 30 days (another) -> the provider's users. Commissioners see the same items for
  the providers they work with on a page (`contracts:expiring_documents`), not by email.
- Contract watch: a live contract with no review decision whose notice point is within 30 days (one
  reminder) or has passed (another) -> the commissioners of the authority that let it.
- QA schedule: schedules the next visits (`qa_visits_schedule`), then reminds the authority's
  commissioners of visits due within 30 days, and the commissioners and the provider's users of
  improvement actions past their due date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from core.notifications import notification_send
from procurement.services.tenders import commissioners_of, provider_users_of

from ..selectors.watches import contracts_at_notice_point, expiring_items
from .contracts import contracts_end_expired

# Reminder thresholds, in days before the date, tightest last.
EXPIRY_THRESHOLDS = (60, 30)
NOTICE_POINT_WITHIN_DAYS = 30
QA_VISIT_WITHIN_DAYS = 30


def _url(name: str, *args) -> str:
    """A link for the notification, or none while the page does not exist (built by other work)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _date(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def expiry_threshold(*, expires_on: datetime.date, today: datetime.date) -> int | None:
    """The tightest reminder threshold the date falls within (30 or 60), or None if further off or past."""
    days_left = (expires_on - today).days
    if days_left < 0:
        return None
    within = [threshold for threshold in EXPIRY_THRESHOLDS if days_left <= threshold]
    return min(within) if within else None


def expiry_watch(*, today: datetime.date) -> int:
    """Remind providers' users of insurances expiring and policies due for review within 60 and 30 days.

    Returns the number of notifications created (0 on a second run the same day).
    """
    sent = 0
    recipients_by_provider: dict[int, list] = {}
    for entry in expiring_items(today=today, within_days=max(EXPIRY_THRESHOLDS)):
        threshold = expiry_threshold(expires_on=entry.expires_on, today=today)
        if threshold is None:
            continue
        provider_id = entry.provider.pk
        if provider_id not in recipients_by_provider:
            recipients_by_provider[provider_id] = list(provider_users_of([provider_id]))
        verb = "expires" if entry.kind == "insurance" else "is due for review"
        subject = f"Your {entry.what.lower()} {verb} on {_date(entry.expires_on)}"
        body = (
            f"{entry.provider.name}'s {entry.what.lower()} {verb} on {_date(entry.expires_on)}, within "
            f"{threshold} days. Councils check it in your compliance pack: upload the renewed "
            f"{'certificate' if entry.kind == 'insurance' else 'policy'} and its new date before then."
        )
        for recipient in recipients_by_provider[provider_id]:
            notification = notification_send(
                recipient=recipient,
                kind=f"{entry.kind}_expiring_{threshold}",
                subject=subject,
                body=body,
                url=_url("procurement:own_pack"),
                target=entry.item,
                due_date=entry.expires_on,
            )
            sent += notification is not None
    return sent


def contract_watch(*, today: datetime.date) -> int:
    """Tell the authority's commissioners a review decision is due on live contracts at their notice point.

    One reminder when the notice point is within 30 days, another once it has passed; returns the number
    of notifications created. Live contracts past their end date are ended first.
    """
    contracts_end_expired(today=today)
    sent = 0
    for contract in contracts_at_notice_point(today=today, within_days=NOTICE_POINT_WITHIN_DAYS):
        notice_point = contract.notice_point
        passed = notice_point < today
        kind = "contract_notice_point_passed" if passed else "contract_review_due"
        when = f"passed on {_date(notice_point)}" if passed else f"is {_date(notice_point)}"
        subject = f"A review decision is due on {contract.reference}: extend, re-commission or decommission"
        body = (
            f"{contract.reference} {contract.title} with {contract.provider.name} ends on "
            f"{_date(contract.ends_on)}. Its notice point ({contract.notice_period_months} months before "
            f"the end) {when}. Record the review decision: extend, re-commission or decommission."
        )
        for recipient in commissioners_of(contract.organisation_id):
            notification = notification_send(
                recipient=recipient,
                kind=kind,
                subject=subject,
                body=body,
                url=_url("contracts:contract_detail", contract.pk),
                target=contract,
                due_date=notice_point,
            )
            sent += notification is not None
    return sent


@dataclass(frozen=True)
class QaScheduleResult:
    visits_scheduled: int
    notifications: int


def qa_schedule(*, today: datetime.date) -> QaScheduleResult:
    """Schedule the next QA visits, then remind people of visits due soon and actions overdue."""
    from ..selectors import quality as quality_selectors
    from ..services import quality as quality_services

    created = quality_services.qa_visits_schedule(today=today)
    sent = 0
    for visit in quality_selectors.qa_visits_due(today=today, within_days=QA_VISIT_WITHIN_DAYS):
        contract = visit.contract
        subject = f"A quality assurance visit to {contract.provider.name} is due by {_date(visit.due_on)}"
        body = (
            f"The quality assurance visit for {contract.reference} {contract.title} is due by "
            f"{_date(visit.due_on)} ({contract.get_risk_rating_display().lower()} risk). Plan it with "
            f"{contract.provider.name}."
        )
        for recipient in commissioners_of(contract.organisation_id):
            notification = notification_send(
                recipient=recipient,
                kind="qa_visit_due",
                subject=subject,
                body=body,
                url=_url("contracts:qa_visit_detail", visit.pk),
                target=visit,
                due_date=visit.due_on,
            )
            sent += notification is not None
    for action in quality_selectors.improvement_actions_overdue(today=today):
        contract = action.plan.contract
        subject = f"An improvement action on {contract.reference} was due on {_date(action.due_on)}"
        body = (
            f'The improvement action "{action.description[:200]}" ({action.owner}) on {contract.reference} '
            f"{contract.title} was due on {_date(action.due_on)} and has not been verified."
        )
        recipients = [*commissioners_of(contract.organisation_id), *provider_users_of([contract.provider_id])]
        for recipient in recipients:
            notification = notification_send(
                recipient=recipient,
                kind="improvement_action_overdue",
                subject=subject,
                body=body,
                url=_url("contracts:qa_action_detail", action.pk),
                target=action,
                due_date=action.due_on,
            )
            sent += notification is not None
    return QaScheduleResult(visits_scheduled=len(created), notifications=sent)
