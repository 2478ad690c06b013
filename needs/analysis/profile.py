"""The needs profile: what the council's EHC plans look like, beside its region and England.

    profile = build_profile(user, year=2024, need="ASD")
    profile.sections          # each with a heading, a summary sentence, charts with their tables
    profile.rows()            # every number shown, as one long table for the CSV/XLSX download

Every read starts from `observations_for_user(user)`, so a person sees published statistics and their
own council's local data only. Each read is one query whatever the number of rows: the database groups
the cells (`values(...).annotate(...)`) by dataset, and Python keeps for each cell the value from the most
recently imported dataset (`Dataset.imported_at`, then id), as `needs.analysis.inputs` does for
projections. Other dimensions are always held at their "all" value (no age, no setting, no other
characteristic), so nothing is counted twice. A suppressed figure keeps its marker ("c", "x", …) and is
never read as zero.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum

from core.charts import Chart, Series, format_number, make_chart
from needs.models import Area, FeedbackSource, Sentiment
from needs.selectors import feedback_for_user, home_area_for, observations_for_user
from needs.vocabulary import (
    AGE_BANDS,
    ALL_AGES_MAX,
    ALL_AGES_MIN,
    GeographicLevel,
    Measure,
    PrimaryNeed,
    Setting,
)
from needs.vocabulary import SUPPRESSION_MARKERS as _SUPPRESSION_MARKERS

ENGLAND_CODE = "E92000001"
ALL_NEEDS = ""
# A group total that leaves out suppressed figures inside it (shown beside the number, explained below).
PARTIAL = "part"
NOT_AVAILABLE = "x"
MARKER_NOTES = {
    **_SUPPRESSION_MARKERS,
    PARTIAL: "the total leaves out figures that were suppressed, so the true number is higher",
}
POPULATION_AGES = ALL_AGES_MAX - ALL_AGES_MIN + 1  # 0 to 25: 26 single years
QUOTES = 3

NEED_LABELS = dict(PrimaryNeed.choices)
# Needs that say nothing about a type of need are listed last.
NEEDS_LAST = (PrimaryNeed.NSA, PrimaryNeed.UNKNOWN)


# ---------------------------------------------------------------------------------------------------------
# Type of placement -> the setting groups commissioners plan by. Checked in order on the lower-cased
# published label; the first pattern that matches wins; anything else is OTHER. Published "… - total"
# rows are only used for a placement type published without its parts (see `plans_by_setting`).

SETTING_GROUPS: list[tuple[str, Setting]] = [
    (r"resourced provision|\bsen unit", Setting.RESOURCED),
    (
        r"^fe\b|further education|post[- ]?16|sixth form|college|apprentice|traineeship|internship|ukrlp",
        Setting.POST_16,
    ),
    (
        r"^special\b.*\b(independent|non[- ]maintained)|^(independent|non[- ]maintained) special",
        Setting.INDEPENDENT_SPECIAL,
    ),
    (r"^special\b|special school|special academ", Setting.STATE_SPECIAL),
    (r"mainstream", Setting.MAINSTREAM),
    (r"^ap\b|^ap/pru|alternative provision|pupil referral|\bpru\b", Setting.ALTERNATIVE),
]
_SETTING_PATTERNS = [(re.compile(pattern), group) for pattern, group in SETTING_GROUPS]
_TOTAL_LABEL = re.compile(r"\btotal\b")
_ALL_SETTINGS_LABELS = {"total", "all", "all settings", "all ehc plans", "all placements"}


def setting_group(label: str) -> Setting:
    """The setting group a published type-of-placement label belongs to ("Special - independent" ->
    INDEPENDENT_SPECIAL); an unknown label -> OTHER."""
    text = label.strip().lower()
    for pattern, group in _SETTING_PATTERNS:
        if pattern.search(text):
            return group
    return Setting.OTHER


def _setting_prefix(label: str) -> str:
    return label.split(" - ", 1)[0].strip().lower()


# ---------------------------------------------------------------------------------------------------------
# Small values


@dataclass(frozen=True)
class Cell:
    """One figure: a value, or no value and the published marker (both: a total missing suppressed parts)."""

    value: float | None
    marker: str = ""


MISSING = Cell(None, NOT_AVAILABLE)


def _sum_cells(cells: Iterable[Cell]) -> Cell | None:
    """Add figures up; suppressed ones are left out (and the total says so), never counted as zero."""
    cells = list(cells)
    if not cells:
        return None
    values = [cell.value for cell in cells if cell.value is not None]
    markers = [cell.marker for cell in cells if cell.value is None or cell.marker]
    if not values:
        return Cell(None, markers[0] if markers else NOT_AVAILABLE)
    return Cell(sum(values), PARTIAL if markers else "")


def _share(part: Cell | None, whole: Cell | None) -> Cell:
    """`part` as a percentage of `whole`, to one decimal place."""
    if part is None or whole is None:
        return MISSING
    if part.value is None:
        return Cell(None, part.marker or NOT_AVAILABLE)
    if whole.value in (None, 0):
        return MISSING
    return Cell(round(part.value / whole.value * 100, 1))


def _change(old: float | None, new: float | None) -> float | None:
    if old in (None, 0) or new is None:
        return None
    return (new - old) / old * 100


def _change_words(change: float) -> str:
    if round(change) == 0:
        return "stayed about the same"
    return f"{'rose' if change > 0 else 'fell'} by {abs(change):.0f}%"


def _one_place(value: float) -> str:
    return format_number(value, 1)


def _percent(value: float) -> str:
    return f"{format_number(value, 1)}%"


def _pct(value: float | None) -> str:
    return "not available" if value is None else f"{value:.0f}%"


def _and_list(items: list[str]) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _place(area: Area) -> str:
    """How a sentence names an area: "the North West", "England", "Northshire"."""
    return f"the {area.name}" if area.level == GeographicLevel.REGIONAL else area.name


def year_label(year: int, time_period: int | None = None) -> str:
    """As published: an academic year 202425 -> "2024/25", a calendar year 2024 -> "2024"."""
    if time_period is not None and time_period < 10000:
        return str(time_period)
    return f"{year}/{(year + 1) % 100:02d}"


def _series(name: str, cells: list[Cell], *, decimals: int | None = None) -> Series:
    return Series(
        name=name,
        values=[cell.value for cell in cells],
        markers=[cell.marker for cell in cells],
        decimals=decimals,
    )


# ---------------------------------------------------------------------------------------------------------
# Areas and years


@dataclass
class ProfileAreas:
    """The council's own area, its region and England; any may be missing."""

    council: Area | None
    region: Area | None
    england: Area | None

    def present(self) -> list[Area]:
        return [area for area in (self.council, self.region, self.england) if area is not None]

    @property
    def ids(self) -> list[int]:
        return [area.pk for area in self.present()]


