"""Projections of EHC plans by primary need and age band: pure functions over `ProjectionInputs`.

Nothing here touches the database, so each figure can be recomputed from a run's stored inputs and
parameters, and tested with numbers worked out by hand.

    projection = prevalence_projection(inputs, horizon=5, prevalence_change_pct=0)
    projection = trend_projection(inputs, horizon=5, trend_years=5)
    projection.results  # [{"year": 2025, "primary_need": "ASD", "age_band": "5-10", "value": 123.4}]
    projection.method_statement  # what was done, in plain English, with every assumption

Values are stored unrounded; pages round them to whole children.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from needs.vocabulary import AGE_BAND_BY_CODE, AGE_BANDS, ALL_AGES_MAX, ALL_AGES_MIN, PrimaryNeed

from .inputs import MAX_HORIZON, ProjectionInputs, year_label

PREVALENCE = "prevalence"
TREND = "trend"
DEFAULT_HORIZON = 5
DEFAULT_TREND_YEARS = 5
MIN_TREND_YEARS = 2
MAX_TREND_YEARS = 20
MAX_PREVALENCE_CHANGE_PCT = 50.0
SKIPPED_LISTED = 10
NEED_ORDER = {code: index for index, code in enumerate(PrimaryNeed.values)}


@dataclass
class Projection:
    method: str
    parameters: dict[str, Any]
    results: list[dict[str, Any]]
    method_statement: str
    # Intermediate figures worth showing beside the results: prevalence rates, projected population,
    # fitted trend lines, need shares.
    derived: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------------
# Shared helpers


def need_label(code: str) -> str:
    if not code:
        return "All needs"
    try:
        return PrimaryNeed(code).label
    except ValueError:
        return code


def band_label(code: str) -> str:
    band = AGE_BAND_BY_CODE.get(code)
    return band.label if band else code


def need_sort_key(code: str) -> tuple[int, str]:
    """Sort primary needs in the DfE's order."""
    return (NEED_ORDER.get(code, len(NEED_ORDER)), code)


def _number(value: float) -> str:
    return f"{value:,.0f}"


def _list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _check_horizon(horizon: int) -> None:
    if not 1 <= horizon <= MAX_HORIZON:
        raise ValueError(f"The horizon must be between 1 and {MAX_HORIZON} years, not {horizon}.")


def _ages(age_min: int, age_max: int) -> str:
    return f"age {age_min}" if age_min == age_max else f"age {age_min} to {age_max}"


def skipped_statement(skipped: list[dict[str, Any]]) -> str:
    """One paragraph saying which suppressed cells were skipped, or "" when none were."""
    if not skipped:
        return ""
    described = []
    for cell in skipped[:SKIPPED_LISTED]:
        what = "EHC plans" if cell["measure"] == "ehc_plans" else "Population"
        year = year_label(cell["year"]) if cell["measure"] == "ehc_plans" else f"mid-{cell['year']}"
        parts = [what]
        if cell.get("primary_need"):
            parts.append(need_label(cell["primary_need"]))
        parts += [_ages(cell["age_min"], cell["age_max"]), year]
        marker = f" (marked ‘{cell['marker']}’)" if cell.get("marker") else ""
        described.append(", ".join(parts) + marker)
    more = len(skipped) - SKIPPED_LISTED
    listed = "; ".join(described) + (f"; and {more} more" if more > 0 else "")
    count = len(skipped)
    return (
        f"{count} published figure{'s were' if count != 1 else ' was'} suppressed and skipped, not counted "
        f"as zero: {listed}. A total that includes a skipped figure is built from the figures that were "
        "published, so it may be slightly low; a need and age band whose every figure was suppressed is "
        "not projected."
    )


def _rounding_statement() -> str:
    return (
        "Projected figures are shown rounded to whole children and young people; the unrounded values are "
        "stored with the run, so totals of rounded figures may differ by one or two."
    )


