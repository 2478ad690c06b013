"""Gaps: projected demand minus commissioned capacity, by primary need and age band.

    analysis = gap_analysis_for(user, run=None, target_year=None)     # the latest run, its last year
    analysis.rows            # GapRow per need and band, then one "all needs" row per band
    detail = gap_detail_for(user, age_band="5-10", need="ASD")       # one gap with its evidence

Capacity is the council's `CommissionedCapacity`, counted cell by cell (need, age band, setting):

- places "from contracts" (basis "contracted", kept in step with live contracts and placement
  agreements by the Review stage, `contracts.services.capacity`) for the target year itself;
- where a cell has none, the places entered by hand for the target year or, when none are entered for
  that year, the latest year before it.

So contracted places replace the hand-entered ones for the same cell, and when a contract ends its
places stop counting in the years after. Places recorded with no primary need are "any need" places:
they are shown separately and count only towards the band's all-needs row, never towards one need.

Each gap has a stable address, `needs:gap_detail` with an age band code and a need code (or "all"),
so a commissioning intention can quote it. The computation (`compute_gaps`) is pure; the read
functions around it use the scoped selectors and a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote, urlencode

from django.db.models import Q, Sum
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from needs.models import CapacityBasis
from needs.selectors import capacity_for_user, get_projection_for_user_or_404, projections_for_user
from needs.vocabulary import AGE_BAND_BY_CODE, AGE_BANDS, PrimaryNeed

from .inputs import year_label
from .projections import band_label, need_label, need_sort_key

ALL = "all"
ANY_NEED = ""


def whole(value: float | None) -> int | None:
    """Round to whole children, halves up (2.5 -> 3), as the pages show them."""
    if value is None:
        return None
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def gap_reference(age_band: str, need: str) -> str:
    return f"{age_band}/{need}"


def check_gap_codes(age_band: str, need: str) -> None:
    """A gap's address must name a standard age band and a primary need code or "all"; otherwise 404."""
    if age_band not in AGE_BAND_BY_CODE or (need != ALL and need not in PrimaryNeed.values):
        raise Http404("No such gap")


@dataclass
class GapRow:
    age_band: str
    need: str  # a PrimaryNeed code, or "all" for the band's total
    projected: float | None  # unrounded; None when the projection has no figure for the cell
    capacity: int
    any_need_capacity: int = 0  # included in `capacity` on the band's "all" row
    contracted_capacity: int = 0  # of `capacity`, the places from contracts and placement agreements

    @property
    def age_band_label(self) -> str:
        return band_label(self.age_band)

    @property
    def need_label(self) -> str:
        return "All needs" if self.need == ALL else need_label(self.need)

    @property
    def is_total(self) -> bool:
        return self.need == ALL

    @property
    def entered_capacity(self) -> int:
        return self.capacity - self.contracted_capacity

    @property
    def basis_text(self) -> str:
        """Where the places come from: "From contracts", "Entered", or both."""
        if not self.capacity:
            return ""
        if self.contracted_capacity == self.capacity:
            return "From contracts"
        if not self.contracted_capacity:
            return "Entered"
        return f"{self.contracted_capacity:,} from contracts, {self.entered_capacity:,} entered"

    @property
    def projected_whole(self) -> int | None:
        return whole(self.projected)

    @property
    def gap(self) -> int | None:
        """Projected demand (whole children) minus places: above zero is a shortfall."""
        if self.projected is None:
            return None
        return self.projected_whole - self.capacity

    @property
    def gap_text(self) -> str:
        """The gap with its sign: "+12" is 12 children more than places, "-3" is 3 places spare."""
        return "" if self.gap is None else f"{self.gap:+,}" if self.gap else "0"

    @property
    def spare(self) -> int:
        return max(0, -(self.gap or 0))

    @property
    def gap_exact(self) -> float | None:
        return None if self.projected is None else self.projected - self.capacity

    @property
    def is_shortfall(self) -> bool:
        return self.gap is not None and self.gap > 0

    @property
    def is_surplus(self) -> bool:
        return self.gap is not None and self.gap < 0

    @property
    def status(self) -> str:
        if self.gap is None:
            return "No projection"
        if self.gap > 0:
            return "Shortfall"
        if self.gap < 0:
            return "Spare places"
        return "Matched"

    @property
    def reference(self) -> str:
        return gap_reference(self.age_band, self.need)

    @property
    def url(self) -> str:
        return reverse("needs:gap_detail", args=[self.age_band, self.need])


def projected_by_cell(results: list[dict[str, Any]], year: int) -> dict[tuple[str, str], float]:
    """(need, band) -> projected plans in one year, from a run's results."""
    cells: dict[tuple[str, str], float] = {}
    for row in results:
        if row["year"] == year:
            key = (row["primary_need"], row["age_band"])
            cells[key] = cells.get(key, 0.0) + row["value"]
    return cells


