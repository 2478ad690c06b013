"""The scoring formulas on numbers worked out by hand."""

from decimal import Decimal

import pytest

from procurement.services.scoring import (
    BidInput,
    CriterionSpec,
    price_score,
    quality_score,
    score_lot,
)

PRICE = CriterionSpec(id=1, kind="price", title="Price", weight=40, max_marks=5)
NEEDS = CriterionSpec(id=2, kind="quality", title="Meeting needs", weight=30, max_marks=5)
SAFE = CriterionSpec(id=3, kind="quality", title="Safeguarding", weight=20, max_marks=5)
LOCAL = CriterionSpec(id=4, kind="social_value", title="Local jobs", weight=10, max_marks=10)
CRITERIA = [PRICE, NEEDS, SAFE, LOCAL]


def test_price_score_is_lowest_price_over_this_price_times_weight():
    """£80,000 lowest, £100,000 this bid, weight 40: 80,000 ÷ 100,000 × 40 = 32.00."""
    assert price_score(lowest_price=Decimal("80000"), price=Decimal("100000"), weight=40) == Decimal("32.00")
    assert price_score(lowest_price=Decimal("80000"), price=Decimal("80000"), weight=40) == Decimal("40.00")


def test_price_score_rounds_to_two_places_half_up():
    """70,000 ÷ 90,000 × 40 = 31.111… → 31.11; 1 ÷ 8 × 1 = 0.125 → 0.13 (half up, not to even)."""
    assert price_score(lowest_price=Decimal("70000"), price=Decimal("90000"), weight=40) == Decimal("31.11")
    assert price_score(lowest_price=1, price=8, weight=1) == Decimal("0.13")


def test_quality_score_is_marks_over_max_times_weight():
    """4 of 5 marks at weight 30 = 24.00; 2 of 3 at 25 = 16.666… → 16.67; 0 marks = 0.00."""
    assert quality_score(marks=4, max_marks=5, weight=30) == Decimal("24.00")
    assert quality_score(marks=2, max_marks=3, weight=25) == Decimal("16.67")
    assert quality_score(marks=0, max_marks=5, weight=30) == Decimal("0.00")


def test_marks_outside_the_range_are_refused():
    with pytest.raises(ValueError):
        quality_score(marks=6, max_marks=5, weight=30)


def test_a_lot_is_scored_and_ranked_on_hand_worked_numbers():
    """Oakfield £100,000 with marks 4, 3, 7: 32 + 24 + 12 + 7 = 75.00.
    Riverside £80,000 with marks 3, 4, 6: 40 + 18 + 16 + 6 = 80.00, so Riverside ranks first."""
    ranked = score_lot(
        [
            BidInput(id=10, price=Decimal("100000.00"), marks={2: 4, 3: 3, 4: 7}),
            BidInput(id=20, price=Decimal("80000.00"), marks={2: 3, 3: 4, 4: 6}),
        ],
        CRITERIA,
    )
    assert [(r.id, r.total, r.rank) for r in ranked] == [(20, Decimal("80.00"), 1), (10, Decimal("75.00"), 2)]
    assert [c.score for c in ranked[1].criteria] == [
        Decimal("32.00"),
        Decimal("24.00"),
        Decimal("12.00"),
        Decimal("7.00"),
    ]


def test_the_total_is_rounded_once_from_exact_parts():
    """Three criteria of weight 10 with 1 of 3 marks each: 3.333… each, shown as 3.33, but the total is
    exactly 10.00 (not 9.99)."""
    criteria = [CriterionSpec(id=i, kind="quality", title=f"Q{i}", weight=10, max_marks=3) for i in (1, 2, 3)]
    [result] = score_lot([BidInput(id=1, price=None, marks={1: 1, 2: 1, 3: 1})], criteria)
    assert [c.score for c in result.criteria] == [Decimal("3.33")] * 3
    assert result.total == Decimal("10.00")


def test_equal_totals_are_separated_by_the_lower_price_and_identical_bids_share_a_rank():
    """Both bids score 100 on quality alone; with equal prices they share rank 1."""
    criteria = [CriterionSpec(id=1, kind="quality", title="Q", weight=100, max_marks=5)]
    tied = score_lot(
        [
            BidInput(id=1, price=Decimal("90"), marks={1: 5}),
            BidInput(id=2, price=Decimal("80"), marks={1: 5}),
        ],
        criteria,
    )
    assert [(r.id, r.rank) for r in tied] == [(2, 1), (1, 2)]
    same = score_lot(
        [
            BidInput(id=1, price=Decimal("80"), marks={1: 5}),
            BidInput(id=2, price=Decimal("80"), marks={1: 5}),
        ],
        criteria,
    )
    assert [r.rank for r in same] == [1, 1]


def test_a_bid_without_a_moderated_mark_cannot_be_scored():
    with pytest.raises(ValueError):
        score_lot([BidInput(id=1, price=Decimal("1"), marks={2: 4})], CRITERIA)
