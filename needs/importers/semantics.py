"""What published column names and labels mean, in the service's own codes (needs.vocabulary).

Everything here is a table: to teach the importers a new publication's columns or labels, add a row.
Nothing is dropped for want of a row: an indicator nobody has described is kept as a measure named after
its column (lower-cased), and a filter nobody has described becomes a breakdown (topic = the column's
name or meta label, breakdown = its value).

Labels are compared loosely (`key`): lower case, apostrophes dropped, every run of other punctuation or
spaces read as one space, "&" read as "and". So "Child or young person's age", "child_or_young_persons_age"
and "CHILD OR YOUNG PERSONS AGE" are the same label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..vocabulary import Measure, PrimaryNeed


def key(label: str) -> str:
    label = label.lower().replace("&", " and ")
    label = re.sub(r"[’'`]", "", label)
    return re.sub(r"[^a-z0-9+]+", " ", label).strip()


# ---------------------------------------------------------------------------------------------------
# Indicators: column name -> measure (and the need or setting the column is about)


@dataclass(frozen=True)
class Meaning:
    """What an indicator column counts. measure "" keeps the published column name (lower-cased)."""

    measure: str = ""
    primary_need: str = ""
    setting: str = ""


# Exact column names (lower case).
INDICATORS: dict[str, Meaning] = {
    # EHC plans, all of them (2025 release: sen_needs_all_plans.csv; caseload.csv says ehcplans)
    "ehc_plans": Meaning(Measure.EHC_PLANS),
    "ehcplans": Meaning(Measure.EHC_PLANS),
    # 2022 and earlier releases (sen2_age_caseload.csv and its kin): statements, plans and both
    "total_ehc": Meaning(Measure.EHC_PLANS),
    "total_ehc_pc": Meaning(Measure.EHC_PLANS_PCT),
    "total_st": Meaning(Measure.STATEMENTS),
    "total_st_pc": Meaning(Measure.STATEMENTS_PCT),
    "total_all": Meaning(Measure.PLANS_AND_STATEMENTS),
    "total_all_pc": Meaning(Measure.PLANS_AND_STATEMENTS_PCT),
    # New plans in the calendar year (newplans.csv)
    "new_ehc_plans": Meaning(Measure.NEW_EHC_PLANS),
    # Timeliness (timeliness_20_week.csv): the headline DfE figure is the one excluding exceptions
    "pc_plans_issued_20_weeks_ex": Meaning(Measure.WITHIN_20_WEEKS_PCT),
    # Special educational needs in England (school census)
    "sen_support": Meaning(Measure.SEN_SUPPORT),
    # Population, in any file that names its column so
    "population": Meaning(Measure.POPULATION),
}

# Needs as they appear inside column names: number_<need> counts plans, <need>_pc is their percentage.
NEEDS_IN_COLUMN_NAMES: dict[str, str] = {
    **{need.value.lower(): need.value for need in PrimaryNeed if need != PrimaryNeed.UNKNOWN},
    "need_unknown": PrimaryNeed.UNKNOWN.value,
    "unknown": PrimaryNeed.UNKNOWN.value,
    "not_recorded": PrimaryNeed.UNKNOWN.value,
}
_NEED_NAMES = "|".join(sorted(NEEDS_IN_COLUMN_NAMES, key=len, reverse=True))
NEED_COUNT_COLUMN = re.compile(rf"^number_(?P<need>{_NEED_NAMES})$")
NEED_PERCENT_COLUMN = re.compile(rf"^(?P<need>{_NEED_NAMES})_pc$")

# Placement columns of caseload.csv and newplans.csv: plans by type of setting attended. The labels are
# the ones sen_needs_all_plans.csv uses for the same settings under breakdown_topic "Type of placement",
# so both files' numbers line up. A "<column>_pc" column is the percentage of the same.
SETTING_COLUMNS: dict[str, str] = {
    "ap_pru_academy": "AP/PRU - academy",
    "ap_pru_free_school": "AP/PRU - free school",
    "ap_pru_la_maintained": "AP/PRU - LA maintained",
    "ap_pru_total": "AP/PRU - total",
    "await_prov_2022": "Awaiting provision (pre 2023 only)",
    "ed_elsewhere": "Educated elsewhere - total",
    "elective_home_education": "Educated elsewhere - elective home education",
    "fe_total": "FE - total",
    "general_fe_tertiary_colleges": "FE - general FE and tertiary colleges",
    "mainstream_academy": "Mainstream - academy",
    "mainstream_academy_resourced_provision": "Mainstream - academy (resourced provision)",
    "mainstream_academy_senunit": "Mainstream - academy (SEN unit)",
    "mainstream_free_school": "Mainstream - free school",
    "mainstream_free_school_resourced_provision": "Mainstream - free school (resourced provision)",
    "mainstream_free_school_senunit": "Mainstream - free school (SEN unit)",
    "mainstream_independent": "Mainstream - independent",
    "mainstream_la_maintained": "Mainstream - LA maintained",
    "mainstream_la_maintained_resourced_provision": "Mainstream - LA maintained (resourced provision)",
    "mainstream_la_maintained_senunit": "Mainstream - LA maintained (SEN unit)",
    "mainstream_total": "Mainstream - total",
    "neet": "Educated elsewhere - NEET",
    "neet_ntci": "Educated elsewhere - not in education or training (notice to cease issued)",
    "neet_other": "Educated elsewhere - not in education or training (other)",
    "neet_other_csa": "Educated elsewhere - not in education or training (compulsory school age)",
    "nm_early_years": "Non-maintained early years",
    "online_provider": "Educated elsewhere - online provider",
    "other_arrangements_la": "Educated elsewhere - other arrangements by LA",
    "other_arrangements_parents": "Educated elsewhere - other arrangements by parents",
    "other_placement_settings": "Educated elsewhere - other placement settings",
    "other_schools": "Educated elsewhere - other schools and establishments",
    "perm_ex_2022": "Permanently excluded (pre 2023 only)",
    "placement_unknown": "Placement not recorded",
    "special_academy_free": "Special - Academy/free schools",
    "special_independent": "Special - independent",
    "special_la_maintained": "Special - LA maintained",
    "special_non_maintained": "Special - non-maintained",
    "special_total": "Special - total",
    "specialist_post_16_institutions": "FE - specialist post-16 institutions",
    "ukrlp_provider": "FE - UKRLP provider",
    "w_settings": "Educated elsewhere - Welsh establishment",
}
# Placement column names are common words ("neet", "other_schools"), so they are read as settings only in
# the series that use them so.
SETTING_COLUMN_SERIES = re.compile(r"(^|_)(caseload|newplans)$")


@dataclass(frozen=True)
class SeriesRule:
    """In series matching `series`, a measure means something else: new plans, not all plans."""

    series: re.Pattern
    measures: dict[str, str] = field(default_factory=dict)  # measure -> measure ("" keeps the column name)


SERIES_RULES: list[SeriesRule] = [
    # sen_need_newplans.csv and newplans.csv count plans started in the year, with the same column names
    # as the all-plans files. There is no "% of new plans" measure, so those keep their column names
    # (with the need or setting still set).
    SeriesRule(
        re.compile(r"new_?plans"),
        {
            Measure.EHC_PLANS.value: Measure.NEW_EHC_PLANS.value,
            Measure.EHC_PLANS_PCT.value: "",
        },
    ),
]


def indicator_meaning(column: str, series: str = "") -> Meaning:
    """What an indicator column means in a series. Meaning.measure "" means: keep the column's name."""
    name = column.strip().lower()
    meaning = INDICATORS.get(name)
    if meaning is None and (match := NEED_COUNT_COLUMN.match(name)):
        meaning = Meaning(Measure.EHC_PLANS, NEEDS_IN_COLUMN_NAMES[match["need"]])
    if meaning is None and (match := NEED_PERCENT_COLUMN.match(name)):
        meaning = Meaning(Measure.EHC_PLANS_PCT, NEEDS_IN_COLUMN_NAMES[match["need"]])
    if meaning is None and SETTING_COLUMN_SERIES.search(series):
        if name in SETTING_COLUMNS:
            meaning = Meaning(Measure.EHC_PLANS, setting=SETTING_COLUMNS[name])
        elif name.endswith("_pc") and name[:-3] in SETTING_COLUMNS:
            meaning = Meaning(Measure.EHC_PLANS_PCT, setting=SETTING_COLUMNS[name[:-3]])
    if meaning is None:
        return Meaning()
    measure = str(meaning.measure)
    for rule in SERIES_RULES:
        if rule.series.search(series) and measure in rule.measures:
            measure = rule.measures[measure]
    return Meaning(measure, str(meaning.primary_need), meaning.setting)


