"""Explore Education Statistics (EES) tidy data files, from any publication.

An EES file has time columns (time_period, time_identifier), geography columns (geographic_level and
the codes and names of its level), then filters (categories such as breakdown) and indicators (numbers).
Which is which comes from the `.meta.csv` file published beside the data when there is one; otherwise it
is worked out from the column names and values (see `split_columns`). Each indicator cell becomes one
observation; filters become the need, age, setting or breakdown of that observation (semantics.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..vocabulary import GeographicLevel, Measure
from . import geography, semantics
from .building import Block, area_candidates, assemble, build_areas, fit_lengths
from .cells import Figures, factorized, map_distinct, numeric_share, read_figures_many
from .cells import not_a_number_message as bad_figure
from .naming import title_name
from .periods import describe_periods, parse_periods, period_kind
from .problems import Problems, row_problems
from .reading import Table
from .result import ParsedFile, sorted_levels

LAYOUT = "EES tidy data"

TIME_COLUMNS = ("time_period", "time_identifier")
LEVEL_COLUMN = "geographic_level"
# The standard geography columns this parser reads.
COUNTRY_CODE, COUNTRY_NAME = "country_code", "country_name"
REGION_CODE, REGION_NAME = "region_code", "region_name"
NEW_LA_CODE, OLD_LA_CODE, LA_NAME = "new_la_code", "old_la_code", "la_name"
STANDARD_GEOGRAPHY = (COUNTRY_CODE, COUNTRY_NAME, REGION_CODE, REGION_NAME, NEW_LA_CODE, OLD_LA_CODE, LA_NAME)
# Other EES geography columns (of levels this service does not store): geography, never filters.
OTHER_GEOGRAPHY_PREFIXES = (
    "lad",
    "pcon",
    "ward",
    "msoa",
    "lsoa",
    "oa",
    "lep",
    "lsip",
    "mca",
    "english_devolved_area",
    "local_enterprise_partnership",
    "mayoral_combined_authority",
    "local_skills_improvement_plan_area",
    "opportunity_area",
    "rsc_region",
    "rsc_region_lead",
    "police_force_area",
    "planning_area",
    "trust",
    "sponsor",
    "school",
    "provider",
    "institution",
    "local_authority_selection_status",
)
OTHER_GEOGRAPHY_SUFFIXES = ("code", "name", "id", "urn", "laestab", "ukprn", "postcode", "lead_name")


def is_geography_column(column: str) -> bool:
    name = column.strip().lower()
    if name in STANDARD_GEOGRAPHY or name == LEVEL_COLUMN or name == "local_authority_selection_status":
        return True
    for prefix in OTHER_GEOGRAPHY_PREFIXES:
        if name.startswith(prefix + "_") and name[len(prefix) + 1 :] in OTHER_GEOGRAPHY_SUFFIXES:
            return True
    return False


def looks_like_ees(columns: list[str]) -> bool:
    names = {column.strip().lower() for column in columns}
    return {"time_period", "time_identifier"} <= names


# ---------------------------------------------------------------------------------------------------
# Filters and indicators


@dataclass
class ColumnSplit:
    filters: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # filter -> its label (meta), for breakdowns
    ignored: list[str] = field(default_factory=list)  # filter grouping columns
    warnings: list[str] = field(default_factory=list)


def split_columns(
    table: Table, data_columns: list[str], meta: Table | None, problems: Problems
) -> ColumnSplit:
    split = ColumnSplit()
    described: dict[str, str] = {}
    if meta is not None:
        described = _read_meta(meta, table, split, problems)
    inferred_filters, inferred_indicators = [], []
    seen_indicator = False
    for column in data_columns:
        if column in split.ignored:
            continue
        kind = described.get(column)
        if kind is None:
            kind = _infer(table, column, seen_indicator)
            (inferred_indicators if kind == "indicator" else inferred_filters).append(column)
        if kind == "indicator":
            split.indicators.append(column)
            seen_indicator = True
        else:
            split.filters.append(column)
    if meta is None and (inferred_filters or inferred_indicators):
        split.warnings.append(
            "No .meta.csv file came with the data, so filters and indicators were worked out from the "
            f"columns: filters {_names(inferred_filters)}; indicators {_names(inferred_indicators)}. "
            "Import the file with its .meta.csv if that is wrong."
        )
    elif meta is not None and (inferred_filters or inferred_indicators):
        split.warnings.append(
            f"The .meta.csv file does not describe {_names(inferred_filters + inferred_indicators)}, so "
            "they were worked out from their values"
            + (f" (filters: {_names(inferred_filters)})" if inferred_filters else "")
            + (f" (indicators: {_names(inferred_indicators)})" if inferred_indicators else "")
            + "."
        )
    return split


def _names(columns: list[str]) -> str:
    if not columns:
        return "none"
    if len(columns) > 12:
        return ", ".join(columns[:10]) + f" and {len(columns) - 10} more"
    return ", ".join(columns)


def _infer(table: Table, column: str, after_indicator: bool) -> str:
    """A column is an indicator when its name says so (number_*, *_pc, total_*, a known measure), a
    filter when its name says so (breakdown*, characteristic*, *_type, age, sex, …); otherwise an indicator
    when every non-empty cell is a number or a suppression marker — or, to the right of an indicator
    (EES files put filters first), when at least 90% are."""
    if semantics.indicator_meaning(column).measure:
        return "indicator"
    if semantics.looks_like_filter(column):
        return "filter"
    if semantics.looks_like_indicator(column):
        return "indicator"
    share, _ = numeric_share(table.frame[column])
    if share == 1.0:
        return "indicator"
    if after_indicator and share >= 0.9:
        return "indicator"
    return "filter"


def _read_meta(meta: Table, table: Table, split: ColumnSplit, problems: Problems) -> dict[str, str]:
    """col_name -> "filter" | "indicator", from an EES .meta.csv file."""
    name_column = meta.find("col_name")
    type_column = meta.find("col_type")
    if name_column is None or type_column is None:
        problems.add(
            "the .meta.csv file must have the columns col_name and col_type, as EES meta files do. "
            "Check that you chose the meta file, not another data file.",
            row=1,
        )
        return {}
    label_column = meta.find("label")
    grouping_column = meta.find("filter_grouping_column")
    by_lower = {column.lower(): column for column in table.columns}
    described: dict[str, str] = {}
    for position in range(len(meta)):
        row = int(meta.rows[position])
        name = meta.frame[name_column].iat[position]
        kind = meta.frame[type_column].iat[position].lower()
        if kind not in ("filter", "indicator"):
            problems.add(
                f"in the .meta.csv file, '{meta.frame[type_column].iat[position]}' is not a column type. "
                "Use Filter or Indicator.",
                row=row,
                column=type_column,
            )
            continue
        column = by_lower.get(name.lower())
        if column is None:
            problems.add(
                f"the .meta.csv file describes a column '{name}', but the data file has no such column. "
                "Check that the meta file belongs to this data file.",
                row=row,
                column=name_column,
            )
            continue
        described[column] = kind
        if kind == "filter" and label_column is not None and meta.frame[label_column].iat[position]:
            split.labels[column] = meta.frame[label_column].iat[position]
        if kind == "filter" and grouping_column is not None:
            group = by_lower.get(meta.frame[grouping_column].iat[position].lower())
            if group is not None and group.lower() == f"{column.lower()}_topic":
                # breakdown grouped by breakdown_topic: the group is the topic of the value, so it is read
                described.setdefault(group, "filter")
            elif group is not None and group not in split.ignored:
                # any other grouping column only groups the filter's values for display: not read
                split.ignored.append(group)
    return described


# ---------------------------------------------------------------------------------------------------
# The parser


def parse_ees(table: Table, *, file_name: str, series: str, meta: Table | None) -> ParsedFile:
    problems = Problems()
    warnings = list(table.warnings)
    rows = table.rows
    count = len(table)
    find = {column.strip().lower(): column for column in table.columns}
    period_column = find["time_period"]
    identifier_column = find["time_identifier"]
    level_column = find.get(LEVEL_COLUMN)
    if level_column is None:
        problems.add(
            "the file has no geographic_level column. An Explore Education Statistics data file needs "
            "time_period, time_identifier and geographic_level columns, then the area codes and names.",
            row=1,
        )
        problems.raise_if_any()

    data_columns = [
        column
        for column in table.columns
        if column not in (period_column, identifier_column) and not is_geography_column(column)
    ]
    split = split_columns(table, data_columns, meta, problems)
    warnings.extend(split.warnings)
    if not split.indicators and not problems:
        problems.add(
            "the file has no indicator columns (columns of numbers), so there is nothing to import. "
            "Check that this is a data file, not a meta or guidance file.",
            row=1,
        )
    problems.raise_if_any()

    # Time
    periods = parse_periods(
        table.values(period_column),
        table.values(identifier_column),
        rows,
        period_column=period_column,
        identifier_column=identifier_column,
    )
    problems.add_many(periods.problems, total=periods.problem_total, position=table.position(period_column))
    for identifier in periods.unknown_identifiers:
        warnings.append(
            f"The time identifier '{identifier}' is not one this service knows; its time periods were "
            "read as start years (the first 4 digits)."
        )

    # Geography
    geo = _geography(table, level_column, problems, warnings)

    # Filters, once per distinct combination
    filter_rows = _filters(table, split, warnings)

    # Indicators
    blocks = []
    read = read_figures_many(table.frame, split.indicators)
    for column in split.indicators:
        figures = read[column]
        if figures.bad.any():
            listed, total = row_problems(
                figures.bad,
                rows,
                column,
                lambda position, cells=table.frame[column]: bad_figure(cells.iat[position]),
            )
            problems.add_many(listed, total=total, position=table.position(column))
        measure, need, setting = semantics.measure_for(column, series)
        blocks.append(
            Block(indicator=column, measure=measure, primary_need=need, setting=setting, figures=figures)
        )
    problems.raise_if_any()

    # Rows to keep: supported levels; one row per area, period and breakdown
    keep = geo.stored
    duplicate = _duplicates(geo.area_code, periods.time_period, filter_rows["combination"], keep)
    if duplicate.any():
        first_rows = ", ".join(str(int(row)) for row in rows[duplicate][:5])
        more = int(duplicate.sum()) - min(5, int(duplicate.sum()))
        warnings.append(
            f"{int(duplicate.sum()):,} rows repeat the area, time period and filters of an earlier row "
            f"(rows {first_rows}{f' and {more:,} more' if more else ''}); only the first of each was read."
        )
        keep = keep & ~duplicate
    kept = np.flatnonzero(keep)
    row_arrays = {
        "area_code": geo.area_code[kept],
        "year": periods.year[kept],
        "time_period": periods.time_period[kept],
        **{name: filter_rows[name][kept] for name in _FILTER_FIELDS},
    }
    kept_blocks = [
        Block(
            indicator=block.indicator,
            measure=block.measure,
            primary_need=block.primary_need,
            setting=block.setting,
            figures=_take(block.figures, kept),
        )
        for block in blocks
    ]
    observations, suppressed, empty_cells = assemble(row_arrays, kept_blocks)
    observations = fit_lengths(observations, warnings)
    if empty_cells:
        warnings.append(
            f"{empty_cells:,} indicator cells were empty and were left out: no figure (and no suppression "
            "marker) was published for them."
        )

    years = [int(year) for year in np.unique(periods.year[kept])]
    identifiers = sorted(set(table.values(identifier_column)[keep].unique()) - {""})
    kind = period_kind(identifiers[0]) if len(identifiers) == 1 else ""
    measures = set(observations["measure"].unique())
    what = next((str(m.label) for m in Measure if m.value in measures), "Explore Education Statistics data")
    return ParsedFile(
        source="ees",
        layout=LAYOUT,
        series=series,
        title=f"{title_name(series, file_name)}: {what}, {describe_periods(years, kind)}",
        time_identifier=", ".join(identifiers),
        periods=years,
        geographic_levels=sorted_levels(set(geo.level[kept])),
        filters=list(split.filters),
        indicators=list(split.indicators),
        row_count=count,
        areas=_areas(geo, periods.year, kept),
        observations=observations,
        suppressed_count=suppressed,
        warnings=warnings,
    )


_FILTER_FIELDS = ("primary_need", "age_min", "age_max", "setting", "breakdown_topic", "breakdown")


def _take(figures: Figures, positions: np.ndarray) -> Figures:
    return figures.take(positions)


def _duplicates(
    area: np.ndarray, period: np.ndarray, combination: np.ndarray, keep: np.ndarray
) -> np.ndarray:
    frame = pd.DataFrame({"a": area, "p": period, "c": combination})
    duplicated = frame[keep].duplicated(keep="first")
    result = np.zeros(len(frame), dtype=bool)
    result[np.flatnonzero(keep)[duplicated.to_numpy()]] = True
    return result


# ---------------------------------------------------------------------------------------------------
# Geography


@dataclass
class Geography:
    level: np.ndarray  # GeographicLevel value, or "" (not stored)
    area_code: np.ndarray
    area_name: np.ndarray
    parent_code: np.ndarray
    old_la_code: np.ndarray
    stored: np.ndarray  # bool
    country_code: np.ndarray
    country_name: np.ndarray
    region_code: np.ndarray
    region_name: np.ndarray


def _geography(table: Table, level_column: str, problems: Problems, warnings: list[str]) -> Geography:
    rows = table.rows
    count = len(table)
    find = {column.strip().lower(): column for column in table.columns}
    published = table.values(level_column)
    level = geography.level_labels(published, geography.EES_LEVELS).to_numpy(dtype=object)
    known_elsewhere = map_distinct(
        published, lambda label: geography.label_key(label) in geography.EES_LEVELS_NOT_STORED
    )
    not_stored = known_elsewhere.astype(bool) & (level == "")
    missing = (published == "").to_numpy()
    unknown = (level == "") & ~not_stored & ~missing
    position = table.position(level_column)
    listed, total = row_problems(
        missing,
        rows,
        level_column,
        "enter the geographic level, such as National, Regional or Local authority.",
    )
    problems.add_many(listed, total=total, position=position)
    listed, total = row_problems(
        unknown,
        rows,
        level_column,
        lambda i: (
            f"'{published.iat[i]}' is not a geographic level this service recognises. "
            "Use National, Regional or Local authority."
        ),
    )
    problems.add_many(listed, total=total, position=position)
    if not_stored.any():
        labels = sorted(set(published[not_stored]))
        warnings.append(
            f"{int(not_stored.sum()):,} rows at levels this service does not store ({', '.join(labels)}) "
            "were left out. National, regional and local authority rows were read."
        )

    def column(name: str) -> tuple[str | None, np.ndarray]:
        actual = find.get(name)
        return actual, table.values(actual).to_numpy(dtype=object)

    country_column, country = column(COUNTRY_CODE)
    _, country_name = column(COUNTRY_NAME)
    region_column, region = column(REGION_CODE)
    _, region_name = column(REGION_NAME)
    new_column, new_la = column(NEW_LA_CODE)
    old_column, old_la = column(OLD_LA_CODE)
    _, la_name = column(LA_NAME)

    national = level == GeographicLevel.NATIONAL.value
    regional = level == GeographicLevel.REGIONAL.value
    local = level == GeographicLevel.LOCAL_AUTHORITY.value
    supported = national | regional | local

    fitting: dict[tuple[int, str], np.ndarray] = {}

    def fits(values: np.ndarray, level_value) -> np.ndarray:
        """_fits, once per column and level."""
        found = fitting.get((id(values), str(level_value)))
        if found is None:
            found = fitting[(id(values), str(level_value))] = _fits(values, level_value)
        return found

    country_ok = fits(country, GeographicLevel.NATIONAL)
    region_ok = fits(region, GeographicLevel.REGIONAL)
    old_ok = _distinct_fullmatch(old_la, geography.OLD_LA_CODE.pattern)

    def code_problems(mask, values, column_name, level_value, *, required_message):
        position = table.position(column_name)
        empty = mask & (values == "")
        bad = mask & (values != "") & ~fits(values, level_value)
        if required_message and empty.any():
            listed, total = row_problems(empty, rows, column_name or _missing(level_value), required_message)
            problems.add_many(listed, total=total, position=position)
        listed, total = row_problems(
            bad, rows, column_name, lambda i: geography.bad_code_message(values[i], level_value)
        )
        problems.add_many(listed, total=total, position=position)

    code_problems(
        national,
        country,
        country_column,
        GeographicLevel.NATIONAL,
        required_message="enter the country’s ONS code, such as E92000001 for England.",
    )
    code_problems(regional | local, country, country_column, GeographicLevel.NATIONAL, required_message="")
    code_problems(
        regional,
        region,
        region_column,
        GeographicLevel.REGIONAL,
        required_message="enter the region’s ONS code, such as E12000002 for the North West.",
    )
    code_problems(local, region, region_column, GeographicLevel.REGIONAL, required_message="")
    code_problems(local, new_la, new_column, GeographicLevel.LOCAL_AUTHORITY, required_message="")
    neither = local & (new_la == "") & (old_la == "")
    listed, total = row_problems(
        neither,
        rows,
        new_column or NEW_LA_CODE,
        "enter the local authority’s ONS code in new_la_code (such as E08000009 for Trafford), or its "
        "3-digit DfE code in old_la_code.",
    )
    problems.add_many(listed, total=total, position=table.position(new_column))
    bad_old = local & (old_la != "") & ~old_ok
    listed, total = row_problems(
        bad_old,
        rows,
        old_column,
        lambda i: (
            f"'{old_la[i]}' is not a DfE local authority code: it should be 3 digits, such as 358 for "
            "Trafford."
        ),
    )
    problems.add_many(listed, total=total, position=table.position(old_column))

    area_code = np.full(count, "", dtype=object)
    area_name = np.full(count, "", dtype=object)
    parent = np.full(count, "", dtype=object)
    area_old = np.full(count, "", dtype=object)
    area_code[national] = country[national]
    area_name[national] = country_name[national]
    area_code[regional] = region[regional]
    area_name[regional] = region_name[regional]
    parent[regional] = np.where(country_ok[regional], country[regional], "")
    local_code = np.where(new_la != "", new_la, old_la)
    area_code[local] = local_code[local]
    area_name[local] = la_name[local]
    area_old[local] = np.where(old_ok[local], old_la[local], "")
    parent[local] = np.where(region_ok[local], region[local], np.where(country_ok[local], country[local], ""))
    old_only = local & (new_la == "") & (old_la != "")
    if old_only.any():
        warnings.append(
            f"{int(old_only.sum()):,} local authority rows have no new_la_code, so their 3-digit "
            "old_la_code is used as the area code."
        )
    return Geography(
        level=np.where(supported, level, ""),
        area_code=area_code,
        area_name=area_name,
        parent_code=parent,
        old_la_code=area_old,
        stored=supported,
        country_code=np.where(country_ok, country, ""),
        country_name=country_name,
        region_code=np.where(region_ok, region, ""),
        region_name=region_name,
    )


def _missing(level_value) -> str:
    return {
        GeographicLevel.NATIONAL: COUNTRY_CODE,
        GeographicLevel.REGIONAL: REGION_CODE,
        GeographicLevel.LOCAL_AUTHORITY: NEW_LA_CODE,
    }.get(level_value, "")


def _fits(values: np.ndarray, level) -> np.ndarray:
    """Which codes fit the level's pattern, matched once per distinct code."""
    codes, distinct = factorized(np.asarray(values, dtype=object))
    return geography.codes_fit(pd.Series(distinct, dtype="str"), str(level))[codes]


