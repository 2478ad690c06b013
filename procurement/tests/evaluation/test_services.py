"""Evaluation and award services: who may act, what is refused, and the tender's moves."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import Notification
from procurement.models import (
    Award,
    ConflictDeclaration,
    ModeratedScore,
    PanelMember,
    Score,
    TenderStatus,
)
from procurement.selectors.evaluation import bids_for_user, tender_scores
from procurement.services import awards
from procurement.services.evaluation import (
    bid_compliance_record,
    bid_moderate,
    bid_scores_record,
    conflict_add,
    conflict_declare,
    panel_member_add,
    panel_member_remove,
    panel_moderator_set,
)
from procurement.services.tender_workflow import InvalidTransition

from .conftest import make_tender, marked, moderate_all, pass_checks

S = TenderStatus
pytestmark = pytest.mark.django_db


def scores_for(tender, marks=(4, 3, 7), text="Because."):
    return {c.pk: (m, text) for c, m in zip(marked(tender), marks, strict=True)}


def checks(failed=()):
    return {
        kind: (kind not in failed, f"Evidence for {kind}")
        for kind in ("registration", "insurance", "policies", "financial")
    }


# Panel ---------------------------------------------------------------------------------------------


def test_a_commissioner_adds_an_evaluator_of_their_authority_as_moderator(
    tender, commissioner_northshire, evaluator_northshire
):
    member = panel_member_add(
        tender=tender, evaluator=evaluator_northshire, actor=commissioner_northshire, is_moderator=True
    )
    assert member.is_moderator and member.added_by == commissioner_northshire


def test_only_evaluators_of_the_same_authority_join_the_panel(
    tender, commissioner_northshire, evaluator_southvale, finance_northshire
):
    for person in (evaluator_southvale, finance_northshire):
        with pytest.raises(ValidationError) as error:
            panel_member_add(tender=tender, evaluator=person, actor=commissioner_northshire)
        assert "evaluator" in error.value.error_dict
    assert not PanelMember.objects.exists()


@pytest.mark.parametrize("actor", ["commissioner_southvale", "evaluator_northshire", "provider_oakfield"])
def test_only_the_tenders_commissioners_change_the_panel(request, tender, evaluator_northshire, actor):
    with pytest.raises(PermissionDenied):
        panel_member_add(tender=tender, evaluator=evaluator_northshire, actor=request.getfixturevalue(actor))


def test_a_member_who_has_scored_stays_on_the_panel(
    tender, bids, declared, panel, commissioner_northshire, evaluator_northshire
):
    bid_scores_record(submission=bids["oakfield"], evaluator=evaluator_northshire, scores=scores_for(tender))
    with pytest.raises(ValidationError):
        panel_member_remove(member=panel, actor=commissioner_northshire)
    assert PanelMember.objects.filter(pk=panel.pk).exists()


def test_a_member_who_has_not_scored_is_removed(tender, panel, commissioner_northshire):
    panel_member_remove(member=panel, actor=commissioner_northshire)
    assert not PanelMember.objects.exists()


def test_one_moderator_at_a_time(tender, panel, other_evaluator, commissioner_northshire):
    second = panel_member_add(tender=tender, evaluator=other_evaluator, actor=commissioner_northshire)
    panel_moderator_set(member=panel, tender=tender, actor=commissioner_northshire)
    panel_moderator_set(member=second, tender=tender, actor=commissioner_northshire)
    assert list(PanelMember.objects.filter(is_moderator=True)) == [second]
    panel_moderator_set(member=None, tender=tender, actor=commissioner_northshire)
    assert not PanelMember.objects.filter(is_moderator=True).exists()


# Declarations --------------------------------------------------------------------------------------


def test_an_undeclared_panel_member_sees_no_bid(tender, bids, panel, evaluator_northshire):
    assert list(bids_for_user(evaluator_northshire, tender)) == []


def test_a_declared_conflict_hides_that_bidders_bids(tender, bids, panel, evaluator_northshire, riverside):
    conflict_declare(
        tender=tender,
        evaluator=evaluator_northshire,
        conflicted_providers=[riverside],
        details="My sister works there.",
    )
    assert list(bids_for_user(evaluator_northshire, tender)) == [bids["oakfield"]]


def test_a_declaration_is_made_once(tender, bids, panel, evaluator_northshire):
    conflict_declare(tender=tender, evaluator=evaluator_northshire)
    with pytest.raises(ValidationError):
        conflict_declare(tender=tender, evaluator=evaluator_northshire)
    assert ConflictDeclaration.objects.count() == 1


def test_a_conflict_needs_its_details(tender, bids, panel, evaluator_northshire, riverside):
    with pytest.raises(ValidationError) as error:
        conflict_declare(tender=tender, evaluator=evaluator_northshire, conflicted_providers=[riverside])
    assert "details" in error.value.error_dict
    assert not ConflictDeclaration.objects.exists()


def test_someone_not_on_the_panel_cannot_declare(tender, bids, other_evaluator):
    with pytest.raises(PermissionDenied):
        conflict_declare(tender=tender, evaluator=other_evaluator)


@pytest.mark.parametrize("status", [S.PUBLISHED, S.CLOSED])
def test_no_declaration_before_the_tender_is_opened(
    northshire, commissioner_northshire, evaluator_northshire, status
):
    tender = make_tender(organisation=northshire, created_by=commissioner_northshire, status=status)
    PanelMember.objects.create(
        tender=tender, evaluator=evaluator_northshire, added_by=commissioner_northshire
    )
    with pytest.raises(ValidationError):
        conflict_declare(tender=tender, evaluator=evaluator_northshire)


def test_a_conflict_found_later_is_added_and_never_removed(
    tender, bids, declared, evaluator_northshire, riverside
):
    conflict_add(
        declaration=declared,
        evaluator=evaluator_northshire,
        conflicted_providers=[riverside],
        details="Now a trustee.",
    )
    declared.refresh_from_db()
    assert list(declared.conflicted_providers.all()) == [riverside]
    assert "Now a trustee." in declared.details
    assert list(bids_for_user(evaluator_northshire, tender)) == [bids["oakfield"]]


# Scoring -------------------------------------------------------------------------------------------


def test_a_panel_member_scores_a_visible_bid_and_may_change_it_before_moderation(
    tender, bids, declared, evaluator_northshire, commissioner_northshire
):
    bid = bids["oakfield"]
    bid_scores_record(submission=bid, evaluator=evaluator_northshire, scores=scores_for(tender))
    bid_scores_record(submission=bid, evaluator=evaluator_northshire, scores=scores_for(tender, (5, 3, 7)))
    assert sorted(Score.objects.values_list("marks", flat=True)) == [3, 5, 7]
    bid_moderate(submission=bid, actor=commissioner_northshire, marks=scores_for(tender))
    with pytest.raises(ValidationError):
        bid_scores_record(
            submission=bid, evaluator=evaluator_northshire, scores=scores_for(tender, (1, 1, 1))
        )
    assert sorted(Score.objects.values_list("marks", flat=True)) == [3, 5, 7]


def test_scoring_is_refused_for_someone_not_on_the_panel(tender, bids, other_evaluator):
    with pytest.raises(PermissionDenied):
        bid_scores_record(submission=bids["oakfield"], evaluator=other_evaluator, scores=scores_for(tender))
    assert not Score.objects.exists()


def test_scoring_is_refused_before_declaring(tender, bids, panel, evaluator_northshire):
    with pytest.raises(PermissionDenied):
        bid_scores_record(
            submission=bids["oakfield"], evaluator=evaluator_northshire, scores=scores_for(tender)
        )
    assert not Score.objects.exists()


def test_scoring_a_conflicted_bidder_is_refused(tender, bids, panel, evaluator_northshire, riverside):
    conflict_declare(
        tender=tender, evaluator=evaluator_northshire, conflicted_providers=[riverside], details="x"
    )
    with pytest.raises(PermissionDenied):
        bid_scores_record(
            submission=bids["riverside"], evaluator=evaluator_northshire, scores=scores_for(tender)
        )


def test_marks_out_of_range_and_missing_justification_are_refused(
    tender, bids, declared, evaluator_northshire
):
    [needs, safe, _local] = marked(tender)
    with pytest.raises(ValidationError) as error:
        bid_scores_record(
            submission=bids["oakfield"],
            evaluator=evaluator_northshire,
            scores={needs.pk: (6, "Too many"), safe.pk: (3, "  ")},
        )
    assert set(error.value.error_dict) == {f"marks_{needs.pk}", f"text_{safe.pk}"}
    assert not Score.objects.exists()


# Moderation and compliance -------------------------------------------------------------------------


def test_only_the_moderator_or_a_commissioner_moderates(
    tender, bids, declared, panel, evaluator_northshire, commissioner_northshire
):
    with pytest.raises(PermissionDenied):
        bid_moderate(submission=bids["oakfield"], actor=evaluator_northshire, marks=scores_for(tender))
    panel_moderator_set(member=panel, tender=tender, actor=commissioner_northshire)
    bid_moderate(submission=bids["oakfield"], actor=evaluator_northshire, marks=scores_for(tender))
    assert bids["oakfield"].moderated_scores.count() == 3


def test_a_failed_compliance_check_excludes_the_bid_with_its_reason(
    tender, bids, commissioner_northshire, declared, evaluator_northshire
):
    bid = bids["riverside"]
    bid_compliance_record(
        submission=bid, actor=commissioner_northshire, results=checks(failed=("insurance",))
    )
    bid.refresh_from_db()
    assert bid.excluded_at is not None
    assert "Insurance: Evidence for insurance" in bid.excluded_reason
    assert bid not in bids_for_user(evaluator_northshire, tender)
    with pytest.raises(ValidationError):
        bid_compliance_record(submission=bid, actor=commissioner_northshire, results=checks())
    with pytest.raises(ValidationError):
        bid_moderate(submission=bid, actor=commissioner_northshire, marks=scores_for(tender))


def test_compliance_checks_are_for_the_tenders_commissioners(
    tender, bids, commissioner_southvale, evaluator_northshire
):
    for actor in (commissioner_southvale, evaluator_northshire):
        with pytest.raises(PermissionDenied):
            bid_compliance_record(submission=bids["oakfield"], actor=actor, results=checks())


# Award ---------------------------------------------------------------------------------------------


def ready(tender, bids, commissioner):
    moderate_all(bids["oakfield"], by=commissioner, marks=[4, 3, 7])
    moderate_all(bids["riverside"], by=commissioner, marks=[3, 4, 6])
    pass_checks(bids["oakfield"], by=commissioner)
    pass_checks(bids["riverside"], by=commissioner)


def test_recommendation_picks_the_highest_scoring_compliant_bid(tender, bids, commissioner_northshire):
    """Riverside 80.00 beats Oakfield 75.00 (worked in test_scoring)."""
    ready(tender, bids, commissioner_northshire)
    [award] = awards.tender_recommend_award(
        tender=tender, actor=commissioner_northshire, reasons={tender.lots.get().pk: "Best value."}
    )
    tender.refresh_from_db()
    assert tender.status == S.AWARD_RECOMMENDED and tender.award_recommended_at
    assert (award.submission, award.total_score, award.value, award.reasons) == (
        bids["riverside"],
        Decimal("80.00"),
        Decimal("80000.00"),
        "Best value.",
    )


def test_an_excluded_winner_gives_way_to_the_next_compliant_bid(tender, bids, commissioner_northshire):
    moderate_all(bids["oakfield"], by=commissioner_northshire)
    pass_checks(bids["oakfield"], by=commissioner_northshire)
    bid_compliance_record(
        submission=bids["riverside"], actor=commissioner_northshire, results=checks(failed=("financial",))
    )
    [award] = awards.tender_recommend_award(tender=tender, actor=commissioner_northshire)
    assert award.submission == bids["oakfield"]
    # Oakfield is now the lowest compliant price: 40 + 24 + 12 + 7.
    assert award.total_score == Decimal("83.00")


@pytest.mark.parametrize("missing", ["moderation", "compliance"])
def test_recommendation_is_refused_while_a_bid_lacks_moderation_or_checks(
    tender, bids, commissioner_northshire, missing
):
    moderate_all(bids["oakfield"], by=commissioner_northshire)
    pass_checks(bids["oakfield"], by=commissioner_northshire)
    if missing == "moderation":
        pass_checks(bids["riverside"], by=commissioner_northshire)
    else:
        moderate_all(bids["riverside"], by=commissioner_northshire)
    with pytest.raises(ValidationError):
        awards.tender_recommend_award(tender=tender, actor=commissioner_northshire)
    tender.refresh_from_db()
    assert tender.status == S.EVALUATION and not Award.objects.exists()


def test_withdrawing_a_recommendation_goes_back_to_evaluation(tender, bids, commissioner_northshire):
    ready(tender, bids, commissioner_northshire)
    awards.tender_recommend_award(tender=tender, actor=commissioner_northshire)
    awards.tender_withdraw_recommendation(
        tender=tender, actor=commissioner_northshire, reason="Recheck marks."
    )
    tender.refresh_from_db()
    assert tender.status == S.EVALUATION and not Award.objects.exists()
    awards.tender_recommend_award(tender=tender, actor=commissioner_northshire)
    assert Award.objects.count() == 1


def _at(day: datetime.date, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_standstill_sets_the_end_date_and_tells_the_bidders(
    tender, bids, commissioner_northshire, provider_oakfield, provider_riverside
):
    ready(tender, bids, commissioner_northshire)
    awards.tender_recommend_award(tender=tender, actor=commissioner_northshire)
    awards.tender_start_standstill(
        tender=tender, actor=commissioner_northshire, now=_at(datetime.date(2028, 12, 21))
    )
    tender.refresh_from_db()
    assert tender.status == S.STANDSTILL
    assert tender.standstill_end_on == datetime.date(2029, 1, 5)
    assert set(
        Notification.objects.filter(kind="award_letter_issued").values_list("recipient__email", flat=True)
    ) == {
        provider_oakfield.email,
        provider_riverside.email,
    }


def test_award_before_the_standstill_ends_is_refused_and_after_it_is_made(
    tender, bids, commissioner_northshire, provider_oakfield
):
    ready(tender, bids, commissioner_northshire)
    awards.tender_recommend_award(tender=tender, actor=commissioner_northshire)
    awards.tender_start_standstill(
        tender=tender, actor=commissioner_northshire, now=_at(datetime.date(2028, 12, 21))
    )
    tender.refresh_from_db()
    for day in (datetime.date(2028, 12, 22), datetime.date(2029, 1, 5)):
        with pytest.raises(ValidationError):
            awards.tender_award(tender=tender, actor=commissioner_northshire, now=_at(day, 23))
        tender.refresh_from_db()
        assert tender.status == S.STANDSTILL
    awards.tender_award(tender=tender, actor=commissioner_northshire, now=_at(datetime.date(2029, 1, 6)))
    tender.refresh_from_db()
    assert tender.status == S.AWARDED and tender.awarded_at
    assert Notification.objects.filter(kind="tender_awarded", recipient=provider_oakfield).exists()


def test_award_uses_the_servers_date_by_default(tender, bids, commissioner_northshire):
    ready(tender, bids, commissioner_northshire)
    awards.tender_recommend_award(tender=tender, actor=commissioner_northshire)
    awards.tender_start_standstill(tender=tender, actor=commissioner_northshire)
    tender.refresh_from_db()
    with pytest.raises(ValidationError):
        awards.tender_award(tender=tender, actor=commissioner_northshire)
    later = _at(tender.standstill_end_on + datetime.timedelta(days=1))
    with mock.patch("django.utils.timezone.now", return_value=later):
        awards.tender_award(tender=tender, actor=commissioner_northshire)
    tender.refresh_from_db()
    assert tender.status == S.AWARDED


def test_award_due_tells_the_commissioners_once_and_awards_nothing(
    tender, bids, commissioner_northshire, lead_northshire, commissioner_southvale
):
    ready(tender, bids, commissioner_northshire)
    awards.tender_recommend_award(tender=tender, actor=commissioner_northshire)
    awards.tender_start_standstill(
        tender=tender, actor=commissioner_northshire, now=_at(datetime.date(2028, 12, 21))
    )
    assert awards.tender_award_due(now=_at(datetime.date(2029, 1, 5))) == []
    after = _at(datetime.date(2029, 1, 6))
    assert [t.pk for t in awards.tender_award_due(now=after)] == [tender.pk]
    awards.tender_award_due(now=after)
    tender.refresh_from_db()
    assert tender.status == S.STANDSTILL
    notified = Notification.objects.filter(kind="standstill_ended")
    assert sorted(notified.values_list("recipient__email", flat=True)) == sorted(
        [commissioner_northshire.email, lead_northshire.email]
    )


# Forbidden moves -----------------------------------------------------------------------------------

MOVES = {
    "recommend": lambda t, a: awards.tender_recommend_award(tender=t, actor=a),
    "withdraw": lambda t, a: awards.tender_withdraw_recommendation(tender=t, actor=a, reason="Because."),
    "standstill": lambda t, a: awards.tender_start_standstill(tender=t, actor=a),
    "award": lambda t, a: awards.tender_award(tender=t, actor=a, now=_at(datetime.date(2099, 1, 1))),
}
ALLOWED_FROM = {
    "recommend": S.EVALUATION,
    "withdraw": S.AWARD_RECOMMENDED,
    "standstill": S.AWARD_RECOMMENDED,
    "award": S.STANDSTILL,
}
FORBIDDEN = [(move, status) for move in MOVES for status in S.values if status != ALLOWED_FROM[move]]


@pytest.mark.parametrize(("move", "status"), FORBIDDEN)
def test_forbidden_moves_are_refused_and_change_nothing(northshire, commissioner_northshire, move, status):
    tender = make_tender(organisation=northshire, created_by=commissioner_northshire, status=status)
    tender.standstill_end_on = datetime.date(2000, 1, 1)
    tender.save()
    with pytest.raises(InvalidTransition):
        MOVES[move](tender, commissioner_northshire)
    tender.refresh_from_db()
    assert tender.status == status


@pytest.mark.parametrize("move", list(MOVES))
def test_moves_are_refused_to_anyone_but_the_tenders_commissioners(
    northshire, commissioner_northshire, commissioner_southvale, evaluator_northshire, move
):
    tender = make_tender(
        organisation=northshire, created_by=commissioner_northshire, status=ALLOWED_FROM[move]
    )
    for actor in (commissioner_southvale, evaluator_northshire):
        with pytest.raises(PermissionDenied):
            MOVES[move](tender, actor)
    tender.refresh_from_db()
    assert tender.status == ALLOWED_FROM[move]


def test_scores_leave_out_an_excluded_bid(tender, bids, commissioner_northshire):
    ready(tender, bids, commissioner_northshire)
    [entry] = tender_scores(tender)
    assert [r.total for r in entry.ranked] == [Decimal("80.00"), Decimal("75.00")]


def test_a_tie_on_total_and_price_is_refused_until_re_moderated(tender, bids, commissioner_northshire):
    bids["riverside"].price = bids["oakfield"].price
    bids["riverside"].save()
    ready(tender, bids, commissioner_northshire)
    ModeratedScore.objects.filter(submission=bids["riverside"]).delete()
    moderate_all(bids["riverside"], by=commissioner_northshire, marks=[4, 3, 7])
    with pytest.raises(ValidationError) as error:
        awards.tender_recommend_award(tender=tender, actor=commissioner_northshire)
    assert "tying" in str(error.value)
    tender.refresh_from_db()
    assert tender.status == S.EVALUATION


def test_the_end_standstill_command_notifies_once(tender, bids, commissioner_northshire):
    from io import StringIO

    from django.core.management import call_command

    ready(tender, bids, commissioner_northshire)
    awards.tender_recommend_award(tender=tender, actor=commissioner_northshire)
    awards.tender_start_standstill(
        tender=tender, actor=commissioner_northshire, now=_at(datetime.date(2026, 11, 2))
    )
    out = StringIO()
    call_command("end_standstill", stdout=out)
    call_command("end_standstill", stdout=StringIO())
    assert "NS-2026-101: standstill ended on 12 November 2026" in out.getvalue()
    assert (
        Notification.objects.filter(kind="standstill_ended", recipient=commissioner_northshire).count() == 1
    )