def measure_for(column: str, series: str = "") -> tuple[str, str, str]:
    """(measure, primary_need, setting) for an indicator column, the measure never empty."""
    meaning = indicator_meaning(column, series)
    return (meaning.measure or column.strip().lower(), meaning.primary_need, meaning.setting)


# Column names that are indicators whatever their values (even when every cell is suppressed).
INDICATOR_NAME = re.compile(
    r"(^(number|num|total|count|pc|pct|percent|percentage|rate|prop|proportion|sum|avg|mean|median)_)"
    r"|(_(pc|pct|percent|percentage|rate|count|number|total|num|prop|proportion|den|num|avg|mean)$)"
    r"|(^(value|population|headcount|fte|count|number|total)$)",
    re.IGNORECASE,
)
# Column names that are filters whatever their values (a year group of 1 to 13 is still a filter).
FILTER_NAME = re.compile(
    r"(^breakdown)|(^characteristic)|(_(topic|group|band|type|name|code|id|urn|laestab|ukprn|label)$)"
    r"|(^(age|sex|gender|ethnicity|phase|year_group|nc_year|setting|placement)$)",
    re.IGNORECASE,
)


def looks_like_indicator(column: str) -> bool:
    return bool(INDICATOR_NAME.search(column.strip())) or bool(indicator_meaning(column).measure)


