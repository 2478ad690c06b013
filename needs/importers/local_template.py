"""The local data template: a council's own figures (for example EHC plans by ward and primary need from
its case-management system) in one simple layout, one figure per row.

Columns, in any order (the first six must be there; the rest may be left out or left blank):

time_period       202425 for the academic year 2024/25 (6 digits for academic and financial years),
                  2024 for the calendar year 2024
time_identifier   Academic year, Calendar year or Financial year
geographic_level  Local authority, Ward, MSOA, LSOA, Output area (or National, Regional)
area_code         the area's 9-character ONS code, such as E08000009 or E05015239
area_name         the area's name (optional)
primary_need      a DfE primary need code: ASD, HI, MLD, MSI, OTH, PD, PMLD, SEMH, SLCN, SLD, SPLD, VI,
                  NSA, UNKNOWN (any case), or blank for all needs
age_band          an age band (0-4, 5-10, 11-15, 16-19, 20-25), a single age such as 7, or blank for all
                  ages
setting           a setting (mainstream, resourced, state_special, independent_special, post_16,
                  alternative, other, or their names), or your own label, or blank for all settings
measure           what the figure counts: ehc_plans, new_ehc_plans, sen_support, population, … (a code from
                  the list of measures)
value             the figure, or a suppression marker (c, x, z, u, low, .., :, ~, n/a) if it is withheld

Rules: one row per area, period, measure, need, age band and setting; no title rows above the headers.
Settings given as a code or name are stored under the setting's name ("State-funded special school");
other labels are stored as written.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from ..vocabulary import AGE_BAND_BY_CODE, AGE_BANDS, GeographicLevel, Measure, PrimaryNeed, Setting
from . import geography
from .building import area_candidates, build_areas, fit_lengths
from .cells import MARKER_LIST, map_distinct, not_a_number_message, read_figures
from .periods import describe_periods, parse_periods, period_kind
from .problems import Problems, row_problems
from .reading import Table
from .result import ParsedFile, observation_frame, sorted_levels
from .semantics import key

LAYOUT = "Local data template"

LOCAL_TEMPLATE_COLUMNS = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "area_code",
    "area_name",
    "primary_need",
    "age_band",
    "setting",
    "measure",
    "value",
]
REQUIRED_COLUMNS = ["time_period", "time_identifier", "geographic_level", "area_code", "measure", "value"]

# One column per line, for the page that explains the template.
LOCAL_TEMPLATE_GUIDE = {
    "time_period": "202425 for the academic year 2024/25; 2024 for the calendar year 2024",
    "time_identifier": "Academic year, Calendar year or Financial year",
    "geographic_level": "Local authority, Ward, MSOA, LSOA or Output area",
    "area_code": "The area’s 9-character ONS code, such as E05015239",
    "area_name": "The area’s name (optional)",
    "primary_need": "A DfE primary need code, such as ASD or SEMH; blank for all needs",
    "age_band": "0-4, 5-10, 11-15, 16-19 or 20-25, or a single age such as 7; blank for all ages",
    "setting": "mainstream, resourced, state_special, independent_special, post_16, alternative or other; "
    "blank for all settings",
    "measure": "What the figure counts, such as ehc_plans, new_ehc_plans or sen_support",
    "value": f"The figure, or a suppression marker ({MARKER_LIST}) if it is withheld",
}

EXAMPLE_ROWS = [
    [
        "202425",
        "Academic year",
        "Ward",
        "E05015239",
        "Altrincham",
        "ASD",
        "5-10",
        "mainstream",
        "ehc_plans",
        "14",
    ],
    ["202425", "Academic year", "Ward", "E05015239", "Altrincham", "SEMH", "11-15", "", "ehc_plans", "c"],
    ["202425", "Academic year", "Local authority", "E08000009", "Trafford", "", "", "", "ehc_plans", "2630"],
]


def local_template_csv() -> str:
    """The template to download: the header and three example rows (to overwrite with real figures)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LOCAL_TEMPLATE_COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return buffer.getvalue()


def looks_like_local(columns: list[str]) -> bool:
    names = {column.strip().lower() for column in columns}
    return {"area_code", "measure", "value", "time_period"} <= names


