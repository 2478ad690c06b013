"""ONS mid-year population estimates by single year of age, in two shapes.

Wide ("one column per age"), as Trafford Data Lab and ONS's own spreadsheets publish them:
    period, area_code, area_name, geography, sex, all_ages, aged_0_to_15, …, 0, 1, …, 89, 90+
Only the single years (0 … 89, 90+) become observations; the aggregate columns (all_ages, aged_0_to_15,
…) add up those same people and are left out, so nothing is counted twice.

Long ("one row per area, sex and age"):
    area_code (or code, ladcode, lad_code, geography_code, …), age, population (or value, count),
    and optionally sex, area_name, geography and period (or year, date).
With no period column, the year comes from the value column's name (population_2024) or the file's name
(mid-2024, 2024); failing both, the file is refused and asked for a year column.

Sex: Persons (or All, Total, blank) is the total; Females and Males (F/M, 2/1) become breakdown_topic "Sex",
breakdown "Female"/"Male", as EES files write them. Geography: "Local authority", "Ward", "MSOA", "LSOA",
"OA"/"Output area", "Region", "Country"; without a geography column the level comes from the code.
Small areas (wards, MSOAs, LSOAs, output areas) are given the file's local authority as parent when the
file holds exactly one (with a warning saying so); otherwise their parent is left unknown.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..vocabulary import GeographicLevel, Measure
from . import geography
from .building import Block, area_candidates, assemble, build_areas, fit_lengths
from .cells import map_distinct, not_a_number_message, read_figures_many
from .naming import title_name
from .periods import year_in_text
from .problems import Problems, row_problems
from .reading import Table
from .result import ParsedFile, sorted_levels
from .semantics import AGE_MAX, age_range, key

WIDE_LAYOUT = "ONS population, one column per age"
LONG_LAYOUT = "ONS population, long"
TIME_IDENTIFIER = "Mid-year"

AREA_CODE = re.compile(
    r"^(area_?code|code|areacd|geography_?code|gss_?code|ons_?code|lad_?code\d*|lad\d*cd|la_?code|"
    r"ward\d*cd|msoa\d*cd|lsoa\d*cd|oa\d*cd|mnemonic)$"
)
AREA_NAME = re.compile(
    r"^(area_?name|name|areanm|geography_?name|la_?name\d*|lad\d*nm|ward\d*nm|msoa\d*nm|lsoa\d*nm)$"
)
GEOGRAPHY = re.compile(r"^(geography|geography_?type|geography_?level|geographic_?level|level|area_?type)$")
SEX = re.compile(r"^(sex|gender)$")
PERIOD = re.compile(r"^(period|year|date|time_?period|mid_?year|reference_?date|time)$")
AGE = re.compile(r"^(age|single_?year_?of_?age|age_?years|age_?group)$")
VALUE = re.compile(r"^(population(_\d{4})?|value|count|obs_?value|observation|persons|people|estimate)$")
SINGLE_YEAR = re.compile(r"^(?:age_?)?(\d{1,3})(\+| and over|_and_over|_plus)?$")
AGGREGATE = re.compile(r"^(all_?ages|all|total|aged?_\d+_(to|and)_\w+|aged?_\d+_plus|\d+_to_\d+)$")

SEX_LABELS = {
    **{label: "" for label in ("persons", "person", "all", "total", "all persons", "people", "0", "")},
    **{label: "Female" for label in ("females", "female", "f", "2", "women", "girls")},
    **{label: "Male" for label in ("males", "male", "m", "1", "men", "boys")},
}
POPULATION_LEVELS = {
    **geography.LEVEL_LABELS,
    "local authority": GeographicLevel.LOCAL_AUTHORITY.value,
    "unitary authority": GeographicLevel.LOCAL_AUTHORITY.value,
    "metropolitan district": GeographicLevel.LOCAL_AUTHORITY.value,
    "london borough": GeographicLevel.LOCAL_AUTHORITY.value,
    "non metropolitan district": GeographicLevel.LOCAL_AUTHORITY.value,
    "county": GeographicLevel.LOCAL_AUTHORITY.value,
}
SMALL_AREAS = {
    GeographicLevel.WARD.value,
    GeographicLevel.MSOA.value,
    GeographicLevel.LSOA.value,
    GeographicLevel.OUTPUT_AREA.value,
}


def _loose(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _find(columns: list[str], pattern: re.Pattern) -> str | None:
    for column in columns:
        if pattern.match(_loose(column)):
            return column
    return None


def single_year_columns(columns: list[str]) -> dict[str, tuple[int, int]]:
    ages = {}
    for column in columns:
        match = SINGLE_YEAR.match(_loose(column))
        if match:
            age = int(match[1])
            ages[column] = (age, AGE_MAX) if match[2] else (age, age)
    return ages


def looks_like_wide(columns: list[str]) -> bool:
    return _find(columns, AREA_CODE) is not None and len(single_year_columns(columns)) >= 10


def looks_like_long(columns: list[str]) -> bool:
    return all(_find(columns, pattern) is not None for pattern in (AREA_CODE, AGE, VALUE))


# ---------------------------------------------------------------------------------------------------


def parse_population(table: Table, *, file_name: str, series: str, wide: bool) -> ParsedFile:
    problems = Problems()
    warnings = list(table.warnings)
    columns = table.columns
    rows = table.rows
    count = len(table)
    code_column = _find(columns, AREA_CODE)
    name_column = _find(columns, AREA_NAME)
    geography_column = _find(columns, GEOGRAPHY)
    sex_column = _find(columns, SEX)
    period_column = _find(columns, PERIOD)

    if wide:
        ages = single_year_columns(columns)
        value_columns = list(ages)
        used = {code_column, name_column, geography_column, sex_column, period_column, *value_columns}
        aggregates = [c for c in columns if c not in used and AGGREGATE.match(_loose(c))]
        others = [c for c in columns if c not in used and c not in aggregates]
        if aggregates:
            warnings.append(
                f"The columns {', '.join(aggregates)} were not read: they add up single years of age that "
                "were read, so reading them too would count people twice."
            )
    else:
        age_column = _find(columns, AGE)
        value_column = _find(columns, VALUE)
        value_columns = [value_column]
        used = {
            code_column,
            name_column,
            geography_column,
            sex_column,
            period_column,
            age_column,
            value_column,
        }
        others = [c for c in columns if c not in used]
    if others:
        warnings.append(f"The columns {', '.join(others)} were not read: they are not part of the layout.")

    # Period
    year = np.zeros(count, dtype="int64")
    if period_column is not None:
        published = table.values(period_column)
        year = map_distinct(published, lambda value: year_in_text(value) or 0).astype("int64")
        listed, total = row_problems(
            year == 0,
            rows,
            period_column,
            lambda i: (
                f"'{published.iat[i]}' is not a date or a year. Use the date of the estimates, such as "
                "2024-06-30, or the year, such as 2024."
                if published.iat[i]
                else "enter the date of the estimates, such as 2024-06-30, or the year, such as 2024."
            ),
        )
        problems.add_many(listed, total=total, position=table.position(period_column))
    else:
        found = None
        if not wide:
            found = year_in_text(value_columns[0])
        found = found or year_in_text(file_name)
        if found is None:
            problems.add(
                "the file has no period column and its name does not say which year the estimates are "
                "for. Add a column called 'period' giving the year (such as 2024) or the date of the "
                "estimates (such as 2024-06-30), or put the year in the file’s name.",
                row=1,
            )
        else:
            year[:] = found
            warnings.append(f"The file has no period column; the estimates were taken to be for mid-{found}.")

    # Geography
    codes = table.values(code_column)
    code_array = codes.to_numpy(dtype=object)
    if geography_column is not None:
        published_level = table.values(geography_column)
        level = geography.level_labels(published_level, POPULATION_LEVELS).to_numpy(dtype=object)
        unknown = (level == "") & (published_level != "").to_numpy()
        listed, total = row_problems(
            unknown,
            rows,
            geography_column,
            lambda i: (
                f"'{published_level.iat[i]}' is not a geography this service recognises. Use Local "
                "authority, Ward, MSOA, LSOA or Output area."
            ),
        )
        problems.add_many(listed, total=total, position=table.position(geography_column))
        from_code = (level == "") & ~unknown
    else:
        level = np.full(count, "", dtype=object)
        unknown = np.zeros(count, dtype=bool)
        from_code = np.ones(count, dtype=bool)
    if from_code.any():
        level[from_code] = map_distinct(codes[from_code], geography.level_for_code)
    missing_code = code_array == ""
    listed, total = row_problems(
        missing_code, rows, code_column, "enter the area’s ONS code, such as E08000009."
    )
    problems.add_many(listed, total=total, position=table.position(code_column))
    fits = np.zeros(count, dtype=bool)
    for level_value in set(level) - {""}:
        mask = level == level_value
        fits[mask] = geography.codes_fit(codes[mask], level_value)
    bad_code = ~missing_code & ~unknown & ~fits
    listed, total = row_problems(
        bad_code,
        rows,
        code_column,
        lambda i: (
            geography.bad_code_message(code_array[i], level[i])
            if level[i]
            else f"'{code_array[i]}' is not an ONS area code this service recognises. Use the area’s "
            "9-character ONS code, such as E08000009 for Trafford or E05000819 for a ward."
        ),
    )
    problems.add_many(listed, total=total, position=table.position(code_column))

    # Sex
    if sex_column is not None:
        published_sex = table.values(sex_column)
        sex = map_distinct(published_sex, lambda value: SEX_LABELS.get(key(value), "?"))
        bad_sex = sex == "?"
        listed, total = row_problems(
            bad_sex,
            rows,
            sex_column,
            lambda i: (
                f"'{published_sex.iat[i]}' is not a sex this service recognises. Use Persons, Females "
                "or Males."
            ),
        )
        problems.add_many(listed, total=total, position=table.position(sex_column))
        sex = np.where(bad_sex, "", sex).astype(object)
    else:
        sex = np.full(count, "", dtype=object)

    # Ages (long)
    if not wide:
        published_age = table.values(age_column)

        def ages_of(value: str) -> tuple:
            if key(value) in ("", "all", "all ages", "total", "persons"):
                return (None, None)
            return age_range(value) or (-1, -1)

        age_min, age_max = map_distinct(published_age, ages_of, outputs=2)
        bad_age = age_min == -1
        listed, total = row_problems(
            bad_age,
            rows,
            age_column,
            lambda i: (
                f"'{published_age.iat[i]}' is not an age. Use a single year such as 7, 90+ for 90 and "
                "over, or All ages for the total."
            ),
        )
        problems.add_many(listed, total=total, position=table.position(age_column))

    # Figures
    figures = {}
    read_all = read_figures_many(table.frame, value_columns)
    for column in value_columns:
        read = read_all[column]
        if read.bad.any():
            listed, total = row_problems(
                read.bad,
                rows,
                column,
                lambda i, cells=table.frame[column]: not_a_number_message(cells.iat[i]),
            )
            problems.add_many(listed, total=total, position=table.position(column))
        figures[column] = read
    problems.raise_if_any()

    # One row per area, period and sex (and age, in the long layout)
    keys = pd.DataFrame({"code": code_array, "year": year, "sex": sex})
    if not wide:
        keys["age"] = table.values(age_column).to_numpy(dtype=object)
    duplicate = keys.duplicated(keep="first").to_numpy()
    if duplicate.any():
        shown = ", ".join(str(int(row)) for row in rows[duplicate][:5])
        warnings.append(
            f"{int(duplicate.sum()):,} rows repeat the area, period and sex of an earlier row (rows {shown}"
            f"{' and more' if duplicate.sum() > 5 else ''}); only the first of each was read."
        )
    kept = np.flatnonzero(~duplicate)
    topic = np.where(sex != "", "Sex", "").astype(object)

    none = np.full(len(kept), None, dtype=object)
    row_arrays = {
        "area_code": code_array[kept],
        "year": year[kept],
        "time_period": year[kept],
        "primary_need": np.full(len(kept), "", dtype=object),
        "age_min": none if wide else age_min[kept],
        "age_max": none if wide else age_max[kept],
        "setting": np.full(len(kept), "", dtype=object),
        "breakdown_topic": topic[kept],
        "breakdown": sex[kept],
    }
    blocks = [
        Block(
            indicator=column,
            measure=Measure.POPULATION.value,
            primary_need="",
            setting="",
            figures=figures[column].take(kept),
            ages=ages[column] if wide else None,  # one column per age: its age; otherwise the row's
        )
        for column in value_columns
    ]
    observations, _, empty_cells = assemble(row_arrays, blocks)
    observations = fit_lengths(observations, warnings)
    if empty_cells:
        warnings.append(f"{empty_cells:,} empty cells were left out: no figure was published for them.")
    suppressed = int((observations["marker"] != "").sum())

    # Areas
    names = table.values(name_column).to_numpy(dtype=object) if name_column else code_array
    parent = np.full(count, "", dtype=object)
    authorities = sorted(set(code_array[level == GeographicLevel.LOCAL_AUTHORITY.value]))
    small = np.isin(level, list(SMALL_AREAS))
    if small.any():
        if len(authorities) == 1:
            parent[small] = authorities[0]
            la_name = names[np.flatnonzero(code_array == authorities[0])[0]]
            warnings.append(
                f"The wards and other small areas in the file were taken to be in {la_name} "
                f"({authorities[0]}), the only local authority in it."
            )
        else:
            warnings.append(
                "The file does not say which local authority its wards and other small areas are in "
                + ("(it holds several), " if authorities else "(it holds none), ")
                + "so they were stored without one."
            )
    areas = build_areas(
        [
            area_candidates(
                code_array[kept],
                names[kept],
                level[kept],
                parent[kept],
                np.full(len(kept), "", dtype=object),
                year[kept],
                rank=2,
            )
        ]
    )
    years = [int(value) for value in np.unique(year[kept])]
    period_text = f"mid-{years[0]}" if len(years) == 1 else f"mid-{years[0]} to mid-{years[-1]}"
    return ParsedFile(
        source="population",
        layout=WIDE_LAYOUT if wide else LONG_LAYOUT,
        series=series,
        title=f"{title_name(series, file_name)}: Population, {period_text}",
        time_identifier=TIME_IDENTIFIER,
        periods=years,
        geographic_levels=sorted_levels(set(level[kept])),
        filters=[sex_column] if sex_column else [],
        indicators=list(value_columns),
        row_count=count,
        areas=areas,
        observations=observations,
        suppressed_count=suppressed,
        warnings=warnings,
    )