def profile_areas(organisation) -> ProfileAreas:
    """The council's area (from its ONS code), its region (the area's parent) and England: two queries."""
    council = home_area_for(organisation)
    region = None
    if (
        council is not None
        and council.parent is not None
        and council.parent.level == GeographicLevel.REGIONAL
    ):
        region = council.parent
    england = Area.objects.filter(code=ENGLAND_CODE).first()
    return ProfileAreas(council=council, region=region, england=england)


@dataclass(frozen=True)
class YearOption:
    year: int
    label: str
    council_has_data: bool


def available_years(observations, areas: ProfileAreas) -> list[YearOption]:
    """Years with EHC plan figures for the council, its region or England, newest first (one query)."""
    if areas.council is None:
        return []
    rows = (
        observations.filter(area_id__in=areas.ids, measure=Measure.EHC_PLANS)
        .values("year")
        .annotate(time_period=Max("time_period"), council=Count("id", filter=Q(area_id=areas.council.pk)))
        .order_by("-year")
    )
    return [
        YearOption(row["year"], year_label(row["year"], row["time_period"]), row["council"] > 0)
        for row in rows
    ]


def latest_year(years: list[YearOption]) -> int | None:
    """The newest year the council has figures for, else the newest year with any."""
    for option in years:
        if option.council_has_data:
            return option.year
    return years[0].year if years else None


# ---------------------------------------------------------------------------------------------------------
# Reading cells


def _grouped(queryset, keys: tuple[str, ...]) -> list[dict]:
    """Cells summed in the database, one row per dataset and cell."""
    return list(
        queryset.values("dataset_id", "dataset__imported_at", *keys)
        .annotate(
            total=Sum("value"),
            rows=Count("id"),
            known=Count("value"),
            marker=Max("marker"),
        )
        .order_by()
    )


def _newest(rows: list[dict], keys: tuple[str, ...]) -> dict[tuple, Cell]:
    """For each cell, the figure from the most recently imported dataset that holds it."""
    chosen: dict[tuple, tuple[tuple, Cell]] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        rank = (row["dataset__imported_at"], row["dataset_id"])
        if key in chosen and rank <= chosen[key][0]:
            continue
        if row["known"] == 0:
            cell = Cell(None, row["marker"] or NOT_AVAILABLE)
        else:
            cell = Cell(row["total"], PARTIAL if row["known"] < row["rows"] else "")
        chosen[key] = (rank, cell)
    return {key: cell for key, (_, cell) in chosen.items()}


def _totals_only(queryset):
    """Rows for all ages, all settings and no other characteristic."""
    return queryset.filter(age_min__isnull=True, setting="", breakdown_topic="")


def _band_cell(band_min: int, band_max: int, cells: dict[tuple[int, int], Cell]) -> Cell | None:
    """A band's figure from age-range cells: the row for exactly the band if published, else the single
    years of age inside it, else other non-overlapping ranges inside it (narrowest first)."""
    exact = cells.get((band_min, band_max))
    if exact is not None:
        return exact
    inside = [key for key in cells if band_min <= key[0] and key[1] <= band_max]
    chosen, covered = [], set()
    for key in sorted(inside, key=lambda k: (k[1] - k[0], k[0])):
        ages = set(range(key[0], key[1] + 1))
        if not ages & covered:
            chosen.append(key)
            covered |= ages
    return _sum_cells(cells[key] for key in sorted(chosen))


# ---------------------------------------------------------------------------------------------------------
# The reads behind each section


@dataclass
class Headlines:
    """Totals by year: area id -> year -> Cell, for each measure; `need_plans` for the chosen need."""

    plans: dict[int, dict[int, Cell]]
    need_plans: dict[int, dict[int, Cell]]
    new_plans: dict[int, dict[int, Cell]]
    within_20_weeks: dict[int, dict[int, Cell]]
    labels: dict[int, str]


def headline_figures(observations, areas: ProfileAreas, *, need: str = ALL_NEEDS) -> Headlines:
    """EHC plans (all needs, and the chosen need), new plans and % issued within 20 weeks, every year,
    for the council, region and England (one query)."""
    measures = [Measure.EHC_PLANS, Measure.NEW_EHC_PLANS, Measure.WITHIN_20_WEEKS_PCT]
    keys = ("area_id", "year", "measure", "primary_need")
    rows = _grouped(
        _totals_only(observations).filter(
            area_id__in=areas.ids, measure__in=measures, primary_need__in={ALL_NEEDS, need}
        ),
        (*keys, "time_period"),
    )
    labels = {row["year"]: year_label(row["year"], row["time_period"]) for row in rows}
    cells = _newest(rows, keys)
    result: dict[tuple[str, str], dict[int, dict[int, Cell]]] = defaultdict(lambda: defaultdict(dict))
    for (area_id, year, measure, primary_need), cell in cells.items():
        result[(measure, primary_need)][area_id][year] = cell
    return Headlines(
        plans=result[(Measure.EHC_PLANS, ALL_NEEDS)],
        need_plans=result[(Measure.EHC_PLANS, need)] if need else {},
        new_plans=result[(Measure.NEW_EHC_PLANS, ALL_NEEDS)],
        within_20_weeks=result[(Measure.WITHIN_20_WEEKS_PCT, ALL_NEEDS)],
        labels=labels,
    )


