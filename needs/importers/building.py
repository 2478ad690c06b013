"""Putting observations and areas together from per-row and per-column arrays, without a loop per cell."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cells import Figures
from .result import LEVEL_ORDER, OBSERVATION_COLUMNS, ParsedArea, observation_frame


@dataclass
class Block:
    """One indicator column's figures, for the rows being kept."""

    indicator: str
    measure: str
    primary_need: str  # "" to take the row's own (from its filters)
    setting: str  # "" to take the row's own
    figures: Figures


def assemble(rows: dict[str, np.ndarray], blocks: list[Block]) -> tuple[pd.DataFrame, int, int]:
    """Observations for every (row, indicator) cell that is not empty.

    rows holds per-row arrays: area_code, year, time_period, primary_need, age_min, age_max, setting,
    breakdown_topic, breakdown. Returns (observations, suppressed count, empty cells left out)."""
    count = len(rows["area_code"])
    if not blocks or not count:
        return observation_frame({name: np.array([], dtype=object) for name in OBSERVATION_COLUMNS}), 0, 0
    k = len(blocks)
    keep = ~np.concatenate([block.figures.empty for block in blocks])

    def tiled(name: str) -> np.ndarray:
        return np.tile(rows[name], k)

    def per_block(name: str, own: str) -> np.ndarray:
        parts = []
        for block in blocks:
            fixed = getattr(block, name)
            parts.append(np.full(count, fixed, dtype=object) if fixed else rows[own])
        return np.concatenate(parts)

    marker = np.concatenate([block.figures.marker for block in blocks])
    columns = {
        "area_code": tiled("area_code"),
        "year": tiled("year"),
        "time_period": tiled("time_period"),
        "measure": np.repeat(np.array([block.measure for block in blocks], dtype=object), count),
        "primary_need": per_block("primary_need", "primary_need"),
        "age_min": tiled("age_min"),
        "age_max": tiled("age_max"),
        "setting": per_block("setting", "setting"),
        "breakdown_topic": tiled("breakdown_topic"),
        "breakdown": tiled("breakdown"),
        "value": np.concatenate([block.figures.value for block in blocks]),
        "marker": marker,
        "indicator": np.repeat(np.array([block.indicator for block in blocks], dtype=object), count),
    }
    columns = {name: array[keep] for name, array in columns.items()}
    suppressed = int((columns["marker"] != "").sum())
    return observation_frame(columns), suppressed, int((~keep).sum())


def build_areas(candidates: list[pd.DataFrame]) -> list[ParsedArea]:
    """One area per code from candidate rows (code, name, level, parent_code, old_la_code, rank, year):
    the highest rank wins (an area's own row over a mention as another's parent), then the latest year,
    then a row with a name and codes over one without."""
    frames = [frame for frame in candidates if len(frame)]
    if not frames:
        return []
    areas = pd.concat(frames, ignore_index=True)
    areas = areas[areas["code"] != ""]
    areas = areas.assign(
        has_name=(areas["name"] != "").astype(int),
        has_parent=(areas["parent_code"] != "").astype(int),
        has_old=(areas["old_la_code"] != "").astype(int),
    )
    areas = areas.sort_values(
        ["code", "rank", "year", "has_name", "has_parent", "has_old"],
        ascending=[True, False, False, False, False, False],
        kind="stable",
    )
    first = areas.drop_duplicates("code", keep="first")
    # Fill what the winning row lacks from the area's other rows (an old LA code from an earlier year).
    parents = areas[areas["parent_code"] != ""].drop_duplicates("code").set_index("code")["parent_code"]
    olds = areas[areas["old_la_code"] != ""].drop_duplicates("code").set_index("code")["old_la_code"]
    names = areas[areas["name"] != ""].drop_duplicates("code").set_index("code")["name"]
    order = {level: index for index, level in enumerate(LEVEL_ORDER)}
    result = []
    for row in first.itertuples(index=False):
        result.append(
            ParsedArea(
                code=row.code,
                name=row.name or names.get(row.code, "") or row.code,
                level=row.level,
                parent_code=row.parent_code or parents.get(row.code, ""),
                old_la_code=row.old_la_code or olds.get(row.code, ""),
            )
        )
    result.sort(key=lambda area: (order.get(area.level, 99), area.code))
    return result


def area_candidates(
    code: np.ndarray,
    name: np.ndarray,
    level,
    parent: np.ndarray,
    old: np.ndarray,
    year: np.ndarray,
    rank: int,
) -> pd.DataFrame:
    """Candidate area rows, one per distinct (code, name, parent, old code, year)."""
    count = len(code)
    frame = pd.DataFrame(
        {
            "code": code,
            "name": name,
            "level": level if not isinstance(level, str) else np.full(count, level, dtype=object),
            "parent_code": parent,
            "old_la_code": old,
            "year": year,
        }
    )
    frame = frame.drop_duplicates()
    frame["rank"] = rank
    return frame


# The loader's column sizes (needs.models.Observation): longer text is cut, with a warning, rather than
# refused, because a published file's labels cannot be corrected by the person importing it.
TEXT_LIMITS = {"measure": 64, "indicator": 64, "setting": 160, "breakdown_topic": 80, "breakdown": 160}


def fit_lengths(observations: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    for column, limit in TEXT_LIMITS.items():
        lengths = observations[column].str.len()
        too_long = (lengths > limit).to_numpy()
        if too_long.any():
            examples = sorted(set(observations.loc[too_long, column]))[:3]
            observations.loc[too_long, column] = (
                observations.loc[too_long, column].str.slice(0, limit - 1) + "…"
            )
            warnings.append(
                f"Some {column.replace('_', ' ')} labels are longer than {limit} characters and were "
                "shortened: " + "; ".join(f"‘{example}’" for example in examples) + "."
            )
    return observations