def _results_sorted(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    band_order = {band.code: index for index, band in enumerate(AGE_BANDS)}
    return sorted(
        results,
        key=lambda r: (r["year"], band_order.get(r["age_band"], 99), need_sort_key(r["primary_need"])),
    )


def band_totals(by_age: dict[int, float | None]) -> dict[str, float]:
    """People by age band from people by single year of age (ages with no figure are left out)."""
    totals: dict[str, float] = {}
    for band in AGE_BANDS:
        values = [by_age[a] for a in range(band.age_min, band.age_max + 1) if by_age.get(a) is not None]
        if values:
            totals[band.code] = sum(values)
    return totals


def _complete(by_age: dict[int, float]) -> bool:
    return all(by_age.get(age) is not None for age in range(ALL_AGES_MIN, ALL_AGES_MAX + 1))


# ---------------------------------------------------------------------------------------------------------
# Population


@dataclass
class PopulationProjection:
    by_band: dict[int, dict[str, float]]  # year -> band -> people
    source: dict[int, str]  # year -> "published", "aged" or "held"
    statement: str


def project_population(inputs: ProjectionInputs, *, last_year: int) -> PopulationProjection:
    """People by age band for each year from the population year to `last_year`.

    By cohort ageing: each single-year cohort moves up one year of age each year; the number aged 0
    keeps the count of the latest year with figures; people older than 25 leave the count; no migration,
    births or deaths. A later year with published figures for every single age replaces the aged
    estimate. Without single ages for every age 0 to 25, each band is held at its published level.
    """
    start = inputs.population_year
    if start is None:
        raise ValueError("There are no population figures for the base year or before it.")
    years = range(start, last_year + 1)
    if not _complete(inputs.population_by_age):
        held = dict(inputs.population_by_band)
        statement = (
            f"Population: ONS estimates for {inputs.area_name}, mid-{start}, by age band. Figures by single "
            "year of age from 0 to 25 were not available, so cohorts cannot be aged forward: each age band "
            f"is held at its mid-{start} level in every later year."
        )
        return PopulationProjection(
            by_band={year: dict(held) for year in years},
            source={year: "published" if year == start else "held" for year in years},
            statement=statement,
        )

    by_band: dict[int, dict[str, float]] = {}
    source: dict[int, str] = {}
    current = dict(inputs.population_by_age)
    youngest_year = start
    published_later: list[int] = []
    for year in years:
        if year == start:
            source[year] = "published"
        elif year in inputs.population_future and _complete(inputs.population_future[year]):
            current = dict(inputs.population_future[year])
            youngest_year = year
            source[year] = "published"
            published_later.append(year)
        else:
            youngest = current[ALL_AGES_MIN]
            current = {ALL_AGES_MIN: youngest} | {
                age: current[age - 1] for age in range(ALL_AGES_MIN + 1, ALL_AGES_MAX + 1)
            }
            source[year] = "aged"
        by_band[year] = band_totals(current)

    sentences = [f"Population: ONS estimates for {inputs.area_name} by single year of age, mid-{start}."]
    if published_later:
        sentences.append(
            "Population figures were imported for "
            + _list([f"mid-{year}" for year in published_later])
            + ", so those years use the imported figures, not aged estimates."
        )
    aged = [year for year, how in source.items() if how == "aged"]
    if aged:
        sentences.append(
            f"For {_list([str(year) for year in aged])} the population is projected by cohort ageing: each "
            "single-year cohort moves up one year of age each year; the number aged 0 stays at "
            + (
                "the count of the latest year with imported figures"
                if published_later
                else f"its mid-{youngest_year} count"
            )
            + "; people older than 25 leave the count. Migration, births and deaths are not modelled."
        )
    return PopulationProjection(by_band=by_band, source=source, statement=" ".join(sentences))


# ---------------------------------------------------------------------------------------------------------
# a. Prevalence times population


def prevalence_projection(
    inputs: ProjectionInputs, *, horizon: int = DEFAULT_HORIZON, prevalence_change_pct: float = 0.0
) -> Projection:
    """Projected plans = prevalence (plans ÷ population, by need and band, in the base year) × projected
    population, with prevalence optionally changing by a fixed percentage a year, compounded."""
    _check_horizon(horizon)
    if abs(prevalence_change_pct) > MAX_PREVALENCE_CHANGE_PCT:
        raise ValueError(f"The annual change in prevalence must be within ±{MAX_PREVALENCE_CHANGE_PCT:g}%.")
    base = inputs.base_year
    last = base + horizon
    population = project_population(inputs, last_year=last)
    base_population = population.by_band.get(base, {})

    prevalence: dict[str, dict[str, float]] = {}
    no_population: list[str] = []
    for need in sorted(inputs.plans_by_need, key=need_sort_key):
        for band_code, plans in inputs.plans_by_need[need].items():
            people = base_population.get(band_code)
            if not people:
                if band_label(band_code) not in no_population:
                    no_population.append(band_label(band_code))
                continue
            prevalence.setdefault(need, {})[band_code] = plans / people

    factor = 1 + prevalence_change_pct / 100
    results = []
    for year in range(base + 1, last + 1):
        for need, bands in prevalence.items():
            for band_code, rate in bands.items():
                people = population.by_band.get(year, {}).get(band_code)
                if people is None:
                    continue
                results.append(
                    {
                        "year": year,
                        "primary_need": need,
                        "age_band": band_code,
                        "value": rate * factor ** (year - base) * people,
                    }
                )

    paragraphs = [
        f"Prevalence × population projection for {inputs.area_name} ({inputs.area_code}), from "
        f"{year_label(base)} to {year_label(last)}.",
        f"Prevalence: for each primary need and age band, the number of children and young people with an "
        f"EHC plan in {year_label(base)} divided by the population of that age band in {base}."
        + (
            f" The population year is mid-{inputs.population_year}, the latest before the base year, aged "
            f"forward to {base}."
            if inputs.population_year is not None and inputs.population_year < base
            else ""
        ),
        population.statement,
        "Projected EHC plans = prevalence × projected population, for each need, age band and year. "
        + (
            f"Prevalence is held at its {year_label(base)} level."
            if prevalence_change_pct == 0
            else f"Prevalence changes by {prevalence_change_pct:+g}% a year, compounded: each year's "
            f"prevalence is the year before's × {factor:g}."
        ),
    ]
    if no_population:
        paragraphs.append(
            f"There is no population figure for {_list(no_population)}, so no prevalence can be worked out "
            "and those bands are not projected."
        )
    relevant = [
        cell
        for cell in inputs.skipped
        if (cell["measure"] == "ehc_plans" and cell["year"] == base and cell["primary_need"])
        or (cell["measure"] == "population" and cell["year"] == inputs.population_year)
    ]
    if relevant:
        paragraphs.append(skipped_statement(relevant))
    paragraphs.append(_rounding_statement())

    return Projection(
        method=PREVALENCE,
        parameters={"base_year": base, "horizon": horizon, "prevalence_change_pct": prevalence_change_pct},
        results=_results_sorted(results),
        method_statement="\n\n".join(paragraphs),
        derived={
            "prevalence": prevalence,
            "population_by_band": {str(year): bands for year, bands in population.by_band.items()},
            "population_source": {str(year): how for year, how in population.source.items()},
        },
    )


# ---------------------------------------------------------------------------------------------------------
# b. Trend extrapolation


def linear_fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares straight line through (x, y) points: (slope, intercept). Needs two distinct x."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        raise ValueError("A trend needs figures for at least two different years.")
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    return slope, mean_y - slope * mean_x


def trend_projection(
    inputs: ProjectionInputs, *, horizon: int = DEFAULT_HORIZON, trend_years: int = DEFAULT_TREND_YEARS
) -> Projection:
    """A least-squares line through each band's plans over the last `trend_years` years up to the base
    year, extended forward (never below zero), split into needs by the base year's shares in the band."""
    _check_horizon(horizon)
    if not MIN_TREND_YEARS <= trend_years <= MAX_TREND_YEARS:
        raise ValueError(f"The trend must use between {MIN_TREND_YEARS} and {MAX_TREND_YEARS} years.")
    base = inputs.base_year
    last = base + horizon
    window = list(range(base - trend_years + 1, base + 1))

    shares: dict[str, dict[str, float]] = {}
    for band in AGE_BANDS:
        by_need = {
            need: bands[band.code]
            for need, bands in inputs.plans_by_need.items()
            if bands.get(band.code) is not None
        }
        total = sum(by_need.values())
        if total > 0:
            shares[band.code] = {
                need: value / total
                for need, value in sorted(by_need.items(), key=lambda i: need_sort_key(i[0]))
            }

    fits: dict[str, dict[str, Any]] = {}
    band_lines = []
    not_projected = []
    floored = []
    results = []
    for band in AGE_BANDS:
        history = inputs.plans_history.get(band.code, {})
        points = [(year, history[year]) for year in window if history.get(year) is not None]
        if len(points) < MIN_TREND_YEARS:
            not_projected.append(f"{band.label} (figures for {len(points)} of the {trend_years} years)")
            continue
        if band.code not in shares:
            not_projected.append(f"{band.label} (no figures by need in {year_label(base)} to split it by)")
            continue
        slope, intercept = linear_fit([(float(x), float(y)) for x, y in points])
        fits[band.code] = {"years": [x for x, _ in points], "slope": slope, "intercept": intercept}
        missing = [year_label(year) for year in window if history.get(year) is None]
        band_lines.append(
            f"{band.label}: fitted to {len(points)} years"
            + (f" ({_list(missing)} had no figure)" if missing else "")
            + f", a change of {slope:+,.1f} plans a year."
        )
        for year in range(base + 1, last + 1):
            fitted = intercept + slope * year
            total = max(0.0, fitted)
            if fitted < 0 and band.label not in floored:
                floored.append(band.label)
            for need, share in shares[band.code].items():
                results.append(
                    {"year": year, "primary_need": need, "age_band": band.code, "value": total * share}
                )

    paragraphs = [
        f"Trend extrapolation for {inputs.area_name} ({inputs.area_code}), from {year_label(base)} to "
        f"{year_label(last)}.",
        "For each age band, a straight line is fitted by least squares to the number of EHC plans "
        f"(all needs) in each of the last {trend_years} years up to the base year "
        f"({year_label(window[0])} to {year_label(base)}); years with no figure are left out. The line is "
        f"extended to {year_label(last)}; a projected figure below zero is set to zero.",
        "\n".join(band_lines) if band_lines else "No age band had enough figures to fit a trend.",
        "Each band's projected total is split between primary needs in the same shares as in "
        f"{year_label(base)}, and those shares are held constant: the method projects how many plans there "
        "will be, not how the mix of needs will change.",
    ]
    if floored:
        paragraphs.append(f"The line fell below zero for {_list(floored)}; those years are set to zero.")
    if not_projected:
        paragraphs.append(f"Not projected: {_list(not_projected)}.")
    relevant = [cell for cell in inputs.skipped if cell["measure"] == "ehc_plans" and cell["year"] in window]
    if relevant:
        paragraphs.append(skipped_statement(relevant))
    paragraphs.append(_rounding_statement())

    return Projection(
        method=TREND,
        parameters={"base_year": base, "horizon": horizon, "trend_years": trend_years},
        results=_results_sorted(results),
        method_statement="\n\n".join(paragraphs),
        derived={"fits": fits, "shares": shares},
    )


def run_projection(inputs: ProjectionInputs, *, method: str, **parameters) -> Projection:
    """Dispatch on the method's code ("prevalence" or "trend")."""
    if method == PREVALENCE:
        return prevalence_projection(
            inputs,
            horizon=parameters.get("horizon", DEFAULT_HORIZON),
            prevalence_change_pct=parameters.get("prevalence_change_pct", 0.0),
        )
    if method == TREND:
        return trend_projection(
            inputs,
            horizon=parameters.get("horizon", DEFAULT_HORIZON),
            trend_years=parameters.get("trend_years", DEFAULT_TREND_YEARS),
        )
    raise ValueError(f"Unknown projection method: {method}")
