"""The standstill period: 8 working days after the day the letters are issued, skipping weekends and
England's bank holidays."""

import datetime

import pytest

from procurement.services.awards import add_working_days, standstill_end_date

D = datetime.date


@pytest.mark.parametrize(
    ("issued", "ends"),
    [
        # Monday 7 Dec 2026 → Tue 8, Wed 9, Thu 10, Fri 11, (weekend), Mon 14, Tue 15, Wed 16, Thu 17.
        (D(2026, 12, 7), D(2026, 12, 17)),
        # Thursday 21 Dec 2028 → Fri 22 (1), weekend, Mon 25 Christmas and Tue 26 Boxing Day skipped,
        # Wed 27 (2), Thu 28 (3), Fri 29 (4), weekend, Mon 1 Jan New Year's Day skipped, Tue 2 (5),
        # Wed 3 (6), Thu 4 (7), Fri 5 Jan 2029 (8).
        (D(2028, 12, 21), D(2029, 1, 5)),
        # Friday 22 Dec 2028 → Wed 27 (1), Thu 28 (2), Fri 29 (3), Tue 2 (4), Wed 3 (5), Thu 4 (6),
        # Fri 5 (7), Mon 8 Jan 2029 (8).
        (D(2028, 12, 22), D(2029, 1, 8)),
        # Saturday 26 Dec 2026: Christmas Day falls on Friday 25; Boxing Day (Saturday) is moved to Monday
        # 28 Dec. Tue 29 (1), Wed 30 (2), Thu 31 (3), Fri 1 Jan holiday, Mon 4 (4) … Thu 7 (7), Fri 8 (8).
        (D(2026, 12, 26), D(2027, 1, 8)),
        # Thursday 1 April 2027: Good Friday 26 March and Easter Monday 29 March are past; Fri 2 (1),
        # Mon 5 … Fri 9 (2 to 6), Mon 12 (7), Tue 13 (8).
        (D(2027, 4, 1), D(2027, 4, 13)),
    ],
)
def test_standstill_ends_on_the_eighth_working_day_after_the_letters(issued, ends):
    assert standstill_end_date(issued) == ends


def test_easter_monday_is_skipped():
    """Thursday 25 March 2027: Good Friday 26 March and Easter Monday 29 March are bank holidays in
    England, so one working day after Thursday is Tuesday 30 March."""
    assert add_working_days(D(2027, 3, 25), 1) == D(2027, 3, 30)