def plans_by_need(observations, areas: ProfileAreas, year: int) -> dict[int, dict[str, Cell]]:
    """EHC plans in `year` by primary need, with the all-needs total under "" (one query):
    area id -> need -> Cell."""
    keys = ("area_id", "primary_need")
    cells = _newest(
        _grouped(
            _totals_only(observations).filter(area_id__in=areas.ids, measure=Measure.EHC_PLANS, year=year),
            keys,
        ),
        keys,
    )
    result: dict[int, dict[str, Cell]] = defaultdict(dict)
    for (area_id, need), cell in cells.items():
        result[area_id][need] = cell
    return result


def plans_by_age(observations, areas: ProfileAreas, year: int) -> dict[int, dict[str, Cell]]:
    """EHC plans in `year` by the standard age bands, from single ages or bands as published (one query):
    area id -> band code -> Cell."""
    keys = ("area_id", "age_min", "age_max")
    cells = _newest(
        _grouped(
            observations.filter(
                area_id__in=areas.ids,
                measure=Measure.EHC_PLANS,
                year=year,
                primary_need=ALL_NEEDS,
                setting="",
                breakdown_topic="",
                age_min__isnull=False,
                age_max__isnull=False,
            ),
            keys,
        ),
        keys,
    )
    by_area: dict[int, dict[tuple[int, int], Cell]] = defaultdict(dict)
    for (area_id, age_min, age_max), cell in cells.items():
        by_area[area_id][(age_min, age_max)] = cell
    result: dict[int, dict[str, Cell]] = {}
    for area_id, ranges in by_area.items():
        bands = {band.code: _band_cell(band.age_min, band.age_max, ranges) for band in AGE_BANDS}
        result[area_id] = {code: cell for code, cell in bands.items() if cell is not None}
    return result


def plans_by_setting(observations, areas: ProfileAreas, year: int) -> dict[int, dict[Setting, Cell]]:
    """EHC plans in `year` by setting group (one query): area id -> Setting -> Cell.

    Published placement types are added up into groups. A "… - total" row is used only when its type
    (the words before " - ") has no parts published, because "Mainstream - total" also holds resourced
    provision, which is its own group here.
    """
    keys = ("area_id", "setting")
    cells = _newest(
        _grouped(
            observations.filter(
                area_id__in=areas.ids,
                measure=Measure.EHC_PLANS,
                year=year,
                primary_need=ALL_NEEDS,
                age_min__isnull=True,
                breakdown_topic="",
            ).exclude(setting=""),
            keys,
        ),
        keys,
    )
    by_area: dict[int, dict[str, Cell]] = defaultdict(dict)
    for (area_id, label), cell in cells.items():
        if label.strip().lower() not in _ALL_SETTINGS_LABELS:
            by_area[area_id][label] = cell
    result: dict[int, dict[Setting, Cell]] = {}
    for area_id, labels in by_area.items():
        parts_by_prefix: dict[str, list[str]] = defaultdict(list)
        for label in labels:
            if not _TOTAL_LABEL.search(label.lower()):
                parts_by_prefix[_setting_prefix(label)].append(label)
        grouped: dict[Setting, list[Cell]] = defaultdict(list)
        for label, cell in labels.items():
            if _TOTAL_LABEL.search(label.lower()) and parts_by_prefix.get(_setting_prefix(label)):
                continue
            grouped[setting_group(label)].append(cell)
        result[area_id] = {
            group: total for group, cells_ in grouped.items() if (total := _sum_cells(cells_)) is not None
        }
    return result


@dataclass
class Population:
    """People aged 0 to 25: area id -> year -> people (only years where every age 0–25 is published)."""

    by_area: dict[int, dict[int, float]]

    def nearest(self, area_id: int, year: int) -> tuple[int, float] | None:
        """The population for the latest year up to `year`: (population year, people)."""
        years = [y for y in self.by_area.get(area_id, {}) if y <= year]
        if not years:
            return None
        chosen = max(years)
        return chosen, self.by_area[area_id][chosen]


def population_0_to_25(observations, area_filter: Q) -> Population:
    """Population aged 0 to 25 (persons) by area and year (one query). A year counts only when the single
    years (or bands) published cover every age from 0 to 25 once and none is suppressed."""
    keys = ("area_id", "year", "age_min", "age_max")
    cells = _newest(
        _grouped(
            observations.filter(
                area_filter,
                measure=Measure.POPULATION,
                primary_need="",
                setting="",
                breakdown_topic="",
                age_min__gte=ALL_AGES_MIN,
                age_max__lte=ALL_AGES_MAX,
            ),
            keys,
        ),
        keys,
    )
    ranges: dict[tuple[int, int], dict[tuple[int, int], Cell]] = defaultdict(dict)
    for (area_id, year, age_min, age_max), cell in cells.items():
        ranges[(area_id, year)][(age_min, age_max)] = cell
    by_area: dict[int, dict[int, float]] = defaultdict(dict)
    for (area_id, year), cells_ in ranges.items():
        total = _band_cell(ALL_AGES_MIN, ALL_AGES_MAX, cells_)
        covered: set[int] = set()
        for age_min, age_max in cells_:
            covered |= set(range(age_min, age_max + 1))
        if (
            total is not None
            and total.value is not None
            and not total.marker
            and len(covered) == POPULATION_AGES
        ):
            by_area[area_id][year] = total.value
    return Population(dict(by_area))


