"""The tender's states and the moves between them, held as data, with the one guarded write every move
goes through.

    draft → published → closed → evaluation → award_recommended → standstill → awarded
    any state before awarded → cancelled (with reasons)
    award_recommended → evaluation (the recommendation is withdrawn to re-evaluate)

Who may make a move, and what must be true first (an approved business case to publish, every bid
moderated to recommend an award), is checked by the service function for that move
(`tender_publish`, `tender_close`, `tender_open`, `tender_recommend_award`, …). Each calls
`tender_move`, which refuses a move the table does not allow and writes the new status with a
conditional UPDATE, so of two racing requests exactly one wins and the other gets `InvalidTransition`.
"""

from __future__ import annotations

from django.db import transaction

from core.audit import audit_record
from core.models import AuditAction
from core.transitions import InvalidTransition

from ..models import Tender, TenderStatus

S = TenderStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PUBLISHED, S.CANCELLED}),
    S.PUBLISHED: frozenset({S.CLOSED, S.CANCELLED}),
    S.CLOSED: frozenset({S.EVALUATION, S.CANCELLED}),
    S.EVALUATION: frozenset({S.AWARD_RECOMMENDED, S.CANCELLED}),
    S.AWARD_RECOMMENDED: frozenset({S.STANDSTILL, S.EVALUATION, S.CANCELLED}),
    S.STANDSTILL: frozenset({S.AWARDED, S.CANCELLED}),
    S.AWARDED: frozenset(),
    S.CANCELLED: frozenset(),
}


def tender_move(
    *, tender: Tender, to: str, actor=None, actor_label: str = "", detail: dict | None = None, **fields
) -> Tender:
    """Move `tender` to `to`, setting `fields` too, and audit it; refuse a move the table forbids or
    that another request has already made. Runs in (or opens) a transaction."""
    current = tender.status
    if to not in TRANSITIONS[current]:
        raise InvalidTransition(
            f"A tender that is {S(current).label.lower()} cannot become {S(to).label.lower()}."
        )
    with transaction.atomic():
        updated = Tender.objects.filter(pk=tender.pk, status=current).update(status=to, **fields)
        if not updated:
            raise InvalidTransition(
                "Someone else has changed this tender's status. Reload the page to see it."
            )
        tender.refresh_from_db()
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            actor_label=actor_label,
            target=tender,
            detail={"from": current, "to": to, **(detail or {})},
        )
    return tender
