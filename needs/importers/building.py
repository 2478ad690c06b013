"""Putting observations and areas together from per-row and per-column arrays, without a loop per cell."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cells import MARKER_CODES, Figures, factorized
from .result import LEVEL_ORDER, OBSERVATION_COLUMNS, ParsedArea, observation_frame, text_from_codes


@dataclass
class Block:
    """One indicator column's figures, for the rows being kept."""

    indicator: str
    measure: str
    primary_need: str  # "" to take the row's own (from its filters)
    setting: str  # "" to take the row's own
    figures: Figures
    ages: tuple | None = None  # (age_min, age_max) of every cell in the column; None to take the row's


def assemble(rows: dict[str, np.ndarray], blocks: list[Block]) -> tuple[pd.DataFrame, int, int]:
    """Observations for every (row, indicator) cell that is not empty.

    rows holds per-row arrays: area_code, year, time_period, primary_need, age_min, age_max, setting,
    breakdown_topic, breakdown. Returns (observations, suppressed count, empty cells left out).

    Cells are numbered block by block (all rows of the first indicator, then the second, …); only the
    cells kept are gathered. Text columns are built from their few distinct values and each cell's index
    into them, straight into pandas' Arrow-backed str type, never as a million Python strings."""
    count = len(rows["area_code"])
    if not blocks or not count:
        return observation_frame({name: np.array([], dtype=object) for name in OBSERVATION_COLUMNS}), 0, 0
    k = len(blocks)
    keep = ~np.concatenate([block.figures.empty for block in blocks])
    cells = np.flatnonzero(keep)
    row_of = cells % count  # the row each kept cell is in
    block_of = cells // count  # and its indicator

    def per_row(name: str) -> np.ndarray:
        return rows[name][row_of]

    def row_text(name: str):
        codes, distinct = _factorized(rows[name])
        return text_from_codes(distinct, codes[row_of])

    def block_text(values: list[str]):
        codes, distinct = _factorized(np.array(values, dtype=object))
        return text_from_codes(distinct, codes[block_of])

    def per_block(own: np.ndarray, fixed: list, *, text: bool) -> tuple[np.ndarray, np.ndarray]:
        """(each cell's index into values, values): a block's fixed value, or (_OWN) the row's own.
        values are the rows' distinct values (text), or every row's own object (ages: as they are),
        followed by the blocks' fixed values."""
        if text:
            codes, distinct = _factorized(own)
        else:
            codes, distinct = np.arange(count), own
        block_codes = np.full(k, -1, dtype="int64")
        extra = []
        for index, value in enumerate(fixed):
            if value is not _OWN:
                block_codes[index] = len(distinct) + len(extra)
                extra.append(value)
        cell_codes = block_codes[block_of]
        own_value = cell_codes < 0
        if own_value.any():
            cell_codes[own_value] = codes[row_of[own_value]]
        values = np.empty(len(distinct) + len(extra), dtype=object)
        values[: len(distinct)] = distinct
        for index, value in enumerate(extra, start=len(distinct)):
            values[index] = value
        return cell_codes, values

    def per_block_text(name: str, own: str):
        """A block's own fixed value, or (when it has none) the row's."""
        codes, values = per_block(rows[own], [getattr(block, name) or _OWN for block in blocks], text=True)
        return text_from_codes(values, codes)

    def per_block_age(own: str, side: int) -> np.ndarray:
        """A block's fixed age, or (when it has none) the row's: Python ints and None, as they come."""
        if all(block.ages is None for block in blocks):
            return per_row(own)
        fixed = [_OWN if block.ages is None else block.ages[side] for block in blocks]
        codes, values = per_block(rows[own], fixed, text=False)
        return values[codes]

    marker_codes = np.concatenate([block.figures.marker_code for block in blocks])[keep]
    suppressed = int(np.count_nonzero(marker_codes))
    columns = {
        "area_code": row_text("area_code"),
        "year": per_row("year"),
        "time_period": per_row("time_period"),
        "measure": block_text([block.measure for block in blocks]),
        "primary_need": per_block_text("primary_need", "primary_need"),
        "age_min": per_block_age("age_min", 0),
        "age_max": per_block_age("age_max", 1),
        "setting": per_block_text("setting", "setting"),
        "breakdown_topic": row_text("breakdown_topic"),
        "breakdown": row_text("breakdown"),
        "value": np.concatenate([block.figures.value for block in blocks])[keep],
        "marker": text_from_codes(MARKER_CODES, marker_codes),
        "indicator": block_text([block.indicator for block in blocks]),
    }
    return observation_frame(columns, copy=False), suppressed, int(k * count - len(cells))


_OWN = object()  # a block without a fixed value: each cell takes its row's


def _factorized(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each value's index into the distinct values, the distinct values in order of appearance)."""
    return factorized(np.asarray(values, dtype=object))


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
    columns = {
        "code": code,
        "name": name,
        "level": level if not isinstance(level, str) else np.full(count, level, dtype=object),
        "parent_code": parent,
        "old_la_code": old,
        "year": year,
    }
    # As drop_duplicates() would, but the (many) rows are only factorised: the frame is built from the
    # first of each distinct row, in the order they come.
    first = _first_of_each([np.asarray(values) for values in columns.values()])
    frame = pd.DataFrame({name: np.asarray(values)[first] for name, values in columns.items()})
    frame["rank"] = rank
    return frame


def _first_of_each(arrays: list[np.ndarray]) -> np.ndarray:
    """The positions of the first row of each distinct combination of the arrays' values, in order."""
    count = len(arrays[0]) if arrays else 0
    if not count:
        return np.array([], dtype="int64")
    key = np.zeros(count, dtype="int64")
    for values in arrays:
        codes, distinct = factorized(values)
        key, _ = pd.factorize(key * len(distinct) + codes)
    return np.flatnonzero(~pd.Series(key).duplicated(keep="first").to_numpy())


# The loader's column sizes (needs.models.Observation): longer text is cut, with a warning, rather than
# refused, because a published file's labels cannot be corrected by the person importing it.
TEXT_LIMITS = {"measure": 64, "indicator": 64, "setting": 160, "breakdown_topic": 80, "breakdown": 160}


def fit_lengths(observations: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    for column, limit in TEXT_LIMITS.items():
        if _bytes_at_most(observations[column], limit):
            continue  # no label has more bytes than the limit, so none has more characters
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


def _bytes_at_most(values: pd.Series, limit: int) -> bool:
    """True when the column is Arrow-backed text and no value's UTF-8 encoding is longer than limit
    bytes (a quick look at the offsets, where counting characters reads every byte)."""
    if not isinstance(values.dtype, pd.StringDtype) or values.dtype.storage != "pyarrow" or not len(values):
        return False
    import pyarrow as pa
    import pyarrow.compute as pc

    longest = pc.max(pc.binary_length(pa.array(values.array))).as_py()
    return longest is not None and longest <= limit
