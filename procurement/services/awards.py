"""Writes for the award: the recommendation, standstill with the award letters, and the award itself.

    evaluation → award_recommended   tender_recommend_award (every bid moderated and checked)
    award_recommended → evaluation   tender_withdraw_recommendation
    award_recommended → standstill   tender_start_standstill (letters issued; end date in working days)
    standstill → awarded             tender_award (only after the standstill's last day, by the server)

Each move goes through `tender_workflow.tender_move`, so a forbidden or raced move raises
`InvalidTransition` and changes nothing.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from core.audit import audit_record
from core.models import AuditAction
from core.notifications import notification_send

from ..models import Award, Submission, SubmissionStatus, Tender, TenderStatus
from ..selectors.evaluation import award_readiness, is_tender_commissioner, tender_scores
from .tender_workflow import InvalidTransition, tender_move

S = TenderStatus
STANDSTILL_WORKING_DAYS = 8


# Working days --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _england_holidays():
    # Bank holidays in England (the package adds years as they are asked about).
    return holidays.country_holidays("GB", subdiv="ENG")


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _england_holidays()


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (weekends and England's bank holidays skipped)."""
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def standstill_end_date(letters_issued_on: datetime.date) -> datetime.date:
    """The last day of the standstill: the 8th working day after the day the letters are issued. The
    contract may be awarded from the next day."""
    return add_working_days(letters_issued_on, STANDSTILL_WORKING_DAYS)


# Helpers -------------------------------------------------------------------------------------------


def _require_commissioner(actor, tender: Tender) -> None:
    if not is_tender_commissioner(actor, tender):
        raise PermissionDenied


def _provider_users(organisation_ids):
    return User.objects.filter(
        organisation_id__in=organisation_ids, is_active=True, role_assignments__role=Role.PROVIDER_USER
    ).distinct()


def _commissioners(tender: Tender):
    return User.objects.filter(
        organisation_id=tender.organisation_id,
        is_active=True,
        role_assignments__role__in=[Role.COMMISSIONER, Role.LEAD_COMMISSIONER],
    ).distinct()


def _bidder_ids(tender: Tender) -> set[int]:
    return set(
        Submission.objects.filter(tender=tender, status=SubmissionStatus.SUBMITTED).values_list(
            "provider_id", flat=True
        )
    )


# Moves ---------------------------------------------------------------------------------------------


def tender_recommend_award(*, tender: Tender, actor, reasons: dict | None = None, now=None) -> list[Award]:
    """Recommend, for every lot, its highest-scoring compliant bid. Refused while any bid still in the
    competition lacks moderated scores, a price or its compliance checks. `reasons` maps a lot id to the
    commissioner's reasons (optional)."""
    _require_commissioner(actor, tender)
    if tender.status != S.EVALUATION:
        raise InvalidTransition(
            f"A tender that is {S(tender.status).label.lower()} cannot have an award recommended."
        )
    problems = award_readiness(tender)
    if problems:
        raise ValidationError(problems)
    now = now or timezone.now()
    reasons = reasons or {}
    awards = []
    with transaction.atomic():
        for entry in tender_scores(tender):
            winner = entry.winner
            if winner is None:
                continue
            bid = entry.bids[winner.id]
            award = Award.objects.create(
                tender=tender,
                lot=entry.lot,
                submission=bid,
                total_score=winner.total,
                value=bid.price or 0,
                recommended_by=actor,
                recommended_at=now,
                reasons=(reasons.get(entry.lot.pk) or "").strip(),
            )
            audit_record(
                action=AuditAction.CREATE,
                actor=actor,
                target=award,
                detail={"lot": entry.lot.number, "submission": bid.pk, "total_score": str(winner.total)},
            )
            awards.append(award)
        tender_move(tender=tender, to=S.AWARD_RECOMMENDED, actor=actor, award_recommended_at=now)
    return awards


