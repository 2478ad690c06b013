"""The numbers projections start from, read for one council in a fixed number of queries.

    inputs = projection_inputs_for(user, base_year=2024)
    inputs.plans_by_need["ASD"]["5-10"]      # EHC plans, autism, age 5 to 10, in the base year
    inputs.plans_history["5-10"][2019]       # EHC plans, all needs, age 5 to 10, in 2019/20
    inputs.population_by_age[7]              # people aged 7 in the latest population year <= base year

Every read goes through `observations_for_user`, so a person only ever sees published statistics and
their own council's local data. The database aggregates the cells (one row per dataset, year, need and
age range); Python then keeps, for each cell, the most recently imported dataset's value and builds age
bands from the cells without counting any person twice:

- a row for exactly the band (e.g. age 5 to 10) is used when there is one;
- otherwise the age ranges inside the band are added up, narrowest first and never two that overlap
  (single years of age, then ranges such as "under 3" for the ages they leave uncovered).

Suppressed cells (no value, a marker such as "c") are skipped, never read as zero, and listed in
`skipped` so the method statement can say so. A band whose every cell is suppressed has no figure at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, Sum

from needs.selectors import home_area_for, observations_for_user
from needs.vocabulary import AGE_BANDS, ALL_AGES_MAX, ALL_AGES_MIN, AgeBand, Measure

MAX_HORIZON = 10
ALL_NEEDS = ""


class InputsMissing(Exception):
    """The council's data cannot support a projection; the message says what is missing, in plain English."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Cell:
    value: float | None
    marker: str = ""


