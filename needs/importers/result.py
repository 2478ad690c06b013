"""What a parser hands to the loader: the file's description, its areas and its observations."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..vocabulary import GeographicLevel

OBSERVATION_COLUMNS = [
    "area_code",
    "year",
    "time_period",
    "measure",
    "primary_need",
    "age_min",
    "age_max",
    "setting",
    "breakdown_topic",
    "breakdown",
    "value",
    "marker",
    "indicator",
]
TEXT_COLUMNS = [
    "area_code",
    "measure",
    "primary_need",
    "setting",
    "breakdown_topic",
    "breakdown",
    "marker",
    "indicator",
]

LEVEL_ORDER = [level.value for level in GeographicLevel]


@dataclass(frozen=True)
class ParsedArea:
    """A place the observations use. parent_code "" means the file does not say (not "no parent")."""

    code: str
    name: str
    level: str
    parent_code: str = ""
    old_la_code: str = ""


@dataclass
class ParsedFile:
    """A file read and translated, ready to store. Nothing here has touched the database.

    observations has exactly OBSERVATION_COLUMNS:
      area_code, measure, primary_need, setting, breakdown_topic, breakdown, marker, indicator: str
        ("" for none / all);
      year, time_period: int64;
      age_min, age_max: object, a Python int or None (all ages);
      value: float64, NaN where marker holds a suppression marker (a marker is never a zero).
    """

    source: str
    layout: str
    series: str
    title: str
    time_identifier: str
    periods: list[int]
    geographic_levels: list[str]
    filters: list[str]
    indicators: list[str]
    row_count: int
    areas: list[ParsedArea]
    observations: pd.DataFrame
    suppressed_count: int
    warnings: list[str] = field(default_factory=list)


def observation_frame(columns: dict[str, object], *, copy: bool = True) -> pd.DataFrame:
    """The observations table in its fixed column order and types, from equal-length arrays.

    copy=False when the arrays are the caller's own to give away: the frame keeps them as they are
    instead of copying them into blocks of one type."""
    frame = pd.DataFrame({name: columns[name] for name in OBSERVATION_COLUMNS}, copy=copy)
    for name in TEXT_COLUMNS:
        frame[name] = frame[name].astype("str")
    for name in ("year", "time_period"):
        frame[name] = frame[name].astype("int64")
    for name in ("age_min", "age_max"):
        frame[name] = frame[name].astype(object)
    frame["value"] = frame["value"].astype("float64")
    return frame.reset_index(drop=True)


def text_from_codes(distinct, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A str column from its distinct values and each row's index into them: the distinct values are
    converted to str (as astype("str") would), then taken by index, all in Arrow."""
    values = pd.Series(np.asarray(distinct, dtype=object), dtype=object).astype("str").array
    return values.take(np.asarray(codes, dtype="int64"))


def empty_observations() -> pd.DataFrame:
    empty_text = np.array([], dtype=object)
    return observation_frame(
        {
            **{name: empty_text for name in TEXT_COLUMNS},
            "year": np.array([], dtype="int64"),
            "time_period": np.array([], dtype="int64"),
            "age_min": empty_text,
            "age_max": empty_text,
            "value": np.array([], dtype="float64"),
        }
    )


def sorted_levels(levels) -> list[str]:
    present = set(levels)
    return [level for level in LEVEL_ORDER if level in present]