def compute_gaps(
    *,
    results: list[dict[str, Any]],
    target_year: int,
    capacity: dict[tuple[str, str], int],
    contracted: dict[tuple[str, str], int] | None = None,
) -> list[GapRow]:
    """Gap rows for one year: per band, a row for each need with demand or places, then the band's total.

    `capacity` maps (need, band) to places; need "" is "any need" capacity, which is never assigned to a
    need and counts only in the band's total. `contracted` says how many of those places come from
    contracts (for showing the basis; it changes no figure).
    """
    contracted = contracted or {}
    projected = projected_by_cell(results, target_year)
    rows: list[GapRow] = []
    for band in AGE_BANDS:
        needs = {need for (need, code) in projected if code == band.code}
        needs |= {need for (need, code) in capacity if code == band.code and need != ANY_NEED}
        band_rows = [
            GapRow(
                age_band=band.code,
                need=need,
                projected=projected.get((need, band.code)),
                capacity=capacity.get((need, band.code), 0),
                contracted_capacity=contracted.get((need, band.code), 0),
            )
            for need in sorted(needs, key=need_sort_key)
        ]
        any_need = capacity.get((ANY_NEED, band.code), 0)
        if not band_rows and not any_need:
            continue
        band_projected = [row.projected for row in band_rows if row.projected is not None]
        rows += band_rows
        rows.append(
            GapRow(
                age_band=band.code,
                need=ALL,
                projected=sum(band_projected) if band_projected else None,
                capacity=sum(row.capacity for row in band_rows) + any_need,
                any_need_capacity=any_need,
                contracted_capacity=sum(row.contracted_capacity for row in band_rows)
                + contracted.get((ANY_NEED, band.code), 0),
            )
        )
    return rows


def gap_statement(
    *,
    area_name: str,
    run_label: str,
    target_year: int,
    capacity_year: int | None,
    contracted: bool = False,
) -> str:
    """`capacity_year` is the year of the places entered by hand that count; `contracted` says whether
    any places from contracts count for the target year."""
    if contracted:
        entered = (
            "no places entered by hand count"
            if capacity_year is None
            else f"places entered by hand for {year_label(capacity_year)}"
        )
        capacity_text = (
            f"Capacity is the places from contracts and placement agreements in force in "
            f"{year_label(target_year)}; for a need, age band and setting with none, {entered}"
            f"{'.' if capacity_year is None else ' count instead.'}"
        )
    elif capacity_year is None:
        capacity_text = (
            f"No commissioned capacity has been recorded for {year_label(target_year)} or any year before "
            "it, so capacity counts as zero and each gap equals the projected demand."
        )
    elif capacity_year == target_year:
        capacity_text = f"Capacity is the places recorded for {year_label(target_year)}."
    else:
        capacity_text = (
            f"No capacity is recorded for {year_label(target_year)}, so the places recorded for "
            f"{year_label(capacity_year)}, the latest year before it, are used."
        )
    if not contracted:
        capacity_text += (
            " No places from contracts count for this year; once the Review stage holds contracts "
            "covering it, their places replace those entered by hand for the same need, age band and setting."
        )
    return (
        f"Gap = projected demand minus commissioned capacity, for {area_name} in {year_label(target_year)}, "
        f"using the projection {run_label}. Projected demand is rounded to whole children and young people. "
        f"{capacity_text} Places recorded with no primary need are ‘any need’ places: they are shown "
        "separately and count only in each age band's all-needs total, not towards any one need. A gap "
        "above zero is a shortfall of places; below zero, spare places."
    )


# ---------------------------------------------------------------------------------------------------------
# Reads


@dataclass
class GapAnalysis:
    run: Any = None  # ProjectionRun
    target_year: int | None = None
    years: list[int] = field(default_factory=list)
    capacity_year: int | None = None
    rows: list[GapRow] = field(default_factory=list)
    statement: str = ""
    counted: CountedCapacity | None = None  # the places counted for the target year, cell by cell
    capacity_source: list[dict[str, Any]] = field(default_factory=list)  # every year's rows, as values

    @property
    def shortfalls(self) -> list[GapRow]:
        return [row for row in self.rows if row.is_shortfall and not row.is_total]

    def query(self) -> str:
        """The query string that pins this analysis's run and year (for links to gap details)."""
        if self.run is None:
            return ""
        return urlencode({"run": self.run.pk, "year": self.target_year})


def run_years(run) -> list[int]:
    return sorted({row["year"] for row in run.results}) or list(
        range(run.base_year + 1, run.base_year + run.horizon + 1)
    )