@dataclass
class Ward:
    area_id: int
    code: str
    name: str
    plans: Cell
    by_need: dict[str, Cell]


def plans_by_ward(observations, areas: ProfileAreas, year: int) -> list[Ward]:
    """The council's local EHC plan figures by ward (areas whose parent is the council's), total and by
    need, in `year` (one query). Empty unless the council has imported ward figures."""
    if areas.council is None:
        return []
    keys = ("area_id", "area__code", "area__name", "primary_need")
    cells = _newest(
        _grouped(
            _totals_only(observations).filter(
                area__parent_id=areas.council.pk,
                area__level=GeographicLevel.WARD,
                measure=Measure.EHC_PLANS,
                year=year,
            ),
            keys,
        ),
        keys,
    )
    wards: dict[int, Ward] = {}
    for (area_id, code, name, need), cell in cells.items():
        ward = wards.setdefault(
            area_id, Ward(area_id=area_id, code=code, name=name, plans=MISSING, by_need={})
        )
        if need == ALL_NEEDS:
            ward.plans = cell
        else:
            ward.by_need[need] = cell
    for ward in wards.values():
        if ward.plans is MISSING and ward.by_need:
            ward.plans = _sum_cells(ward.by_need.values()) or MISSING
    return sorted(wards.values(), key=lambda w: (-(w.plans.value or 0), w.name))


@dataclass
class FeedbackSummary:
    counts: dict[str, dict[str, int]]  # service area -> sentiment -> pieces of feedback
    quotes: list[dict]


def feedback_summary(user) -> FeedbackSummary:
    """Feedback counted by service area and sentiment, and the most recent few quotes (two queries)."""
    feedback = feedback_for_user(user)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in feedback.values("service_area", "sentiment").annotate(n=Count("id")).order_by():
        counts[row["service_area"]][row["sentiment"]] = row["n"]
    quotes = list(
        feedback.order_by("-received_on", "-id").values(
            "summary", "source", "service_area", "received_on", "sentiment", "primary_need"
        )[:QUOTES]
    )
    sources, sentiments = dict(FeedbackSource.choices), dict(Sentiment.choices)
    for quote in quotes:
        quote["source_label"] = sources.get(quote["source"], quote["source"])
        quote["sentiment_label"] = sentiments.get(quote["sentiment"], quote["sentiment"])
    return FeedbackSummary(counts=dict(counts), quotes=quotes)


# ---------------------------------------------------------------------------------------------------------
# The profile: sections ready for the page, the PDF and the download


@dataclass
class DataRow:
    section: str
    area: str
    year: str
    breakdown: str
    measure: str
    value: float | None
    marker: str

    def as_list(self) -> list:
        return [self.section, self.area, self.year, self.breakdown, self.measure, self.value, self.marker]


DATA_HEADERS = ["Section", "Area", "Year", "Breakdown", "Measure", "Value", "Marker"]


@dataclass
class Section:
    """One part of the profile: a heading, a plain-English summary, charts each with its data table."""

    key: str
    heading: str
    summary: str = ""
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    empty: str = ""  # what to say when there is nothing to show
    empty_action: str = ""  # "import" or "feedback": what the person could do about it, if allowed
    quotes: list[dict] = field(default_factory=list)
    data: list[DataRow] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        return bool(self.charts)


@dataclass
class Profile:
    organisation_name: str
    place: str  # the council's area name, or the organisation's
    areas: ProfileAreas
    years: list[YearOption]
    year: int | None
    year_label: str
    need: str
    sections: list[Section]
    problem: str = ""  # why there is no profile at all (no ONS code, no data)

    @property
    def need_label(self) -> str:
        return NEED_LABELS.get(self.need, self.need) if self.need else "All needs"

    @property
    def has_data(self) -> bool:
        return any(section.has_content for section in self.sections)

    def rows(self) -> list[DataRow]:
        return [row for section in self.sections for row in section.data]


def build_profile(user, *, year: int | None = None, need: str = ALL_NEEDS) -> Profile:
    """The whole profile for a person's council: a fixed number of queries (11) whatever the data size.

    `year` picks the year for the breakdowns (default: the latest the council has); `need` the primary
    need for the trend (default: all needs). A year with no figures falls back to the default.
    """
    organisation = user.organisation
    observations = observations_for_user(user)
    areas = profile_areas(organisation)
    place = areas.council.name if areas.council else organisation.name
    years = available_years(observations, areas)
    if year not in {option.year for option in years}:
        year = latest_year(years)
    labels = {option.year: option.label for option in years}
    need = need if need in NEED_LABELS else ALL_NEEDS
    profile = Profile(
        organisation_name=organisation.name,
        place=place,
        areas=areas,
        years=years,
        year=year,
        year_label=labels.get(year, ""),
        need=need,
        sections=[],
    )
    if areas.council is None:
        profile.problem = (
            f"No EHC plan data has been imported for {place} yet."
            if organisation.ons_code
            else f"{organisation.name} has no ONS area code, so its figures cannot be found. Ask the service "
            "team to add it."
        )
    feedback = feedback_summary(user)
    if areas.council is None or not any(option.council_has_data for option in years):
        if areas.council is not None:
            profile.problem = f"No EHC plan data has been imported for {place} yet."
        profile.sections = [_feedback_section(feedback, place)]
        return profile

    headlines = headline_figures(observations, areas, need=need)
    labels = {**headlines.labels, **labels}  # a year's EHC plan label wins over other measures'
    population = population_0_to_25(
        observations,
        Q(area_id__in=areas.ids) | Q(area__parent_id=areas.council.pk, area__level=GeographicLevel.WARD),
    )
    builder = _SectionBuilder(areas=areas, year=year, labels=labels, place=place)
    profile.sections = [
        builder.trend(headlines, need),
        builder.rates(headlines, population),
        builder.by_need(plans_by_need(observations, areas, year)),
        builder.by_age(plans_by_age(observations, areas, year)),
        builder.by_setting(plans_by_setting(observations, areas, year)),
        builder.timeliness(headlines),
        builder.locality(plans_by_ward(observations, areas, year), population),
        _feedback_section(feedback, place),
    ]
    return profile


