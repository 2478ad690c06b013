"""Weighted scores for a lot's bids: pure functions, no database.

The formulas, as stated to bidders and shown on the scores page:

- Price score = (lowest compliant price ÷ this bid's price) × price weight.
- Quality or social value criterion score = (moderated marks ÷ marks available) × criterion weight.
- Total = the sum of the criterion scores, out of 100, rounded once to 2 decimal places (half up).

Every division is done on exact fractions and rounded only for display, so a total never carries a
binary rounding error and the same inputs always give the same ranking. Bids tying on the total are
separated by the lower price; bids tying on both share a rank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

PRICE_FORMULA = "Price score = (lowest compliant price ÷ this bid's price) × price weight"
QUALITY_FORMULA = "Quality or social value score = (moderated marks ÷ marks available) × criterion weight"
TOTAL_RULE = "Total = the sum of the criterion scores, out of 100, rounded to 2 decimal places"
TIE_RULE = "Where totals are equal, the lower price ranks higher"

TWO_PLACES = Decimal("0.01")


def to_decimal(value: Fraction) -> Decimal:
    """An exact fraction rounded half up to 2 decimal places."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(TWO_PLACES, ROUND_HALF_UP)


def _exact(value) -> Fraction:
    return Fraction(str(value)) if isinstance(value, (Decimal, float)) else Fraction(value)


def price_score_exact(*, lowest_price, price, weight) -> Fraction:
    if price is None or _exact(price) <= 0:
        raise ValueError("A bid's price must be more than £0 to be scored.")
    return _exact(lowest_price) / _exact(price) * _exact(weight)


def quality_score_exact(*, marks, max_marks, weight) -> Fraction:
    if not 0 <= marks <= max_marks:
        raise ValueError(f"Marks must be between 0 and {max_marks}.")
    return Fraction(marks, max_marks) * _exact(weight)


def price_score(*, lowest_price, price, weight) -> Decimal:
    """(lowest compliant price ÷ this bid's price) × price weight, to 2 decimal places."""
    return to_decimal(price_score_exact(lowest_price=lowest_price, price=price, weight=weight))


def quality_score(*, marks, max_marks, weight) -> Decimal:
    """(moderated marks ÷ marks available) × weight, to 2 decimal places."""
    return to_decimal(quality_score_exact(marks=marks, max_marks=max_marks, weight=weight))


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    kind: str  # "price", "quality" or "social_value"
    title: str
    weight: int
    max_marks: int


@dataclass(frozen=True)
class BidInput:
    id: int
    price: Decimal | None
    marks: dict[int, int]  # criterion id → moderated marks (quality and social value)


@dataclass
class CriterionResult:
    criterion: CriterionSpec
    marks: int | None
    score: Decimal


@dataclass
class RankedBid:
    id: int
    price: Decimal | None
    total: Decimal
    rank: int
    criteria: list[CriterionResult] = field(default_factory=list)
    exact_total: Fraction = Fraction(0)


def score_lot(bids: list[BidInput], criteria: list[CriterionSpec]) -> list[RankedBid]:
    """Score and rank one lot's compliant bids, best first.

    Every quality and social value criterion must have a moderated mark for every bid (ValueError
    otherwise); the lowest compliant price is the lowest price among `bids`.
    """
    if not bids:
        return []
    price_criteria = [c for c in criteria if c.kind == "price"]
    lowest = None
    if price_criteria:
        prices = [bid.price for bid in bids]
        if any(price is None for price in prices):
            raise ValueError("Every bid needs a price to be scored.")
        lowest = min(prices)
    results = []
    for bid in bids:
        total = Fraction(0)
        rows = []
        for criterion in criteria:
            if criterion.kind == "price":
                exact = price_score_exact(lowest_price=lowest, price=bid.price, weight=criterion.weight)
                marks = None
            else:
                if criterion.id not in bid.marks:
                    raise ValueError(f"Bid {bid.id} has no moderated mark for {criterion.title}.")
                marks = bid.marks[criterion.id]
                exact = quality_score_exact(
                    marks=marks, max_marks=criterion.max_marks, weight=criterion.weight
                )
            total += exact
            rows.append(CriterionResult(criterion=criterion, marks=marks, score=to_decimal(exact)))
        results.append(
            RankedBid(
                id=bid.id, price=bid.price, total=to_decimal(total), rank=0, criteria=rows, exact_total=total
            )
        )

    def order(result: RankedBid):
        price = _exact(result.price) if result.price is not None else Fraction(0)
        return (-result.exact_total, price)

    results.sort(key=lambda r: (*order(r), r.id))
    previous = None
    for position, result in enumerate(results, start=1):
        key = order(result)
        result.rank = results[position - 2].rank if previous == key else position
        previous = key
    return results