@dataclass
class ProjectionInputs:
    """Everything a projection reads, as plain numbers (stored on the run as JSON by `as_dict`)."""

    area_code: str
    area_name: str
    base_year: int
    # primary need -> age band -> EHC plans in the base year (bands with no published figure are absent)
    plans_by_need: dict[str, dict[str, float]]
    # age band -> year -> EHC plans for all needs (every year up to the base year that has figures)
    plans_history: dict[str, dict[int, float]]
    # The latest population year <= the base year, and its people by single year of age (0 to 25)
    population_year: int | None
    population_by_age: dict[int, float]
    # The same year by age band (from band rows or single ages)
    population_by_band: dict[str, float]
    # Population figures published for years after the base year: year -> single age -> people
    population_future: dict[int, dict[int, float]] = field(default_factory=dict)
    # Suppressed cells that were skipped: {measure, year, primary_need, age_min, age_max, marker}
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-safe copy (years and ages become strings as JSON keys must)."""
        return {
            "area_code": self.area_code,
            "area_name": self.area_name,
            "base_year": self.base_year,
            "plans_by_need": {need: dict(bands) for need, bands in self.plans_by_need.items()},
            "plans_history": {
                band: {str(year): value for year, value in years.items()}
                for band, years in self.plans_history.items()
            },
            "population_year": self.population_year,
            "population_by_age": {str(age): value for age, value in self.population_by_age.items()},
            "population_by_band": dict(self.population_by_band),
            "population_future": {
                str(year): {str(age): value for age, value in ages.items()}
                for year, ages in self.population_future.items()
            },
            "skipped": list(self.skipped),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProjectionInputs:
        """Rebuild the inputs stored on a run, so its figures can be recomputed exactly."""
        return cls(
            area_code=data["area_code"],
            area_name=data["area_name"],
            base_year=int(data["base_year"]),
            plans_by_need={need: dict(bands) for need, bands in data["plans_by_need"].items()},
            plans_history={
                band: {int(year): value for year, value in years.items()}
                for band, years in data["plans_history"].items()
            },
            population_year=data.get("population_year"),
            population_by_age={int(age): value for age, value in data.get("population_by_age", {}).items()},
            population_by_band=dict(data.get("population_by_band", {})),
            population_future={
                int(year): {int(age): value for age, value in ages.items()}
                for year, ages in data.get("population_future", {}).items()
            },
            skipped=list(data.get("skipped", [])),
        )


# ---------------------------------------------------------------------------------------------------------
# Reads


def _area_for(user):
    area = home_area_for(getattr(user, "organisation", None))
    if area is None:
        raise InputsMissing(
            "No needs data has been imported for your council's area yet. Import EHC plan figures and "
            "population estimates first."
        )
    return area


def _plan_rows(user, area):
    """EHC plans for the area by dataset, year, need and age range: totals by setting and other
    characteristics are left out so nothing is counted twice."""
    return _aggregated(
        observations_for_user(user).filter(
            area=area,
            measure=Measure.EHC_PLANS,
            setting="",
            breakdown_topic="",
            age_min__isnull=False,
            age_max__isnull=False,
        ),
        ("year", "primary_need", "age_min", "age_max"),
    )


def _aggregated(queryset, keys: tuple[str, ...]) -> list[dict]:
    return list(
        queryset.values("dataset_id", "dataset__imported_at", *keys)
        .annotate(
            total=Sum("value"),
            rows=Count("id"),
            suppressed=Count("id", filter=Q(value__isnull=True)),
            marker=Max("marker"),
        )
        .order_by()
    )


def _latest_cells(rows: list[dict], keys: tuple[str, ...]) -> dict[tuple, Cell]:
    """For each cell, the value in the most recently imported dataset that holds it."""
    chosen: dict[tuple, tuple[tuple, Cell]] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        rank = (row["dataset__imported_at"], row["dataset_id"])
        if key not in chosen or rank > chosen[key][0]:
            value = None if row["total"] is None or row["suppressed"] == row["rows"] else row["total"]
            chosen[key] = (rank, Cell(value=value, marker=row["marker"] or ""))
    return {key: cell for key, (_, cell) in chosen.items()}


def _band_from_cells(
    band: AgeBand, cells: dict[tuple[int, int], Cell]
) -> tuple[float | None, list[tuple[int, int, str]], bool]:
    """The band's figure from age-range cells: (value or None, suppressed ranges skipped, any cell found)."""
    exact = cells.get((band.age_min, band.age_max))
    if exact is not None:
        if exact.value is None:
            return None, [(band.age_min, band.age_max, exact.marker)], True
        return exact.value, [], True
    inside = [
        (age_min, age_max)
        for (age_min, age_max) in cells
        if band.age_min <= age_min
        and age_max <= band.age_max
        and (age_min, age_max) != (band.age_min, band.age_max)
    ]
    # Non-overlapping ranges, narrowest first (single ages, then e.g. "under 3"), so two views of the
    # same ages are never added together.
    chosen, covered = [], set()
    for key in sorted(inside, key=lambda k: (k[1] - k[0], k[0])):
        ages = set(range(key[0], key[1] + 1))
        if not ages & covered:
            chosen.append(key)
            covered |= ages
    chosen.sort()
    if not chosen:
        return None, [], False
    values = [cells[key].value for key in chosen if cells[key].value is not None]
    skipped = [(key[0], key[1], cells[key].marker) for key in chosen if cells[key].value is None]
    return (sum(values) if values else None), skipped, True


def _skip(measure: str, year: int, need: str, age_min: int, age_max: int, marker: str) -> dict:
    return {
        "measure": str(measure),
        "year": year,
        "primary_need": need,
        "age_min": age_min,
        "age_max": age_max,
        "marker": marker,
    }