def choose_run(user, run_id: str | None):
    """The run named by ?run= (404 when it is not the person's council's), else the latest, else None."""
    if run_id:
        if not str(run_id).isdigit():
            raise Http404("No such projection")
        return get_projection_for_user_or_404(user, int(run_id))
    return projections_for_user(user).select_related("created_by").first()


def choose_year(run, year: str | int | None) -> int | None:
    """The year asked for when the run projects it; otherwise the run's last year."""
    if run is None:
        return None
    years = run_years(run)
    try:
        wanted = int(year) if year not in (None, "") else None
    except (TypeError, ValueError):
        wanted = None
    return wanted if wanted in years else years[-1]


@dataclass
class CountedCapacity:
    """The places that count for one year, cell by cell (need, age band, setting)."""

    year: int
    entered_year: int | None  # the year of the hand-entered places used, if any
    cells: dict[tuple[str, str, str], tuple[int, str]]  # (need, band, setting) -> (places, basis)

    @property
    def contracted(self) -> bool:
        return any(basis == CapacityBasis.CONTRACTED for _, basis in self.cells.values())

    @property
    def capacity_year(self) -> int | None:
        """The year the places are for: the target year when contracts count, else the entered year."""
        return self.year if self.contracted else self.entered_year

    def by_need_and_band(self, basis: str | None = None) -> dict[tuple[str, str], int]:
        totals: dict[tuple[str, str], int] = {}
        for (need, band, _setting), (places, cell_basis) in self.cells.items():
            if basis is None or cell_basis == basis:
                totals[(need, band)] = totals.get((need, band), 0) + places
        return totals

    def counts(self, row) -> bool:
        """Whether one CommissionedCapacity row is among the places counted."""
        cell = self.cells.get((row.primary_need, row.age_band, row.setting))
        if cell is None or cell[1] != row.basis:
            return False
        return row.year == (self.year if row.basis == CapacityBasis.CONTRACTED else self.entered_year)


def capacity_source(user, up_to_year: int | None = None) -> list[dict[str, Any]]:
    """Every capacity row of the person's council (up to a year), as plain values: one query."""
    rows = capacity_for_user(user)
    if up_to_year is not None:
        rows = rows.filter(year__lte=up_to_year)
    return list(
        rows.values("year", "basis", "primary_need", "age_band", "setting")
        .annotate(places=Sum("places"))
        .order_by()
    )


def count_capacity(source: list[dict[str, Any]], year: int) -> CountedCapacity:
    """Contracted places for the year replace, cell by cell, the hand-entered places for the year or
    the latest year before it."""
    entered_years = [
        row["year"] for row in source if row["basis"] == CapacityBasis.ENTERED and row["year"] <= year
    ]
    entered_year = max(entered_years) if entered_years else None
    cells: dict[tuple[str, str, str], tuple[int, str]] = {}
    for row in source:
        if row["basis"] == CapacityBasis.ENTERED and row["year"] == entered_year:
            key = (row["primary_need"], row["age_band"], row["setting"])
            cells[key] = (cells.get(key, (0, ""))[0] + row["places"], CapacityBasis.ENTERED)
    contracted: dict[tuple[str, str, str], int] = {}
    for row in source:
        if row["basis"] == CapacityBasis.CONTRACTED and row["year"] == year:
            key = (row["primary_need"], row["age_band"], row["setting"])
            contracted[key] = contracted.get(key, 0) + row["places"]
    for key, places in contracted.items():
        cells[key] = (places, CapacityBasis.CONTRACTED)
    return CountedCapacity(year=year, entered_year=entered_year, cells=cells)


def capacity_year_for(user, target_year: int) -> int | None:
    """The year the counted places are for: the target year when contracted places count for it,
    else the latest year up to it with places entered by hand."""
    return count_capacity(capacity_source(user, target_year), target_year).capacity_year


def capacity_by_cell(user, year: int | None) -> dict[tuple[str, str], int]:
    """(need, band) -> places counted for a year (contracted replacing entered, cell by cell)."""
    if year is None:
        return {}
    return count_capacity(capacity_source(user, year), year).by_need_and_band()


def run_label(run) -> str:
    return f"‘{run.get_method_display()}’ from {year_label(run.base_year)} (run {run.pk})"