def _distinct_fullmatch(values: np.ndarray, pattern: str) -> np.ndarray:
    codes, distinct = factorized(np.asarray(values, dtype=object))
    return pd.Series(distinct, dtype="str").str.fullmatch(pattern).to_numpy(dtype=bool)[codes]


def _areas(geo: Geography, years: np.ndarray, kept: np.ndarray) -> list:
    """Every area the kept rows use, and the regions and country they name as parents."""
    year = years[kept]
    own = area_candidates(
        geo.area_code[kept],
        geo.area_name[kept],
        geo.level[kept],
        geo.parent_code[kept],
        geo.old_la_code[kept],
        year,
        rank=2,
    )
    local_or_regional = geo.level[kept] != GeographicLevel.NATIONAL.value
    regions = area_candidates(
        geo.region_code[kept][local_or_regional],
        geo.region_name[kept][local_or_regional],
        GeographicLevel.REGIONAL.value,
        geo.country_code[kept][local_or_regional],
        np.full(int(local_or_regional.sum()), "", dtype=object),
        year[local_or_regional],
        rank=1,
    )
    countries = area_candidates(
        geo.country_code[kept],
        geo.country_name[kept],
        GeographicLevel.NATIONAL.value,
        np.full(len(kept), "", dtype=object),
        np.full(len(kept), "", dtype=object),
        year,
        rank=1,
    )
    return build_areas([own, regions, countries])


