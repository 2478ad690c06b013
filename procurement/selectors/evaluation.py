"""Reads for evaluation: which opened tenders a person reaches, which bids they may see, and the scores.

- A council commissioner reaches their own authority's tenders once opened (in evaluation or later),
  sees every bid and every individual score, and sets up the panel from draft to evaluation.
- An evaluator reaches an opened tender only while on its panel. Until they have declared their
  conflicts of interest they see the bidders' names and nothing else; afterwards they see the bids of
  every bidder they declared no conflict with, and never a bid of one they did.
- Nobody reaches a tender's evaluation before it is opened: a tender that is published or closed
  answers 404 like a missing one. Another authority's tender answers 404 too.
- A bidder's provider users read their own award letters once standstill starts, and nothing else here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.rules import is_evaluator, is_provider_user

from ..models import (
    Award,
    AwardCriterion,
    BidComplianceCheck,
    ComplianceCheckKind,
    ConflictDeclaration,
    CriterionKind,
    ModeratedScore,
    PanelMember,
    ProviderProfile,
    Score,
    Submission,
    SubmissionStatus,
    Tender,
    TenderStatus,
)
from ..rules.common import is_council_commissioner
from ..services.scoring import BidInput, CriterionSpec, RankedBid, score_lot

S = TenderStatus
OPENED_STATES = (S.EVALUATION, S.AWARD_RECOMMENDED, S.STANDSTILL, S.AWARDED)
PANEL_STATES = (S.DRAFT, S.PUBLISHED, S.CLOSED, S.EVALUATION)
LETTER_STATES = (S.STANDSTILL, S.AWARDED)
MARKED_KINDS = (CriterionKind.QUALITY, CriterionKind.SOCIAL_VALUE)


def is_tender_commissioner(user, tender: Tender) -> bool:
    return bool(is_council_commissioner(user) and user.organisation_id == tender.organisation_id)


# Tenders -------------------------------------------------------------------------------------------


def evaluation_tenders_for_user(user) -> QuerySet[Tender]:
    """Opened tenders the person reaches: their authority's as a commissioner, their panels' as an
    evaluator."""
    qs = Tender.objects.filter(status__in=OPENED_STATES, opened_at__isnull=False).select_related(
        "organisation"
    )
    if is_council_commissioner(user):
        return qs.filter(organisation_id=user.organisation_id)
    if is_evaluator(user):
        return qs.filter(
            organisation_id=user.organisation_id,
            pk__in=PanelMember.objects.filter(evaluator=user).values("tender_id"),
        )
    return qs.none()


def get_evaluation_tender_for_user_or_404(user, pk) -> Tender:
    return get_object_or_404(evaluation_tenders_for_user(user), pk=pk)


def panel_tenders_for_user(user) -> QuerySet[Tender]:
    """Tenders whose panel the person may set up: their authority's, from draft to evaluation."""
    if not is_council_commissioner(user):
        return Tender.objects.none()
    return Tender.objects.filter(organisation_id=user.organisation_id, status__in=PANEL_STATES)


def get_panel_tender_for_user_or_404(user, pk) -> Tender:
    return get_object_or_404(panel_tenders_for_user(user), pk=pk)


def panel_for(tender: Tender) -> QuerySet[PanelMember]:
    return PanelMember.objects.filter(tender=tender).select_related("evaluator")


def panel_member_for(user, tender: Tender) -> PanelMember | None:
    return PanelMember.objects.filter(tender=tender, evaluator_id=user.pk).first()


def moderator_for(tender: Tender) -> PanelMember | None:
    return panel_for(tender).filter(is_moderator=True).first()


def may_moderate(user, tender: Tender) -> bool:
    """The tender's commissioners, and the panel member marked as moderator."""
    if is_tender_commissioner(user, tender):
        return True
    return PanelMember.objects.filter(tender=tender, evaluator_id=user.pk, is_moderator=True).exists()


def declaration_for(user, tender: Tender) -> ConflictDeclaration | None:
    return (
        ConflictDeclaration.objects.filter(tender=tender, evaluator_id=user.pk)
        .prefetch_related("conflicted_providers")
        .first()
    )


def conflicted_provider_ids(user, tender: Tender) -> set[int]:
    declaration = declaration_for(user, tender)
    return {org.pk for org in declaration.conflicted_providers.all()} if declaration else set()


def bidders(tender: Tender):
    """The organisations that submitted a bid: all an evaluator sees before declaring."""
    from accounts.models import Organisation

    return Organisation.objects.filter(
        pk__in=Submission.objects.filter(tender=tender, status=SubmissionStatus.SUBMITTED).values(
            "provider_id"
        )
    ).order_by("name")


# Bids ----------------------------------------------------------------------------------------------


