"""Time periods as published: which time identifiers take a 6-digit code (202425 for 2024/25) and which a
4-digit year, and the start year stored for each."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .problems import MAX_PROBLEMS, ImportProblem

MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip

# Time identifiers (compared in lower case) whose periods span two years: written 202425 for 2024/25.
TWO_YEAR_PREFIXES = ("academic year", "financial year", "tax year")
TWO_YEAR_EXACT = {"autumn term", "spring term", "summer term", "autumn and spring term"}
# Those written as one year: 2024.
ONE_YEAR_PREFIXES = ("calendar year", "reporting year", "week ", "mid-year", "mid year")
ONE_YEAR_EXACT = set(MONTHS)

YEAR_RANGE = (1900, 2100)


def period_kind(identifier: str) -> str:
    """'two' (202425), 'one' (2024) or '' (an identifier this service does not know)."""
    key = " ".join(identifier.lower().split())
    if key.startswith(TWO_YEAR_PREFIXES) or key in TWO_YEAR_EXACT:
        return "two"
    if key.startswith(ONE_YEAR_PREFIXES) or key in ONE_YEAR_EXACT:
        return "one"
    return ""


def _noun(identifier: str) -> str:
    return identifier.strip().lower() or "period"


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


@dataclass
class PeriodResult:
    year: np.ndarray  # int64, 0 where invalid
    time_period: np.ndarray  # int64, 0 where invalid
    valid: np.ndarray  # bool
    problems: list[ImportProblem]
    problem_total: int
    unknown_identifiers: list[str]


def check_period(period: str, identifier: str) -> tuple[int, int, str]:
    """(start year, published code, "") or (0, 0, what is wrong); "identifier" when that is missing."""
    kind = period_kind(identifier)
    if not identifier:
        return 0, 0, "identifier"
    if not period:
        example = "202425 for 2024/25" if kind != "one" else "2024"
        return 0, 0, f"enter the time period, such as {example}."
    if not period.isdigit() or len(period) not in (4, 6):
        error = (
            f"'{period}' is not a time period. Write an academic or financial year as 6 digits "
            "(202425 for 2024/25) and a calendar year as 4 digits (2024)."
        )
        return 0, 0, error
    start = int(period[:4])
    if not YEAR_RANGE[0] <= start <= YEAR_RANGE[1]:
        return 0, 0, f"'{period}' is not a time period: {start} is not a year this service can use."
    noun = _noun(identifier)
    does_not_fit = f"'{period}' does not fit the time identifier '{identifier}'"
    two_year = f"{start}{(start + 1) % 100:02d} for {start}/{(start + 1) % 100:02d}"
    if len(period) == 6:
        if kind == "one":
            return 0, 0, f"{does_not_fit}: write {_a(noun)} as 4 digits, such as {start}."
        if int(period[4:]) != (start + 1) % 100:
            error = (
                f"'{period}' is not a valid {noun if kind else 'two-year period'}: the last two digits must "
                f"be the year after the first four, such as {two_year}."
            )
            return 0, 0, error
        return start, int(period), ""
    if kind == "two":
        return 0, 0, f"{does_not_fit}: write {_a(noun)} as 6 digits, such as {two_year}."
    return start, int(period), ""


def parse_periods(
    periods: pd.Series,
    identifiers: pd.Series,
    rows: np.ndarray,
    *,
    period_column: str,
    identifier_column: str,
) -> PeriodResult:
    """Check every row's time period against its time identifier; work out once per distinct pair."""
    pairs = pd.DataFrame({"p": periods.to_numpy(), "i": identifiers.to_numpy()})
    codes, uniques = pd.factorize(pairs["p"] + "\x1f" + pairs["i"])
    year_of = np.zeros(len(uniques), dtype="int64")
    code_of = np.zeros(len(uniques), dtype="int64")
    error_of: list[str] = []
    unknown = set()
    for index, pair in enumerate(uniques):
        period, identifier = pair.split("\x1f", 1)
        start, code, error = check_period(period, identifier)
        year_of[index], code_of[index] = start, code
        error_of.append(error)
        if identifier and not period_kind(identifier):
            unknown.add(identifier)
    year = year_of[codes]
    time_period = code_of[codes]
    bad_of = np.array([bool(error) for error in error_of], dtype=bool)
    bad = bad_of[codes] if len(codes) else np.zeros(0, dtype=bool)
    problems: list[ImportProblem] = []
    bad_rows = np.flatnonzero(bad)
    for position in bad_rows[:MAX_PROBLEMS]:
        error = error_of[codes[position]]
        if error == "identifier":
            problems.append(
                ImportProblem(
                    int(rows[position]),
                    identifier_column,
                    "enter the time identifier, such as Academic year or Calendar year.",
                )
            )
        else:
            problems.append(ImportProblem(int(rows[position]), period_column, error))
    return PeriodResult(
        year=year,
        time_period=time_period,
        valid=~bad,
        problems=problems,
        problem_total=int(bad.sum()),
        unknown_identifiers=sorted(unknown),
    )


_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def year_in_text(text: str) -> int | None:
    """The one year a date or label names: '2024-06-30', 'mid-2024', '30/06/2024', '2024' -> 2024."""
    found = set(_YEAR_IN_TEXT.findall(text))
    if len(found) == 1:
        return int(found.pop())
    return None


def describe_periods(years: list[int], kind: str) -> str:
    """'2024/25', '2018/19 to 2024/25', '2024', '2010 to 2022'."""
    if not years:
        return "no periods"

    def one(year: int) -> str:
        return f"{year}/{(year + 1) % 100:02d}" if kind == "two" else str(year)

    if len(years) == 1:
        return one(years[0])
    return f"{one(years[0])} to {one(years[-1])}"