def projection_inputs_for(user, *, base_year: int) -> ProjectionInputs:
    """Read a council's EHC plans and population for a projection from `base_year` (three queries)."""
    area = _area_for(user)
    plan_cells = _latest_cells(_plan_rows(user, area), ("year", "primary_need", "age_min", "age_max"))
    population_cells = _latest_cells(
        _aggregated(
            observations_for_user(user).filter(
                area=area,
                measure=Measure.POPULATION,
                primary_need="",
                setting="",
                breakdown_topic="",
                age_min__isnull=False,
                age_max__lte=ALL_AGES_MAX,
                year__lte=base_year + MAX_HORIZON,
            ),
            ("year", "age_min", "age_max"),
        ),
        ("year", "age_min", "age_max"),
    )

    # Group the plan cells: year -> need -> (age_min, age_max) -> cell
    plans: dict[int, dict[str, dict[tuple[int, int], Cell]]] = defaultdict(lambda: defaultdict(dict))
    for (year, need, age_min, age_max), cell in plan_cells.items():
        if year <= base_year:
            plans[year][need][(age_min, age_max)] = cell

    skipped: list[dict] = []
    plans_by_need: dict[str, dict[str, float]] = {}
    for need, cells in sorted(plans.get(base_year, {}).items()):
        if need == ALL_NEEDS:
            continue
        for band in AGE_BANDS:
            value, suppressed, _ = _band_from_cells(band, cells)
            skipped += [_skip(Measure.EHC_PLANS, base_year, need, *s) for s in suppressed]
            if value is not None:
                plans_by_need.setdefault(need, {})[band.code] = value
    if not plans_by_need:
        raise InputsMissing(
            f"There are no EHC plan figures by primary need and age for {area.name} in "
            f"{year_label(base_year)}. Choose another base year or import the figures."
        )

    plans_history: dict[str, dict[int, float]] = {band.code: {} for band in AGE_BANDS}
    for year in sorted(plans):
        by_need = plans[year]
        for band in AGE_BANDS:
            value, suppressed, found = _band_from_cells(band, by_need.get(ALL_NEEDS, {}))
            need_skips = [_skip(Measure.EHC_PLANS, year, ALL_NEEDS, *s) for s in suppressed]
            if not found:
                # No all-needs figure: add up the needs (each need's own suppressed cells skipped).
                values, need_skips = [], []
                for need, cells in by_need.items():
                    if need == ALL_NEEDS:
                        continue
                    need_value, need_suppressed, _ = _band_from_cells(band, cells)
                    need_skips += [_skip(Measure.EHC_PLANS, year, need, *s) for s in need_suppressed]
                    if need_value is not None:
                        values.append(need_value)
                value = sum(values) if values else None
            if found or year != base_year:
                skipped += need_skips  # the base year's need cells are listed once, above
            if value is not None:
                plans_history[band.code][year] = value

    population_years = sorted({year for (year, _, _) in population_cells})
    past = [year for year in population_years if year <= base_year]
    population_year = past[-1] if past else None
    population_by_age: dict[int, float] = {}
    population_by_band: dict[str, float] = {}
    population_future: dict[int, dict[int, float]] = {}
    for year in population_years:
        cells = {(a, b): cell for (y, a, b), cell in population_cells.items() if y == year}
        singles = {a: cell.value for (a, b), cell in cells.items() if a == b and cell.value is not None}
        if year == population_year:
            population_by_age = dict(sorted(singles.items()))
            for band in AGE_BANDS:
                value, suppressed, _ = _band_from_cells(band, cells)
                skipped += [_skip(Measure.POPULATION, year, "", *s) for s in suppressed]
                if value is not None:
                    population_by_band[band.code] = value
        elif year > base_year and singles:
            population_future[year] = dict(sorted(singles.items()))

    return ProjectionInputs(
        area_code=area.code,
        area_name=area.name,
        base_year=base_year,
        plans_by_need=plans_by_need,
        plans_history=plans_history,
        population_year=population_year,
        population_by_age=population_by_age,
        population_by_band=population_by_band,
        population_future=population_future,
        skipped=skipped,
    )


def available_base_years(user) -> list[int]:
    """Years (newest first) with EHC plans by primary need and age for the council: the base years a
    projection can start from."""
    area = home_area_for(getattr(user, "organisation", None))
    if area is None:
        return []
    years = (
        observations_for_user(user)
        .filter(
            area=area,
            measure=Measure.EHC_PLANS,
            setting="",
            breakdown_topic="",
            age_min__gte=ALL_AGES_MIN,
            age_max__lte=ALL_AGES_MAX,
            value__isnull=False,
        )
        .exclude(primary_need="")
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return list(years)


def year_label(year: int) -> str:
    """An academic year from its start year: 2024 -> "2024/25"."""
    return f"{year}/{(year + 1) % 100:02d}"