def looks_like_filter(column: str) -> bool:
    return bool(FILTER_NAME.search(column.strip()))


# ---------------------------------------------------------------------------------------------------
# Filters: topic (a filter column's name or label, or a breakdown_topic value) and value -> codes

AGE, SEX, SETTING, NEED, TOTAL = "age", "sex", "setting", "need", "total"

# What a topic is about. Only the current age of the child or young person is an age: "age when plan
# started" or "age at request" are other characteristics and stay breakdowns, so that they are never
# added to or mistaken for the caseload by age.
TOPICS: dict[str, str] = {
    **{
        key(label): AGE
        for label in (
            "age",
            "characteristic_age",
            "Child or young persons age",
            "Child or young person's age",
            "Age of child or young person",
            "current age",
            "age group",
            "age band",
            "age range",
            "pupil age",
            "child age",
        )
    },
    **{key(label): SEX for label in ("sex", "gender", "characteristic_sex", "pupil sex")},
    **{
        key(label): SETTING
        for label in (
            "Type of placement",
            "type_of_placement",
            "placement type",
            "placement",
            "setting",
            "setting type",
            "type of setting",
        )
    },
    **{
        key(label): NEED
        for label in (
            "primary need",
            "primary_need",
            "primary type of need",
            "type of need",
            "primary sen need",
            "sen primary need",
            "primary_sen_need",
        )
    },
    **{key(label): TOTAL for label in ("All EHC plans", "Total", "All", "All plans", "All new EHC plans")},
}

# Values that mean "all of them": no breakdown.
TOTAL_VALUES = {
    key(label)
    for label in (
        "Total",
        "All",
        "All EHC plans",
        "All plans",
        "All new EHC plans",
        "Persons",
        "All persons",
        "All ages",
        "All pupils",
        "All children",
        "All children and young people",
        "All young people",
        "All needs",
        "All primary needs",
        "All sexes",
        "All genders",
        "All ethnicities",
        "All ethnic groups",
        "All placements",
        "All settings",
        "All types",
        "Total all ages",
    )
}

SEX_VALUES = {
    key(label): value
    for labels, value in (
        (("Female", "Females", "F", "Girls", "Girl"), "Female"),
        (("Male", "Males", "M", "Boys", "Boy"), "Male"),
    )
    for label in labels
}

