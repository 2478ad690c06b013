"""Reading figures: numbers, suppression markers, and what is neither."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..vocabulary import SUPPRESSION_MARKERS

MARKER_LIST = ", ".join(SUPPRESSION_MARKERS)
# Each marker as published, and in capitals ("C", "N/A", "LOW"), read as the marker itself.
MARKER_SPELLINGS: dict[str, str] = {
    spelling: marker
    for marker in SUPPRESSION_MARKERS
    for spelling in (marker, marker.upper(), marker.capitalize())
}
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def not_a_number_message(value: str) -> str:
    shown = value if len(value) <= 40 else value[:37] + "…"
    return f"'{shown}' is not a number or a suppression marker ({MARKER_LIST})"


# What Figures.marker_code numbers: 0 for no marker, then each marker in SUPPRESSION_MARKERS' order.
MARKER_CODES: tuple[str, ...] = ("", *SUPPRESSION_MARKERS)
_MARKER_CODE = {marker: code for code, marker in enumerate(MARKER_CODES)}
_MARKER_OBJECTS = np.array(MARKER_CODES, dtype=object)


@dataclass
class Figures:
    """A column of cells read as figures."""

    value: np.ndarray  # float64, NaN where not a number
    marker_code: np.ndarray  # int8: the marker's index in MARKER_CODES (0: none)
    empty: np.ndarray  # bool
    bad: np.ndarray  # bool: neither number, marker nor empty

    @property
    def marker(self) -> np.ndarray:
        """object: the marker, or ""."""
        return _MARKER_OBJECTS[self.marker_code]

    def take(self, positions: np.ndarray) -> Figures:
        return Figures(
            value=self.value[positions],
            marker_code=self.marker_code[positions],
            empty=self.empty[positions],
            bad=self.bad[positions],
        )


def read_figures(cells: pd.Series) -> Figures:
    """Numbers and markers from text cells, vectorised. A marker is never a number: its value is NaN.

    Each distinct cell is read once and the results spread over the rows: figures repeat a great deal (a
    column of counts has far fewer distinct values than rows), and reading a cell does not depend on the
    others — pd.to_numeric's choice between integers and floats depends only on which values occur."""
    text = cells.astype("str")
    codes, uniques = pd.factorize(text, use_na_sentinel=False)
    distinct = _read_distinct(pd.Series(uniques, dtype="str"))
    return distinct.take(codes)


# pd.to_numeric reads a set of cells as integers when they all are, and as floats otherwise; the two
# readings of an integer differ only for long ones (beyond float precision) and for "-0". Those are
# checked one by one (see _read_alike).
_INTEGER = r"[+-]?\d+"
_SHORT_INTEGER = 15


def read_figures_many(frame: pd.DataFrame, columns: list[str]) -> dict[str, Figures]:
    """read_figures for each of the columns, with the distinct cells of all of them read in one pass
    (for files with many indicator columns, where reading column by column costs more in calls than in
    cells). The figures come out exactly as read_figures gives them column by column: a cell is read the
    same whichever cells it is read with, except a long integer or "-0" (see _read_alike); when the
    columns hold one of those, each column is read alone."""
    if len(columns) < 2 or not len(frame):
        return {column: read_figures(frame[column]) for column in columns}
    count = len(frame)
    stacked = pd.concat([frame[column].astype("str") for column in columns], ignore_index=True)
    codes, uniques = pd.factorize(stacked, use_na_sentinel=False)
    distinct = _read_distinct(pd.Series(uniques, dtype="str"), check_exact=True)
    if distinct is None:
        return {column: read_figures(frame[column]) for column in columns}
    return {
        column: distinct.take(codes[index * count : (index + 1) * count])
        for index, column in enumerate(columns)
    }


def _read_distinct(text: pd.Series, *, check_exact: bool = False) -> Figures | None:
    """The figures of text, one per value. With check_exact, None when a value could have been read
    differently had it been read with other values (see _read_alike)."""
    numbers = pd.to_numeric(text, errors="coerce")
    if check_exact and numbers.dtype == object:
        return None
    value = numbers.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    finite = np.isfinite(value)
    value[~finite] = np.nan
    empty = (text == "").to_numpy(dtype=bool, na_value=False)
    marker = text.map(MARKER_SPELLINGS).fillna("").astype(object).to_numpy()
    is_marker = marker != ""
    unread = ~finite & ~empty & ~is_marker
    if unread.any():
        # "1,234": a thousands separator, as spreadsheets write big numbers
        positions = np.flatnonzero(unread)
        candidates = text.iloc[positions]
        separated = candidates.str.match(THOUSANDS.pattern).to_numpy(dtype=bool)
        if separated.any():
            fixed = pd.to_numeric(candidates[separated].str.replace(",", "", regex=False), errors="coerce")
            value[positions[separated]] = fixed.to_numpy(dtype="float64")
            unread[positions[separated]] = False
    if check_exact and not _read_alike(text, value):
        return None
    marker_code = np.array([_MARKER_CODE[item] for item in marker], dtype="int8")
    return Figures(value=value, marker_code=marker_code, empty=empty, bad=unread)


def _read_alike(text: pd.Series, value: np.ndarray) -> bool:
    """Whether every integer among the cells was read as its exact nearest float, as pd.to_numeric
    reads a set of cells that are all integers: then reading the cells with others changes nothing. Only
    long integers and zeros ("-0" is -0.0 as a float, 0 as an integer) need looking at."""
    plain = text.str.replace(",", "", regex=False)  # a number read with thousands separators
    integer = plain.str.fullmatch(_INTEGER).to_numpy(dtype=bool, na_value=False)
    long = plain.str.len().to_numpy(dtype="float64", na_value=0) > _SHORT_INTEGER
    for position in np.flatnonzero(integer & np.isfinite(value) & (long | (value == 0))):
        try:
            exact = float(int(plain.iat[position]))
        except (OverflowError, ValueError):
            return False
        if exact != value[position] or math.copysign(1.0, exact) != math.copysign(1.0, value[position]):
            return False
    return True


def numeric_share(cells: pd.Series) -> tuple[float, int]:
    """(share of non-empty cells that are numbers or markers, number of non-empty cells)."""
    figures = read_figures(cells)
    filled = int((~figures.empty).sum())
    if not filled:
        return 1.0, 0
    return 1.0 - float(figures.bad.sum()) / filled, filled


def factorized(values) -> tuple[np.ndarray, np.ndarray]:
    """(each value's index into the distinct values, the distinct values in order of appearance), as
    pd.factorize(values, use_na_sentinel=False) gives them, but faster when nothing is missing."""
    codes, distinct = pd.factorize(values)
    if len(codes) and codes.min() < 0:  # a missing value: number it like the others
        codes, distinct = pd.factorize(values, use_na_sentinel=False)
    return codes, np.asarray(distinct, dtype=object)


def map_distinct(values: pd.Series, function, *, outputs: int = 1):
    """Apply function once per distinct value and spread the results over every row (object arrays).

    With outputs > 1, function returns a tuple and a tuple of arrays comes back."""
    codes, uniques = pd.factorize(values.astype("str"))
    tables = [np.empty(len(uniques), dtype=object) for _ in range(outputs)]
    for index, unique in enumerate(uniques):
        result = function(unique)
        if outputs == 1:
            tables[0][index] = result
        else:
            for table, part in zip(tables, result, strict=True):
                table[index] = part
    spread = [table[codes] if len(codes) else np.array([], dtype=object) for table in tables]
    return spread[0] if outputs == 1 else tuple(spread)