MEASURES = {
    **{key(measure.value): measure.value for measure in Measure},
    **{key(str(measure.label)): measure.value for measure in Measure},
}
NEEDS = {key(need.value): need.value for need in PrimaryNeed} | {
    key(str(need.label)): need.value for need in PrimaryNeed
}
SETTINGS = {key(setting.value): str(setting.label) for setting in Setting} | {
    key(str(setting.label)): str(setting.label) for setting in Setting
}
LEVELS = {**geography.LEVEL_LABELS}
ALL = {"", "all", "total", "all needs", "all ages", "all settings"}


def parse_local(table: Table, *, file_name: str, series: str) -> ParsedFile:
    problems = Problems()
    warnings = list(table.warnings)
    rows = table.rows
    count = len(table)
    find = {column.strip().lower(): column for column in table.columns}
    for name in REQUIRED_COLUMNS:
        if name not in find:
            problems.add(
                f"the local data template needs a column called '{name}'. Its columns are "
                f"{', '.join(LOCAL_TEMPLATE_COLUMNS)}.",
                row=1,
            )
    for column in table.columns:
        if column.strip().lower() not in LOCAL_TEMPLATE_COLUMNS:
            problems.add(
                f"'{column}' is not a column of the local data template. Delete the column, or rename it "
                f"to one of {', '.join(LOCAL_TEMPLATE_COLUMNS)}.",
                row=1,
                column=column,
                position=table.position(column),
            )
    problems.raise_if_any()

    def cells(name: str) -> pd.Series:
        return table.values(find.get(name))

    def add(mask, name, message):
        listed, total = row_problems(mask, rows, find.get(name, name), message)
        problems.add_many(listed, total=total, position=table.position(find.get(name)))

    periods = parse_periods(
        cells("time_period"),
        cells("time_identifier"),
        rows,
        period_column=find["time_period"],
        identifier_column=find["time_identifier"],
    )
    problems.add_many(
        periods.problems, total=periods.problem_total, position=table.position(find["time_period"])
    )

    def translate(name: str, table_: dict, blank_ok: bool) -> tuple[np.ndarray, np.ndarray, pd.Series]:
        published = cells(name)

        def one(value: str):
            loose = key(value)
            if blank_ok and loose in ALL:
                return ""
            return table_.get(loose, "?")

        translated = map_distinct(published, one)
        bad = translated == "?"
        translated[bad] = ""
        return translated, bad, published

    level, bad_level, published_level = translate("geographic_level", LEVELS, blank_ok=False)
    add(
        bad_level,
        "geographic_level",
        lambda i: (
            f"'{published_level.iat[i]}' is not a geographic level. Use Local authority, Ward, MSOA, LSOA "
            "or Output area."
            if published_level.iat[i]
            else "enter the geographic level, such as Ward or Local authority."
        ),
    )
    codes = cells("area_code")
    code_array = codes.to_numpy(dtype=object)
    fits = np.zeros(count, dtype=bool)
    for level_value in {value for value in level if value}:
        mask = level == level_value
        fits[mask] = geography.codes_fit(codes[mask], level_value)
    add(
        (code_array == "") & ~bad_level,
        "area_code",
        "enter the area’s ONS code, such as E05015239 for a ward or E08000009 for a local authority.",
    )
    add(
        (code_array != "") & ~bad_level & ~fits,
        "area_code",
        lambda i: geography.bad_code_message(code_array[i], level[i]),
    )

    need, bad_need, published_need = translate("primary_need", NEEDS, blank_ok=True)
    add(
        bad_need,
        "primary_need",
        lambda i: (
            f"'{published_need.iat[i]}' is not a primary need code. Use one of "
            f"{', '.join(need.value for need in PrimaryNeed)}, or leave it blank for all needs."
        ),
    )

    published_age = cells("age_band")

    def ages_of(value: str) -> tuple:
        loose = value.strip().lower().replace("–", "-").replace(" ", "")
        if key(value) in ALL:
            return (None, None)
        if loose in AGE_BAND_BY_CODE:
            return (AGE_BAND_BY_CODE[loose].age_min, AGE_BAND_BY_CODE[loose].age_max)
        if loose.isdigit() and int(loose) <= 120:
            return (int(loose), int(loose))
        return (-1, -1)

    age_min, age_max = map_distinct(published_age, ages_of, outputs=2)
    bad_age = age_min == -1
    add(
        bad_age,
        "age_band",
        lambda i: (
            f"'{published_age.iat[i]}' is not an age band. Use one of "
            f"{', '.join(band.code for band in AGE_BANDS)}, a single age such as 7, or leave it blank "
            "for all ages."
        ),
    )

    published_setting = cells("setting")
    setting = map_distinct(
        published_setting, lambda value: SETTINGS.get(key(value), value) if key(value) not in ALL else ""
    )
    long_setting = pd.Series(setting, dtype="str").str.len().to_numpy() > 160
    add(long_setting, "setting", "the setting is longer than 160 characters. Shorten it.")

    measure, bad_measure, published_measure = translate("measure", MEASURES, blank_ok=False)
    add(
        bad_measure,
        "measure",
        lambda i: (
            f"'{published_measure.iat[i]}' is not a measure. Use one of "
            f"{', '.join(m.value for m in Measure)}."
            if published_measure.iat[i]
            else "enter what the figure counts, such as ehc_plans. Use one of "
            f"{', '.join(m.value for m in Measure)}."
        ),
    )

    figures = read_figures(cells("value"))
    values = cells("value")
    add(figures.bad, "value", lambda i: not_a_number_message(values.iat[i]))
    add(
        figures.empty,
        "value",
        f"enter the figure, or a suppression marker ({MARKER_LIST}) if it is withheld.",
    )

    keys = pd.DataFrame(
        {
            "a": code_array,
            "p": periods.time_period,
            "m": measure,
            "n": need,
            "lo": age_min,
            "hi": age_max,
            "s": setting,
        }
    ).astype(str)
    duplicate = keys.duplicated(keep="first").to_numpy()
    if duplicate.any():
        first_of = keys.reset_index().groupby(list(keys.columns), sort=False)["index"].transform("first")
        add(
            duplicate,
            "area_code",
            lambda i: (
                f"this row has the same area, period, measure, need, age band and setting as row "
                f"{int(rows[int(first_of.iat[i])])}. Delete one of them, or add them together."
            ),
        )
    problems.raise_if_any()

    names = cells("area_name").to_numpy(dtype=object)
    observations = observation_frame(
        {
            "area_code": code_array,
            "year": periods.year,
            "time_period": periods.time_period,
            "measure": measure,
            "primary_need": need,
            "age_min": age_min,
            "age_max": age_max,
            "setting": setting,
            "breakdown_topic": np.full(count, "", dtype=object),
            "breakdown": np.full(count, "", dtype=object),
            "value": figures.value,
            "marker": figures.marker,
            "indicator": np.full(count, find["value"], dtype=object),
        }
    )
    observations = fit_lengths(observations, warnings)
    parent = np.full(count, "", dtype=object)
    authorities = sorted(set(code_array[level == GeographicLevel.LOCAL_AUTHORITY.value]))
    small = np.isin(
        level,
        [
            lv.value
            for lv in (
                GeographicLevel.WARD,
                GeographicLevel.MSOA,
                GeographicLevel.LSOA,
                GeographicLevel.OUTPUT_AREA,
            )
        ],
    )
    if small.any() and len(authorities) == 1:
        parent[small] = authorities[0]
        warnings.append(
            f"The wards and other small areas in the file were taken to be in {authorities[0]}, the only "
            "local authority in it."
        )
    elif small.any():
        warnings.append(
            "The file does not say which local authority its wards and other small areas are in, so they "
            "were stored without one (add a row for your local authority to link them)."
        )
    areas = build_areas(
        [
            area_candidates(
                code_array, names, level, parent, np.full(count, "", dtype=object), periods.year, rank=2
            )
        ]
    )
    years = [int(year) for year in np.unique(periods.year)]
    identifiers = sorted(set(cells("time_identifier")) - {""})
    kind = period_kind(identifiers[0]) if len(identifiers) == 1 else ""
    measures = set(measure)
    what = next((str(m.label) for m in Measure if m.value in measures), "Local data")
    return ParsedFile(
        source="local",
        layout=LAYOUT,
        series=series,
        title=f"Local data ({file_name}): {what}, {describe_periods(years, kind)}",
        time_identifier=", ".join(identifiers),
        periods=years,
        geographic_levels=sorted_levels(set(level)),
        filters=[find[name] for name in ("primary_need", "age_band", "setting") if name in find],
        indicators=[find["value"]],
        row_count=count,
        areas=areas,
        observations=observations,
        suppressed_count=int((figures.marker != "").sum()),
        warnings=warnings,
    )