def _title(text: str, categories: list[str]) -> str:
    """A chart title with its span of years: "…, 2018/19 to 2024/25" or "…, 2024/25"."""
    if not categories:
        return text
    span = categories[0] if len(categories) == 1 else f"{categories[0]} to {categories[-1]}"
    return f"{text}, {span}"


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass
class _SectionBuilder:
    """Turns the figures into sections: the rows for the download, the charts and the sentences."""

    areas: ProfileAreas
    year: int
    labels: dict[int, str]
    place: str

    @property
    def council(self) -> Area:
        return self.areas.council

    @property
    def others(self) -> list[Area]:
        """The region and England, beside the council."""
        return self.areas.present()[1:]

    def label(self, year: int) -> str:
        return self.labels.get(year, year_label(year))

    def _row(self, section: Section, area: str, year: int, breakdown: str, measure: str, cell: Cell) -> None:
        section.data.append(
            DataRow(section.heading, area, self.label(year), breakdown, measure, cell.value, cell.marker)
        )

    def _compare(self, values: dict[int, Cell], fmt) -> str:
        """ ", compared with 30.0% in the North West and 31.5% in England" (areas with a figure only)."""
        items = [
            f"{fmt(cell.value)} in {_place(area)}"
            for area in self.others
            if (cell := values.get(area.pk)) is not None and cell.value is not None
        ]
        return f", compared with {_and_list(items)}" if items else ""

    # EHC plans over time -----------------------------------------------------------------------------

    def trend(self, headlines: Headlines, need: str) -> Section:
        need_label = NEED_LABELS.get(need, need) if need else "All needs"
        what = f"EHC plans for {need_label.lower()}" if need else "EHC plans"
        section = Section(
            key="trend",
            heading="EHC plans over time",
            empty=f"No figures for {what} have been imported for {self.place} yet.",
            empty_action="import",
        )
        source = headlines.need_plans if need else headlines.plans
        if not source.get(self.council.pk):
            return section
        years = sorted({y for cells in source.values() for y in cells})
        columns = []
        for area in self.areas.present():
            cells = source.get(area.pk, {})
            columns.append(_series(area.name, [cells.get(y, MISSING) for y in years]))
            for y in sorted(cells):
                self._row(section, area.name, y, need_label, "EHC plans", cells[y])
        section.summary = self._trend_sentence(source, what)
        categories = [self.label(y) for y in years]
        section.charts.append(
            make_chart(
                "line",
                title=_title(f"{_sentence_case(what)} in {self.place}", categories),
                categories=categories,
                series=columns[:1],
                table_series=columns,
                y_label="EHC plans",
                description=section.summary,
                category_label="Year",
                marker_notes=MARKER_NOTES,
            )
        )
        if self.others:
            section.notes.append(
                f"The chart shows {self.place} only; the table also gives the figures for "
                f"{_and_list([_place(a) for a in self.others])}. The rates per 1,000 below compare areas of "
                "different sizes."
            )
        return section

    def _trend_sentence(self, source: dict[int, dict[int, Cell]], what: str) -> str:
        council = {
            y: c.value
            for y, c in source.get(self.council.pk, {}).items()
            if c.value is not None and y <= self.year
        }
        if not council:
            return f"There is no published figure for {what} in {self.place} up to {self.label(self.year)}."
        years = sorted(council)
        latest = years[-1]
        if len(years) == 1:
            return (
                f"There were {format_number(council[latest])} {what} in {self.place} in "
                f"{self.label(latest)}; no earlier year has been imported."
            )
        previous = years[-2]
        change = _change_words(_change(council[previous], council[latest]))
        sentence = (
            f"{_sentence_case(what)} in {self.place} {change} between {self.label(previous)} and "
            f"{self.label(latest)}, from {format_number(council[previous])} to "
            f"{format_number(council[latest])}."
        )
        others = []
        for area in self.others:
            cells = source.get(area.pk, {})
            before, after = cells.get(previous), cells.get(latest)
            change = _change(before.value if before else None, after.value if after else None)
            if change is not None:
                others.append((_change_words(change), _place(area)))
        if others:
            verbs = {words.split(" by ")[0] for words, _ in others}
            if len(verbs) == 1 and " by " in others[0][0]:
                verb = verbs.pop()
                items = [f"{words.removeprefix(verb + ' ')} in {place}" for words, place in others]
                sentence += f" Over the same years they {verb} {_and_list(items)}."
            else:
                sentence += f" Over the same years they {_and_list([f'{w} in {p}' for w, p in others])}."
        return sentence

    # Rates per 1,000 ---------------------------------------------------------------------------------

    def rates(self, headlines: Headlines, population: Population) -> Section:
        section = Section(
            key="rates",
            heading="EHC plans per 1,000 children and young people aged 0 to 25",
            empty=(
                f"Rates need population estimates for {self.place}: no ONS population figures for every age "
                "from 0 to 25 have been imported."
            ),
            empty_action="import",
        )
        years = sorted({y for cells in headlines.plans.values() for y in cells})
        if not years or not population.by_area.get(self.council.pk):
            return section
        columns = []
        rates: dict[int, Cell] = {}
        for area in self.areas.present():
            cells = []
            for y in years:
                plans = headlines.plans.get(area.pk, {}).get(y)
                nearest = population.nearest(area.pk, y)
                if plans is None or plans.value is None or nearest is None:
                    cells.append(MISSING)
                    continue
                population_year, people = nearest
                rate = Cell(round(plans.value / people * 1000, 1), plans.marker)
                cells.append(rate)
                breakdown = f"Aged 0 to 25 (population estimate for {population_year})"
                self._row(section, area.name, y, breakdown, "Population", Cell(people))
                self._row(section, area.name, y, breakdown, "EHC plans per 1,000", rate)
                if y == self.year:
                    rates[area.pk] = rate
            columns.append(_series(area.name, cells, decimals=1))
        for area in self.areas.present():
            nearest = population.nearest(area.pk, self.year)
            section.notes.append(
                f"{area.name}: the {self.label(self.year)} rate uses the {nearest[0]} population estimate of "
                f"{format_number(nearest[1])} people aged 0 to 25."
                if nearest is not None
                else f"{area.name}: not available for {self.label(self.year)}, because no population "
                f"estimates for every age from 0 to 25 up to {self.year} have been imported."
            )
        section.notes.append(
            "A rate is EHC plans divided by the population aged 0 to 25, times 1,000, using the latest ONS "
            "estimate for a year up to the plan year."
        )
        council_rate = rates.get(self.council.pk)
        section.summary = (
            f"In {self.label(self.year)} {self.place} had {format_number(council_rate.value, 1)} EHC plans "
            "per 1,000 children and young people aged 0 to 25"
            f"{self._compare(rates, _one_place)}."
            if council_rate is not None
            else f"The rate for {self.place} in {self.label(self.year)} is not available."
        )
        categories = [self.label(y) for y in years]
        section.charts.append(
            make_chart(
                "line",
                title=_title("EHC plans per 1,000 people aged 0 to 25", categories),
                categories=categories,
                series=columns,
                y_label="EHC plans per 1,000 aged 0 to 25",
                description=section.summary,
                category_label="Year",
                marker_notes=MARKER_NOTES,
            )
        )
        return section

    # Breakdowns as shares of all plans: need, age, setting ---------------------------------------------

    def _shares(
        self,
        section: Section,
        *,
        cells: dict[int, dict],
        keys: list,
        labels: dict,
        wholes: dict[int, Cell | None],
        measure: str,
    ) -> tuple[dict[int, dict], list[Series]]:
        """Each area's figure for each key as a % of the area's whole; adds the download rows and returns
        (area id -> key -> share, the table's columns: the council's counts then each area's shares)."""
        shares = {}
        for area in self.areas.present():
            area_cells = cells.get(area.pk, {})
            shares[area.pk] = {key: _share(area_cells.get(key), wholes.get(area.pk)) for key in keys}
            for key in keys:
                if key in area_cells:
                    self._row(section, area.name, self.year, labels[key], "EHC plans", area_cells[key])
                    self._row(section, area.name, self.year, labels[key], measure, shares[area.pk][key])
        council = cells.get(self.council.pk, {})
        columns = [
            _series(f"{self.place} (EHC plans)", [council.get(key, MISSING) for key in keys]),
            *(
                _series(f"{area.name} (%)", [shares[area.pk][key] for key in keys], decimals=1)
                for area in self.areas.present()
            ),
        ]
        return shares, columns

    def by_need(self, cells: dict[int, dict[str, Cell]]) -> Section:
        year = self.label(self.year)
        section = Section(
            key="need",
            heading="EHC plans by primary need",
            empty=f"No EHC plan figures by primary need have been imported for {self.place} for {year}.",
            empty_action="import",
        )
        if not any(need != ALL_NEEDS for need in cells.get(self.council.pk, {})):
            return section
        needs = {need for by_need in cells.values() for need in by_need if need != ALL_NEEDS}

        def whole(area_cells: dict[str, Cell]) -> Cell | None:
            total = area_cells.get(ALL_NEEDS)
            if total is not None and total.value is not None:
                return total
            return _sum_cells(cell for need, cell in area_cells.items() if need != ALL_NEEDS)

        wholes = {area.pk: whole(cells.get(area.pk, {})) for area in self.areas.present()}
        labels = {need: NEED_LABELS.get(need, need) for need in needs}
        shares, columns = self._shares(
            section,
            cells=cells,
            keys=sorted(needs),
            labels=labels,
            wholes=wholes,
            measure="% of all EHC plans",
        )
        council = shares[self.council.pk]
        order = sorted(needs, key=lambda n: (n in NEEDS_LAST, -(council[n].value or -1), labels[n]))
        positions = [sorted(needs).index(n) for n in order]
        columns = [_reorder(column, positions) for column in columns]
        top = order[0]
        section.summary = (
            f"The most common primary need in {self.place} in {year} was {labels[top].lower()}: "
            f"{format_number(council[top].value, 1)}% of EHC plans"
            f"{self._compare({a: s[top] for a, s in shares.items()}, _percent)}."
            if council[top].value is not None
            else f"Shares of EHC plans by primary need in {self.place} in {year} are not available."
        )
        section.charts.append(
            make_chart(
                "bar",
                horizontal=True,
                title=f"EHC plans by primary need, {year}: % of all plans",
                categories=[labels[n] for n in order],
                series=columns[1:],
                table_series=columns,
                y_label="% of all EHC plans",
                description=section.summary,
                category_label="Primary need",
                marker_notes=MARKER_NOTES,
            )
        )
        return section

    def by_age(self, cells: dict[int, dict[str, Cell]]) -> Section:
        year = self.label(self.year)
        section = Section(
            key="age",
            heading="EHC plans by age",
            empty=f"No EHC plan figures by age have been imported for {self.place} for {year}.",
            empty_action="import",
        )
        if not cells.get(self.council.pk):
            return section
        bands = [band for band in AGE_BANDS if any(band.code in c for c in cells.values())]
        labels = {band.code: band.label for band in bands}
        wholes = {area_id: _sum_cells(area_cells.values()) for area_id, area_cells in cells.items()}
        shares, columns = self._shares(
            section, cells=cells, keys=list(labels), labels=labels, wholes=wholes, measure="% of EHC plans"
        )
        council = cells[self.council.pk]
        biggest = max(labels, key=lambda code: council.get(code, MISSING).value or -1)
        share = shares[self.council.pk][biggest]
        section.summary = (
            f"In {year} the largest group of EHC plans in {self.place} was for "
            f"{labels[biggest][0].lower()}{labels[biggest][1:]}: {format_number(share.value, 1)}%"
            f"{self._compare({a: s[biggest] for a, s in shares.items()}, _percent)}."
            if share.value is not None
            else f"Shares of EHC plans by age in {self.place} in {year} are not available."
        )
        section.charts.append(
            make_chart(
                "bar",
                title=f"EHC plans by age, {year}: % of all plans",
                categories=list(labels.values()),
                series=columns[1:],
                table_series=columns,
                y_label="% of EHC plans",
                description=section.summary,
                category_label="Age",
                marker_notes=MARKER_NOTES,
            )
        )
        return section

    def by_setting(self, cells: dict[int, dict[Setting, Cell]]) -> Section:
        year = self.label(self.year)
        section = Section(
            key="setting",
            heading="Where children and young people with EHC plans are educated",
            empty=f"No EHC plan figures by type of placement have been imported for {self.place} for {year}.",
            empty_action="import",
        )
        if not cells.get(self.council.pk):
            return section
        groups = [group for group in Setting if any(group in c for c in cells.values())]
        labels = {group: group.label for group in groups}
        wholes = {area_id: _sum_cells(area_cells.values()) for area_id, area_cells in cells.items()}
        shares, columns = self._shares(
            section, cells=cells, keys=groups, labels=labels, wholes=wholes, measure="% of EHC plans"
        )
        phrases = {
            Setting.MAINSTREAM: "mainstream schools",
            Setting.STATE_SPECIAL: "state-funded special schools",
            Setting.INDEPENDENT_SPECIAL: "independent or non-maintained special schools",
        }
        council = shares[self.council.pk]
        parts = [
            (format_number(council[group].value, 1), phrase)
            for group, phrase in phrases.items()
            if group in council and council[group].value is not None
        ]
        if parts:
            items = [
                f"{parts[0][0]}% of children and young people with an EHC plan in {self.place} were in "
                f"{parts[0][1]}",
                *(f"{share}% in {phrase}" for share, phrase in parts[1:]),
            ]
            section.summary = f"In {year}, {_and_list(items)}."
            england = self.areas.england
            mainstream = shares.get(england.pk, {}).get(Setting.MAINSTREAM) if england else None
            if england != self.council and mainstream is not None and mainstream.value is not None:
                section.summary += (
                    f" In England {format_number(mainstream.value, 1)}% were in mainstream schools."
                )
        else:
            section.summary = f"Shares of EHC plans by setting in {self.place} in {year} are not available."
        section.notes.append(
            "Types of placement as published are grouped: resourced provision and SEN units on their own; "
            "independent and non-maintained special schools together; further education colleges, "
            "specialist post-16 institutions and training providers as post-16; elective home education, "
            "early years, not in education and placements not recorded as ‘educated elsewhere or other’."
        )
        section.charts.append(
            make_chart(
                "bar",
                horizontal=True,
                title=f"EHC plans by setting, {year}: % of all plans",
                categories=list(labels.values()),
                series=columns[1:],
                table_series=columns,
                y_label="% of EHC plans",
                description=section.summary,
                category_label="Setting",
                marker_notes=MARKER_NOTES,
            )
        )
        return section

    # New plans and timeliness ------------------------------------------------------------------------

    def timeliness(self, headlines: Headlines) -> Section:
        section = Section(
            key="timeliness",
            heading="New EHC plans and how many were issued within 20 weeks",
            empty=f"No figures for new EHC plans have been imported for {self.place} yet.",
            empty_action="import",
        )
        new = headlines.new_plans.get(self.council.pk, {})
        timely = headlines.within_20_weeks
        sentences = []
        if new:
            years = sorted(new)
            for y in years:
                self._row(section, self.place, y, "All needs", "New EHC plans", new[y])
            known = [y for y in years if new[y].value is not None]
            latest = max((y for y in known if y <= self.year), default=max(known, default=None))
            if latest is not None:
                sentences.append(
                    f"{self.place} issued {format_number(new[latest].value)} new EHC plans in "
                    f"{self.label(latest)}."
                )
            categories = [self.label(y) for y in years]
            section.charts.append(
                make_chart(
                    "bar",
                    title=_title(f"New EHC plans issued in {self.place}", categories),
                    categories=categories,
                    series=[_series(self.place, [new[y] for y in years])],
                    y_label="New EHC plans",
                    description=sentences[-1] if sentences else "New EHC plans issued each year.",
                    category_label="Year",
                    marker_notes=MARKER_NOTES,
                )
            )
        if timely.get(self.council.pk):
            years = sorted({y for cells in timely.values() for y in cells})
            columns = []
            for area in self.areas.present():
                cells = timely.get(area.pk, {})
                columns.append(
                    _series(f"{area.name} (%)", [cells.get(y, MISSING) for y in years], decimals=1)
                )
                for y in sorted(cells):
                    self._row(section, area.name, y, "All needs", "% issued within 20 weeks", cells[y])
            council = {y: c for y, c in timely[self.council.pk].items() if c.value is not None}
            if council:
                latest = max((y for y in council if y <= self.year), default=max(council))
                compare = [
                    f"{_pct(cell.value)} in {_place(area)}"
                    for area in self.others
                    if (cell := timely.get(area.pk, {}).get(latest)) is not None and cell.value is not None
                ]
                sentences.append(
                    f"In {self.label(latest)} {_pct(council[latest].value)} of new plans in {self.place} "
                    "were issued within the 20-week time limit"
                    + (f" ({'; '.join(compare)})" if compare else "")
                    + "."
                )
            categories = [self.label(y) for y in years]
            section.charts.append(
                make_chart(
                    "line",
                    title=_title("New EHC plans issued within 20 weeks (%)", categories),
                    categories=categories,
                    series=columns,
                    y_label="% issued within 20 weeks",
                    description=sentences[-1] if sentences else "New EHC plans issued within 20 weeks.",
                    category_label="Year",
                    marker_notes=MARKER_NOTES,
                )
            )
        section.summary = " ".join(sentences)
        return section

    # Wards -------------------------------------------------------------------------------------------

    def locality(self, wards: list[Ward], population: Population) -> Section:
        year = self.label(self.year)
        section = Section(
            key="locality",
            heading="EHC plans by ward",
            empty=(
                f"No EHC plan figures by ward have been imported for {self.place} for {year}. Ward figures "
                "come from the council's own data (the local data template)."
            ),
            empty_action="import",
        )
        if not wards:
            return section
        need_totals: dict[str, float] = defaultdict(float)
        for ward in wards:
            for need, cell in ward.by_need.items():
                need_totals[need] += cell.value or 0
        top_needs = sorted(need_totals, key=lambda n: (-need_totals[n], n))[:WARD_NEEDS]
        rates = [self._ward_rate(ward, population) for ward in wards]
        plans = _series("EHC plans", [ward.plans for ward in wards])
        columns = [plans]
        if any(rate.value is not None for rate in rates):
            columns.append(_series("Per 1,000 aged 0 to 25", rates, decimals=1))
        columns += [
            _series(NEED_LABELS.get(need, need), [ward.by_need.get(need, MISSING) for ward in wards])
            for need in top_needs
        ]
        for ward, rate in zip(wards, rates, strict=True):
            self._row(section, ward.name, self.year, "All needs", "EHC plans", ward.plans)
            if rate.value is not None:
                self._row(
                    section, ward.name, self.year, "All needs", "EHC plans per 1,000 aged 0 to 25", rate
                )
            for need, cell in sorted(ward.by_need.items()):
                self._row(section, ward.name, self.year, NEED_LABELS.get(need, need), "EHC plans", cell)
        top = wards[0]
        section.summary = (
            f"In {year} the ward with the most EHC plans in {self.place} was {top.name} "
            f"({format_number(top.plans.value)}), of {len(wards)} ward{'s' if len(wards) != 1 else ''} with "
            "figures."
            if top.plans.value is not None
            else f"Ward figures for {self.place} in {year} are suppressed."
        )
        if len(top_needs) < len(need_totals):
            section.notes.append(
                f"The table shows the {WARD_NEEDS} most common primary needs across the wards; the data "
                "download has every need."
            )
        section.charts.append(
            make_chart(
                "bar",
                horizontal=True,
                title=f"EHC plans by ward in {self.place}, {year}",
                categories=[ward.name for ward in wards],
                series=[plans],
                table_series=columns,
                y_label="EHC plans",
                description=section.summary,
                category_label="Ward",
                marker_notes=MARKER_NOTES,
            )
        )
        return section

    def _ward_rate(self, ward: Ward, population: Population) -> Cell:
        nearest = population.nearest(ward.area_id, self.year)
        if ward.plans.value is None or nearest is None:
            return MISSING
        return Cell(round(ward.plans.value / nearest[1] * 1000, 1), ward.plans.marker)