def gap_analysis_for(user, *, run_id: str | None = None, year: str | int | None = None) -> GapAnalysis:
    """The gap table for a run (the latest unless one is named) and a target year (its last by default)."""
    run = choose_run(user, run_id)
    if run is None:
        return GapAnalysis()
    target_year = choose_year(run, year)
    years = run_years(run)
    source = capacity_source(user, max([target_year, *years]))
    counted = count_capacity(source, target_year)
    rows = compute_gaps(
        results=run.results,
        target_year=target_year,
        capacity=counted.by_need_and_band(),
        contracted=counted.by_need_and_band(CapacityBasis.CONTRACTED),
    )
    return GapAnalysis(
        run=run,
        target_year=target_year,
        years=years,
        capacity_year=counted.capacity_year,
        rows=rows,
        statement=gap_statement(
            area_name=run.inputs.get("area_name", ""),
            run_label=run_label(run),
            target_year=target_year,
            capacity_year=counted.entered_year,
            contracted=counted.contracted,
        ),
        counted=counted,
        capacity_source=source,
    )


@dataclass
class GapDetail:
    age_band: str
    need: str
    analysis: GapAnalysis
    row: GapRow | None
    series: list[dict[str, Any]]  # [{year, label, projected, capacity}] over the run's years
    capacity_rows: list = field(default_factory=list)  # CommissionedCapacity rows counted
    evidence: dict[str, Any] = field(default_factory=dict)
    intention_url: str | None = None

    @property
    def reference(self) -> str:
        return gap_reference(self.age_band, self.need)

    @property
    def age_band_label(self) -> str:
        return band_label(self.age_band)

    @property
    def need_label(self) -> str:
        return "All needs" if self.need == ALL else need_label(self.need)


def intention_url_for(age_band: str, need: str) -> str | None:
    """Where to start a commissioning intention from this gap, once that page exists."""
    try:
        url = reverse("commissioning:intention_create")
    except NoReverseMatch:
        return None
    return f"{url}?gap={quote(gap_reference(age_band, need), safe='/')}"


def evidence_for(run, age_band: str, need: str) -> dict[str, Any]:
    """The base-year figures behind one gap, read from the run's stored inputs."""
    inputs = run.inputs or {}
    by_need = inputs.get("plans_by_need", {})
    if need == ALL:
        values = [bands[age_band] for bands in by_need.values() if bands.get(age_band) is not None]
        base_plans = sum(values) if values else None
    else:
        base_plans = by_need.get(need, {}).get(age_band)
    history = inputs.get("plans_history", {}).get(age_band, {})
    derived = inputs.get("derived", {})
    prevalence = None
    if need != ALL:
        prevalence = derived.get("prevalence", {}).get(need, {}).get(age_band)
    share = None if need == ALL else derived.get("shares", {}).get(age_band, {}).get(need)
    return {
        "base_year": run.base_year,
        "base_year_label": year_label(run.base_year),
        "base_plans": base_plans,
        "population_year": inputs.get("population_year"),
        "population": inputs.get("population_by_band", {}).get(age_band),
        "prevalence_per_1000": prevalence * 1000 if prevalence is not None else None,
        "share_pct": share * 100 if share is not None else None,
        "history": [
            {"year": int(year), "label": year_label(int(year)), "plans": value}
            for year, value in sorted(history.items(), key=lambda item: int(item[0]))
        ],
    }


def gap_detail_for(
    user, *, age_band: str, need: str, run_id: str | None = None, year: str | int | None = None
) -> GapDetail:
    check_gap_codes(age_band, need)
    analysis = gap_analysis_for(user, run_id=run_id, year=year)
    detail = GapDetail(
        age_band=age_band,
        need=need,
        analysis=analysis,
        row=None,
        series=[],
        intention_url=intention_url_for(age_band, need),
    )
    if analysis.run is None:
        return detail
    detail.row = next(
        (row for row in analysis.rows if row.age_band == age_band and row.need == need),
        GapRow(age_band=age_band, need=need, projected=None, capacity=0),
    )
    counted = analysis.counted
    capacity_rows = capacity_for_user(user).filter(
        Q(basis=CapacityBasis.CONTRACTED, year=counted.year)
        | Q(basis=CapacityBasis.ENTERED, year=counted.entered_year),
        age_band=age_band,
    )
    if need != ALL:
        capacity_rows = capacity_rows.filter(primary_need=need)
    detail.capacity_rows = [row for row in capacity_rows if counted.counts(row)]
    # Places for each year of the run, counted the same way, from the rows the analysis read (no query).
    for target in analysis.years:
        by_cell = count_capacity(analysis.capacity_source, target).by_need_and_band()
        places = sum(
            value
            for (cell_need, band), value in by_cell.items()
            if band == age_band and (need == ALL or cell_need == need)
        )
        projected = projected_by_cell(analysis.run.results, target)
        if need == ALL:
            values = [v for (n, b), v in projected.items() if b == age_band]
            value = sum(values) if values else None
        else:
            value = projected.get((need, age_band))
        detail.series.append(
            {"year": target, "label": year_label(target), "projected": value, "capacity": places}
        )
    detail.evidence = evidence_for(analysis.run, age_band, need)
    return detail