def tender_withdraw_recommendation(*, tender: Tender, actor, reason: str) -> Tender:
    """Take the recommendation back to evaluation (the recommended awards are removed, kept in the audit
    log and history)."""
    _require_commissioner(actor, tender)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the recommendation is withdrawn"})
    if tender.status != S.AWARD_RECOMMENDED:
        raise InvalidTransition(
            f"A tender that is {S(tender.status).label.lower()} has no recommendation to withdraw."
        )
    with transaction.atomic():
        for award in Award.objects.filter(tender=tender):
            audit_record(
                action=AuditAction.DELETE,
                actor=actor,
                target=award,
                detail={"lot": award.lot_id, "submission": award.submission_id, "reason": reason},
            )
            award.delete()
        tender_move(
            tender=tender,
            to=S.EVALUATION,
            actor=actor,
            detail={"reason": reason},
            award_recommended_at=None,
        )
    return tender


def tender_start_standstill(*, tender: Tender, actor, now=None) -> Tender:
    """Issue the award letters today and start the standstill: it ends on the 8th working day after."""
    _require_commissioner(actor, tender)
    if tender.status != S.AWARD_RECOMMENDED:
        raise InvalidTransition(
            f"A tender that is {S(tender.status).label.lower()} cannot start its standstill."
        )
    now = now or timezone.now()
    issued_on = timezone.localdate(now)
    end_on = standstill_end_date(issued_on)
    with transaction.atomic():
        tender_move(
            tender=tender,
            to=S.STANDSTILL,
            actor=actor,
            detail={"letters_issued_on": issued_on.isoformat(), "standstill_end_on": end_on.isoformat()},
            standstill_started_at=now,
            standstill_end_on=end_on,
        )
        url = reverse("procurement:my_outcomes")
        for user in _provider_users(_bidder_ids(tender)):
            notification_send(
                recipient=user,
                kind="award_letter_issued",
                subject=f"Your award letter for {tender.reference} is ready",
                body=(
                    f"{tender.organisation.name} has decided the award of {tender.title}. Your letter gives "
                    f"your scores and the winning bid's. The standstill period ends on "
                    f"{end_on:%-d %B %Y}."
                ),
                url=url,
                target=tender,
            )
    return tender


def tender_award(*, tender: Tender, actor, now=None) -> Tender:
    """Award the tender once its standstill has ended (from the day after its last day, by the server's
    date), and tell every bidder."""
    _require_commissioner(actor, tender)
    if tender.status != S.STANDSTILL:
        raise InvalidTransition(f"A tender that is {S(tender.status).label.lower()} cannot be awarded.")
    now = now or timezone.now()
    today = timezone.localdate(now)
    if tender.standstill_end_on is None or today <= tender.standstill_end_on:
        raise ValidationError(
            f"The standstill period ends on {tender.standstill_end_on:%-d %B %Y}; "
            "the contract can be awarded from the next day."
        )
    with transaction.atomic():
        tender_move(tender=tender, to=S.AWARDED, actor=actor, awarded_at=now)
        url = reverse("procurement:my_outcomes")
        for user in _provider_users(_bidder_ids(tender)):
            notification_send(
                recipient=user,
                kind="tender_awarded",
                subject=f"{tender.reference} has been awarded",
                body=f"{tender.organisation.name} has awarded {tender.title}.",
                url=url,
                target=tender,
            )
    return tender


def tender_award_due(*, now=None) -> list[Tender]:
    """For the scheduled task: tell each authority's commissioners, once, that a tender's standstill has
    ended and it can be awarded. Awards nothing itself. Returns the tenders whose standstill has ended."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = list(
        Tender.objects.filter(status=S.STANDSTILL, standstill_end_on__lt=today).select_related("organisation")
    )
    for tender in due:
        url = reverse("procurement:evaluation_tender", args=[tender.pk])
        for user in _commissioners(tender):
            notification_send(
                recipient=user,
                kind="standstill_ended",
                subject=f"Standstill has ended for {tender.reference}",
                body=(
                    f"The standstill period for {tender.title} ended on "
                    f"{tender.standstill_end_on:%-d %B %Y}. You can now award the contract."
                ),
                url=url,
                target=tender,
                due_date=tender.standstill_end_on,
            )
    return due