# Primary need labels as DfE publishes them (and the codes themselves).
NEED_LABELS: dict[str, str] = {
    **{key(need.value): need.value for need in PrimaryNeed},
    **{key(str(need.label)): need.value for need in PrimaryNeed},
    **{
        key(label): code
        for label, code in (
            ("Autism", "ASD"),
            ("Autistic Spectrum Disorder", "ASD"),
            ("Multisensory impairment", "MSI"),
            ("Multi-Sensory Impairment", "MSI"),
            ("Other difficulty/disability", "OTH"),
            ("Other Difficulty/Disability", "OTH"),
            ("Profound & multiple learning difficulty", "PMLD"),
            ("Social, emotional and mental health", "SEMH"),
            ("Speech, language and communication needs", "SLCN"),
            ("Specific learning difficulty", "SPLD"),
            ("SpLD", "SPLD"),
            ("No specialist assessment of type of need", "NSA"),
            ("SEN support but no specialist assessment of type of need", "NSA"),
            ("Primary need is not recorded", "UNKNOWN"),
            ("Need not recorded", "UNKNOWN"),
            ("Not recorded", "UNKNOWN"),
            ("Unknown", "UNKNOWN"),
            ("Need unknown", "UNKNOWN"),
        )
    },
}

# Ages as published: "age 10", "10", "under 3", "Under 5", "Age 5 to 10", "5-10", "90+", "25 and over".
AGE_MAX = 120
_AGE = r"(?:aged?s?\s*)?"
AGE_PATTERNS: list[tuple[re.Pattern, object]] = [
    (re.compile(rf"^{_AGE}(\d{{1,3}})(?:\s*years?(?:\s*old)?)?$"), lambda m: (int(m[1]), int(m[1]))),
    (
        re.compile(rf"^{_AGE}(\d{{1,3}})\s*(?:to|-|–|—)\s*(\d{{1,3}})(?:\s*years?)?$"),
        lambda m: (int(m[1]), int(m[2])),
    ),
    (
        re.compile(r"^(?:under|less than|younger than|below)\s*(?:age\s*)?(\d{1,3})(?:\s*years?)?$"),
        lambda m: (0, max(int(m[1]) - 1, 0)),
    ),
    (
        re.compile(rf"^{_AGE}(\d{{1,3}})\s*(?:\+|and over|or over|and above|and older|or older|plus)$"),
        lambda m: (int(m[1]), AGE_MAX),
    ),
    (re.compile(r"^(?:over|older than|above)\s*(\d{1,3})$"), lambda m: (int(m[1]) + 1, AGE_MAX)),
]


def age_range(label: str) -> tuple[int, int] | None:
    """(age_min, age_max) for an age label, or None when it is not one."""
    text = " ".join(label.strip().lower().split())
    for pattern, build in AGE_PATTERNS:
        if match := pattern.match(text):
            low, high = build(match)
            if low <= high <= AGE_MAX:
                return low, high
    return None


@dataclass
class FilterMeaning:
    primary_need: str = ""
    age_min: int | None = None
    age_max: int | None = None
    setting: str = ""
    topics: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    not_understood: list[tuple[str, str]] = field(default_factory=list)  # (topic, value) kept as breakdowns

    @property
    def breakdown_topic(self) -> str:
        return "; ".join(self.topics)

    @property
    def breakdown(self) -> str:
        return "; ".join(self.values)


def topic_kind(*names: str) -> str | None:
    """What a topic is about (AGE, SEX, SETTING, NEED, TOTAL), from any of its names, or None."""
    for name in names:
        if kind := TOPICS.get(key(name)):
            return kind
    return None


def translate_filters(pairs: list[tuple[str, str] | tuple[str, str, tuple[str, ...]]]) -> FilterMeaning:
    """One row's filters in the service's codes. Each pair is (topic, value), or (topic, value, other
    names of the topic) — a filter column's label is its topic, and its column name another name."""
    meaning = FilterMeaning()
    for pair in pairs:
        topic, value = pair[0], pair[1]
        aliases = pair[2] if len(pair) > 2 else ()
        value_key = key(value)
        kind = topic_kind(topic, *aliases)
        if kind == TOTAL or not value_key or value_key in TOTAL_VALUES:
            continue
        if kind == AGE and meaning.age_min is None and (ages := age_range(value)):
            meaning.age_min, meaning.age_max = ages
            continue
        if kind == SEX:
            meaning.topics.append("Sex")
            meaning.values.append(SEX_VALUES.get(value_key, value))
            continue
        if kind == SETTING and not meaning.setting:
            meaning.setting = value
            continue
        if kind == NEED and not meaning.primary_need and (code := NEED_LABELS.get(value_key)):
            meaning.primary_need = code
            continue
        if kind in (AGE, NEED):
            meaning.not_understood.append((topic, value))
        meaning.topics.append(topic)
        meaning.values.append(value)
    return meaning