# ---------------------------------------------------------------------------------------------------
# Filters


def _filters(table: Table, split: ColumnSplit, warnings: list[str]) -> dict[str, np.ndarray]:
    """Per-row need, ages, setting and breakdown from the filter columns, translated once per distinct
    combination of values; "combination" numbers the distinct translated meanings (for duplicates)."""
    count = len(table)
    filters = list(split.filters)
    lower = {column.lower(): column for column in filters}
    # A filter X with a filter X_topic beside it (breakdown and breakdown_topic) is read as a pair:
    # X_topic says what X's value is about.
    topic_of = {
        column: lower[f"{column.lower()}_topic"] for column in filters if f"{column.lower()}_topic" in lower
    }
    topics = set(topic_of.values())
    if not filters:
        joined = pd.Series([""] * count, dtype="str")
    else:
        joined = table.frame[filters[0]].astype("str")
        if len(filters) > 1:
            joined = joined.str.cat([table.frame[column].astype("str") for column in filters[1:]], sep="\x1f")
    codes, uniques = pd.factorize(joined)
    results = {name: [] for name in _FILTER_FIELDS}
    meaning_keys = []
    not_understood: set[tuple[str, str]] = set()
    for combination in uniques:
        values = dict(zip(filters, combination.split("\x1f"), strict=False)) if filters else {}
        pairs = []
        for column in filters:
            if column in topics:
                continue
            if column in topic_of:
                pairs.append((values[topic_of[column]], values[column]))
                continue
            pairs.append((split.labels.get(column, column), values[column], (column,)))
        meaning = semantics.translate_filters(pairs)
        not_understood.update(meaning.not_understood)
        for name in _FILTER_FIELDS:
            results[name].append(getattr(meaning, name))
        meaning_keys.append(tuple(getattr(meaning, name) for name in _FILTER_FIELDS))
    if not_understood:
        shown = ", ".join(f"{topic}: {value}" for topic, value in sorted(not_understood)[:10])
        warnings.append(
            f"Some ages or needs were not recognised and were kept as breakdowns as published ({shown})."
        )
    meaning_codes, _ = pd.factorize(pd.Series([repr(item) for item in meaning_keys], dtype="str"))
    out = {}
    for name in _FILTER_FIELDS:
        values = np.empty(len(uniques), dtype=object)
        values[:] = results[name]
        out[name] = values[codes] if len(codes) else np.array([], dtype=object)
    out["combination"] = meaning_codes[codes] if len(codes) else np.array([], dtype="int64")
    return out