def bids_for_user(user, tender: Tender) -> QuerySet[Submission]:
    """The tender's submitted bids the person may see. A commissioner sees every one (excluded bids
    marked); a panel member sees none before declaring, then every bid still in the competition except
    those of bidders they declared a conflict with."""
    qs = (
        Submission.objects.filter(tender=tender, status=SubmissionStatus.SUBMITTED)
        .select_related("lot", "provider")
        .order_by("lot__number", "provider__name", "id")
    )
    if tender.status not in OPENED_STATES or tender.opened_at is None:
        return qs.none()
    if is_tender_commissioner(user, tender):
        return qs
    if not (is_evaluator(user) and user.organisation_id == tender.organisation_id):
        return qs.none()
    if not PanelMember.objects.filter(tender=tender, evaluator_id=user.pk).exists():
        return qs.none()
    declaration = ConflictDeclaration.objects.filter(tender=tender, evaluator_id=user.pk).first()
    if declaration is None:
        return qs.none()
    return qs.filter(excluded_at__isnull=True).exclude(
        provider_id__in=declaration.conflicted_providers.values("pk")
    )


def get_bid_for_user_or_404(user, tender: Tender, pk) -> Submission:
    return get_object_or_404(bids_for_user(user, tender), pk=pk)


def marked_criteria(tender: Tender) -> list[AwardCriterion]:
    return list(tender.criteria.filter(kind__in=MARKED_KINDS))


def bid_rows_for_user(user, tender: Tender, bids) -> list[dict]:
    """Each bid with the person's own scoring progress, the moderation and the compliance checks:
    a fixed number of queries however many bids."""
    bids = list(bids)
    ids = [bid.pk for bid in bids]
    criteria_count = tender.criteria.filter(kind__in=MARKED_KINDS).count()
    own: dict[int, int] = {}
    for submission_id in Score.objects.filter(submission_id__in=ids, evaluator_id=user.pk).values_list(
        "submission_id", flat=True
    ):
        own[submission_id] = own.get(submission_id, 0) + 1
    moderated: dict[int, int] = {}
    for submission_id in ModeratedScore.objects.filter(submission_id__in=ids).values_list(
        "submission_id", flat=True
    ):
        moderated[submission_id] = moderated.get(submission_id, 0) + 1
    checks: dict[int, int] = {}
    for submission_id in BidComplianceCheck.objects.filter(submission_id__in=ids).values_list(
        "submission_id", flat=True
    ):
        checks[submission_id] = checks.get(submission_id, 0) + 1
    return [
        {
            "bid": bid,
            "own_scored": own.get(bid.pk, 0),
            "moderated": moderated.get(bid.pk, 0),
            "checks": checks.get(bid.pk, 0),
            "criteria_count": criteria_count,
            "checks_count": len(ComplianceCheckKind.choices),
        }
        for bid in bids
    ]


def moderation_started(submission: Submission) -> bool:
    return ModeratedScore.objects.filter(submission=submission).exists()


def scores_visible_to(user, submission: Submission) -> bool:
    """A panel member sees the others' scores for a bid only once they have scored all of it."""
    if is_tender_commissioner(user, submission.tender):
        return True
    needed = submission.tender.criteria.filter(kind__in=MARKED_KINDS).count()
    done = Score.objects.filter(submission=submission, evaluator_id=user.pk).count()
    return needed > 0 and done >= needed


def individual_scores(submission: Submission) -> QuerySet[Score]:
    """Every panel member's scores for a bid, leaving out anyone who has declared a conflict with the
    bidder (a conflict declared after scoring takes their scores out of moderation)."""
    conflicted = ConflictDeclaration.objects.filter(
        tender_id=submission.tender_id, conflicted_providers=submission.provider_id
    ).values("evaluator_id")
    return (
        Score.objects.filter(submission=submission)
        .exclude(evaluator_id__in=conflicted)
        .select_related("evaluator", "criterion")
        .order_by("criterion__order", "criterion_id", "evaluator__full_name")
    )


def compliance_pack_for(submission: Submission) -> ProviderProfile | None:
    return ProviderProfile.objects.filter(organisation_id=submission.provider_id).first()


# Scores and readiness ------------------------------------------------------------------------------


@dataclass
class LotScores:
    lot: object
    ranked: list[RankedBid] = field(default_factory=list)
    bids: dict[int, Submission] = field(default_factory=dict)
    excluded: list[Submission] = field(default_factory=list)
    incomplete: list[Submission] = field(default_factory=list)

    @property
    def rows(self) -> list[dict]:
        return [{"result": result, "bid": self.bids[result.id]} for result in self.ranked]

    @property
    def winner(self) -> RankedBid | None:
        return self.ranked[0] if self.ranked and not self.incomplete else None


def criterion_specs(tender: Tender) -> list[CriterionSpec]:
    return [
        CriterionSpec(id=c.pk, kind=c.kind, title=c.title, weight=c.weight, max_marks=c.max_marks)
        for c in tender.criteria.all()
    ]