WARD_NEEDS = 4  # primary needs shown as columns in the ward table


def _reorder(series: Series, positions: list[int]) -> Series:
    return Series(
        name=series.name,
        values=[series.values[i] for i in positions],
        markers=[series.marker_at(i) for i in positions],
        decimals=series.decimals,
    )


def _feedback_section(feedback: FeedbackSummary, place: str) -> Section:
    section = Section(
        key="feedback",
        heading="What families and partners told us",
        empty="No feedback has been recorded yet.",
        empty_action="feedback",
        quotes=feedback.quotes,
    )
    if not feedback.counts:
        return section
    sentiments = list(Sentiment)
    counts = feedback.counts
    service_areas = sorted(counts, key=lambda s: (-sum(counts[s].values()), s.lower()))
    columns = [
        Series(s.label, [float(counts[area].get(s.value, 0)) for area in service_areas]) for s in sentiments
    ]
    totals = {s: sum(counts[area].get(s.value, 0) for area in service_areas) for s in sentiments}
    total = sum(totals.values())
    for area in service_areas:
        for s in sentiments:
            section.data.append(
                DataRow(
                    section.heading,
                    place,
                    "",
                    area,
                    f"Feedback: {s.label.lower()}",
                    counts[area].get(s.value, 0),
                    "",
                )
            )
    top = service_areas[0]
    section.summary = (
        f"{total} piece{'s' if total != 1 else ''} of feedback recorded: "
        f"{_and_list([f'{totals[s]} {s.label.lower()}' for s in sentiments])}. "
        f"Most was about {top} ({sum(counts[top].values())})."
    )
    section.charts.append(
        make_chart(
            "bar",
            horizontal=True,
            stacked=True,
            title="Feedback by service area and sentiment",
            categories=service_areas,
            series=columns,
            table_series=[*columns, Series("Total", [float(sum(counts[a].values())) for a in service_areas])],
            y_label="Pieces of feedback",
            description=section.summary,
            category_label="Service area",
        )
    )
    return section
