"""Reading figures: numbers, suppression markers, and what is neither."""

from __future__ import annotations

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


@dataclass
class Figures:
    """A column of cells read as figures."""

    value: np.ndarray  # float64, NaN where not a number
    marker: np.ndarray  # object: the marker, or ""
    empty: np.ndarray  # bool
    bad: np.ndarray  # bool: neither number, marker nor empty


def read_figures(cells: pd.Series) -> Figures:
    """Numbers and markers from text cells, vectorised. A marker is never a number: its value is NaN."""
    text = cells.astype("str")
    value = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan, copy=True)
    finite = np.isfinite(value)
    value[~finite] = np.nan
    empty = (text == "").to_numpy()
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
    return Figures(value=value, marker=marker, empty=empty, bad=unread)


def numeric_share(cells: pd.Series) -> tuple[float, int]:
    """(share of non-empty cells that are numbers or markers, number of non-empty cells)."""
    figures = read_figures(cells)
    filled = int((~figures.empty).sum())
    if not filled:
        return 1.0, 0
    return 1.0 - float(figures.bad.sum()) / filled, filled


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