def tender_scores(tender: Tender) -> list[LotScores]:
    """Per lot: the compliant bids scored and ranked by the stated formulas, the excluded bids, and the
    bids that cannot be scored yet (moderation or compliance checks missing)."""
    specs = criterion_specs(tender)
    marked_ids = {spec.id for spec in specs if spec.kind != CriterionKind.PRICE}
    bids = list(
        Submission.objects.filter(tender=tender, status=SubmissionStatus.SUBMITTED)
        .select_related("lot", "provider")
        .prefetch_related(
            Prefetch("moderated_scores", queryset=ModeratedScore.objects.all()),
            Prefetch("compliance_checks", queryset=BidComplianceCheck.objects.all()),
        )
        .order_by("lot__number", "provider__name", "id")
    )
    lots = {lot.pk: LotScores(lot=lot) for lot in tender.lots.all()}
    all_kinds = {kind for kind, _ in ComplianceCheckKind.choices}
    inputs: dict[int, list[BidInput]] = {pk: [] for pk in lots}
    for bid in bids:
        entry = lots.setdefault(bid.lot_id, LotScores(lot=bid.lot))
        inputs.setdefault(bid.lot_id, [])
        if bid.excluded_at:
            entry.excluded.append(bid)
            continue
        marks = {m.criterion_id: m.marks for m in bid.moderated_scores.all()}
        checked = {c.kind for c in bid.compliance_checks.all()}
        entry.bids[bid.pk] = bid
        if not marked_ids <= set(marks) or checked != all_kinds:
            entry.incomplete.append(bid)
        inputs[bid.lot_id].append(BidInput(id=bid.pk, price=bid.price, marks=marks))
    for lot_id, entry in lots.items():
        complete = [
            bid_input for bid_input in inputs[lot_id] if bid_input.id not in {b.pk for b in entry.incomplete}
        ]
        if any(b.price is None for b in complete) and any(s.kind == CriterionKind.PRICE for s in specs):
            entry.incomplete.extend(entry.bids[b.id] for b in complete if b.price is None)
            complete = [b for b in complete if b.price is not None]
        entry.ranked = score_lot(complete, specs) if not entry.incomplete else []
    return list(lots.values())


def award_readiness(tender: Tender) -> list[str]:
    """What still stops an award recommendation, in words; empty when it may be made."""
    problems = []
    scored = tender_scores(tender)
    for entry in scored:
        for bid in entry.incomplete:
            problems.append(
                f"{bid.provider.name}'s bid for lot {entry.lot.number} needs moderated scores for every "
                "quality and social value criterion, a price, and all four compliance checks."
            )
    if problems:
        return problems
    for entry in scored:
        if len(entry.ranked) > 1 and entry.ranked[1].rank == 1:
            problems.append(
                f"Lot {entry.lot.number} has bids tying on total score and price; "
                "the panel must re-moderate before an award can be recommended."
            )
    if not any(entry.ranked for entry in scored):
        problems.append("No lot has a compliant bid to award.")
    return problems


def awards_for(tender: Tender) -> QuerySet[Award]:
    return Award.objects.filter(tender=tender).select_related("lot", "submission__provider")


# Letters and outcomes ------------------------------------------------------------------------------


def letter_bids_for_user(user) -> QuerySet[Submission]:
    """Bids whose award letter the person may read: a provider's own, a commissioner's authority's;
    only once the tender is in standstill or awarded."""
    qs = Submission.objects.filter(
        status=SubmissionStatus.SUBMITTED, tender__status__in=LETTER_STATES, tender__opened_at__isnull=False
    ).select_related("tender", "lot", "provider")
    if is_council_commissioner(user):
        return qs.filter(tender__organisation_id=user.organisation_id)
    if is_provider_user(user):
        return qs.filter(provider_id=user.organisation_id)
    return qs.none()


def get_letter_bid_for_user_or_404(user, pk) -> Submission:
    return get_object_or_404(letter_bids_for_user(user), pk=pk)


def outcomes_for_provider(user) -> QuerySet[Submission]:
    """A provider's own submitted bids on opened tenders, newest tender first, with whether it won."""
    if not is_provider_user(user):
        return Submission.objects.none()
    return (
        Submission.objects.filter(
            provider_id=user.organisation_id,
            status=SubmissionStatus.SUBMITTED,
            tender__status__in=OPENED_STATES,
            tender__opened_at__isnull=False,
        )
        .select_related("tender", "tender__organisation", "lot")
        .annotate(won=Exists(Award.objects.filter(submission_id=OuterRef("pk"))))
        .order_by("-tender__opened_at", "tender_id", "lot__number")
    )


def award_letter_context(submission: Submission) -> dict:
    """What an award letter says: this bid's scores per criterion, total and rank, and the winner's."""
    tender = submission.tender
    entry = next((e for e in tender_scores(tender) if e.lot.pk == submission.lot_id), None)
    award = (
        Award.objects.filter(tender=tender, lot_id=submission.lot_id)
        .select_related("submission__provider")
        .first()
    )
    own = winner = None
    if entry is not None:
        own = next((r for r in entry.ranked if r.id == submission.pk), None)
        if award is not None:
            winner = next((r for r in entry.ranked if r.id == award.submission_id), None)
    return {
        "tender": tender,
        "organisation": tender.organisation,
        "bid": submission,
        "lot": submission.lot,
        "own": own,
        "bidders_ranked": len(entry.ranked) if entry else 0,
        "award": award,
        "winner": winner,
        "is_winner": award is not None and award.submission_id == submission.pk,
        "criteria": list(tender.criteria.all()),
    }
