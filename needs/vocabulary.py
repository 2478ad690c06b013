"""The words the needs analysis speaks in: primary needs, measures, age bands, geographic levels.

Published files use their own column names and labels; importers translate them into these codes, so
the profile, projections and gap analysis never depend on one file's layout.
"""

from dataclasses import dataclass

from django.db import models


class PrimaryNeed(models.TextChoices):
    """The SEN2 and school census primary types of need (DfE codes)."""

    ASD = "ASD", "Autistic spectrum disorder"
    HI = "HI", "Hearing impairment"
    MLD = "MLD", "Moderate learning difficulty"
    MSI = "MSI", "Multi-sensory impairment"
    OTH = "OTH", "Other difficulty or disability"
    PD = "PD", "Physical disability"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    SLCN = "SLCN", "Speech, language and communication needs"
    SLD = "SLD", "Severe learning difficulty"
    SPLD = "SPLD", "Specific learning difficulty"
    VI = "VI", "Visual impairment"
    NSA = "NSA", "SEN support but no specialist assessment of type of need"
    UNKNOWN = "UNKNOWN", "Need not recorded"


class Measure(models.TextChoices):
    """What a number counts. Indicators a file has beyond these are kept under their own column name."""

    EHC_PLANS = "ehc_plans", "EHC plans"
    EHC_PLANS_PCT = "ehc_plans_pct", "EHC plans (% of all plans)"
    STATEMENTS = "statements", "Statements of SEN"
    STATEMENTS_PCT = "statements_pct", "Statements of SEN (%)"
    PLANS_AND_STATEMENTS = "plans_and_statements", "EHC plans and statements"
    PLANS_AND_STATEMENTS_PCT = "plans_and_statements_pct", "EHC plans and statements (%)"
    NEW_EHC_PLANS = "new_ehc_plans", "New EHC plans issued"
    WITHIN_20_WEEKS_PCT = "within_20_weeks_pct", "New EHC plans issued within 20 weeks (%)"
    SEN_SUPPORT = "sen_support", "Pupils with SEN support"
    POPULATION = "population", "Population"


class GeographicLevel(models.TextChoices):
    NATIONAL = "national", "National"
    REGIONAL = "regional", "Regional"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    WARD = "ward", "Ward"
    MSOA = "msoa", "Middle layer super output area"
    LSOA = "lsoa", "Lower layer super output area"
    OUTPUT_AREA = "output_area", "Output area"


@dataclass(frozen=True)
class AgeBand:
    code: str
    label: str
    age_min: int
    age_max: int


# The SEN2 age bands, used for projections and the gap analysis: 0 to 25 in five bands.
AGE_BANDS = [
    AgeBand("0-4", "Under 5", 0, 4),
    AgeBand("5-10", "Age 5 to 10", 5, 10),
    AgeBand("11-15", "Age 11 to 15", 11, 15),
    AgeBand("16-19", "Age 16 to 19", 16, 19),
    AgeBand("20-25", "Age 20 to 25", 20, 25),
]
AGE_BAND_BY_CODE = {band.code: band for band in AGE_BANDS}
ALL_AGES_MIN, ALL_AGES_MAX = 0, 25


def age_band_for(age_min: int | None, age_max: int | None) -> AgeBand | None:
    """The standard band that wholly contains an age range, or None (all ages, or straddling two bands)."""
    if age_min is None or age_max is None:
        return None
    for band in AGE_BANDS:
        if band.age_min <= age_min and age_max <= band.age_max:
            return band
    return None


class Setting(models.TextChoices):
    """Where a child or young person is educated, grouped as commissioners plan places."""

    MAINSTREAM = "mainstream", "Mainstream school"
    RESOURCED = "resourced", "Resourced provision or SEN unit"
    STATE_SPECIAL = "state_special", "State-funded special school"
    INDEPENDENT_SPECIAL = "independent_special", "Independent or non-maintained special school"
    POST_16 = "post_16", "Further education and post-16"
    ALTERNATIVE = "alternative", "Alternative provision"
    OTHER = "other", "Educated elsewhere or other"


# Suppression and not-applicable markers: kept as markers, never read as zero.
SUPPRESSION_MARKERS = {
    "c": "confidential",
    "x": "not available",
    "z": "not applicable",
    "u": "low reliability",
    "low": "rounds to zero",
    "..": "not available",
    ":": "not available",
    "~": "rounds to zero",
    "n/a": "not applicable",
}
