"""Geographic levels and ONS (GSS) area codes: which labels mean which level, and which codes fit it.

A GSS code is a three-character entity code (letter for the country, two digits for the kind of area)
then six digits: E08000009 is Trafford (E08, a metropolitan district). Each level accepts the entity
codes below; anything else is refused as an unknown code, so a typo never creates a new area.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..vocabulary import GeographicLevel

# Entity codes each level accepts. Extend here when a new kind of area is needed.
LEVEL_ENTITY_CODES: dict[str, tuple[str, ...]] = {
    # England, United Kingdom, Great Britain, England and Wales, Wales, Scotland, Northern Ireland
    GeographicLevel.NATIONAL: ("E92", "K02", "K03", "K04", "W92", "S92", "N92"),
    # English regions; E13 is Inner and Outer London, which some DfE files report as regions
    GeographicLevel.REGIONAL: ("E12", "E13"),
    # Unitary authorities, non-metropolitan districts, metropolitan districts, London boroughs, counties,
    # metropolitan counties; Welsh unitary authorities, Scottish council areas, Northern Irish districts
    GeographicLevel.LOCAL_AUTHORITY: ("E06", "E07", "E08", "E09", "E10", "E11", "W06", "S12", "N09"),
    GeographicLevel.WARD: ("E05", "W05", "S13", "N08"),
    GeographicLevel.MSOA: ("E02", "W02"),
    GeographicLevel.LSOA: ("E01", "W01"),
    GeographicLevel.OUTPUT_AREA: ("E00", "W00"),
}

LEVEL_PATTERNS: dict[str, re.Pattern] = {
    str(level): re.compile(rf"^(?:{'|'.join(codes)})\d{{6}}$") for level, codes in LEVEL_ENTITY_CODES.items()
}
OLD_LA_CODE = re.compile(r"^\d{3}$")

EXAMPLE_CODES = {
    GeographicLevel.NATIONAL: "E92000001 for England",
    GeographicLevel.REGIONAL: "E12000002 for the North West",
    GeographicLevel.LOCAL_AUTHORITY: "E08000009 for Trafford",
    GeographicLevel.WARD: "E05000819 for a ward",
    GeographicLevel.MSOA: "E02001000 for an MSOA",
    GeographicLevel.LSOA: "E01005000 for an LSOA",
    GeographicLevel.OUTPUT_AREA: "E00030000 for an output area",
}

LEVEL_NOUNS = {
    GeographicLevel.NATIONAL: "a country",
    GeographicLevel.REGIONAL: "a region",
    GeographicLevel.LOCAL_AUTHORITY: "a local authority",
    GeographicLevel.WARD: "a ward",
    GeographicLevel.MSOA: "a middle layer super output area (MSOA)",
    GeographicLevel.LSOA: "a lower layer super output area (LSOA)",
    GeographicLevel.OUTPUT_AREA: "an output area",
}


def label_key(label: str) -> str:
    """A label compared loosely: lower case, punctuation and spaces as single spaces."""
    return re.sub(r"[^a-z0-9]+", " ", label.lower()).strip()


# Labels of levels, as DfE, ONS and councils write them (compared ignoring case and punctuation).
LEVEL_LABELS: dict[str, str] = {
    **{label_key(level.value): level.value for level in GeographicLevel},
    **{label_key(level.label): level.value for level in GeographicLevel},
    "national": GeographicLevel.NATIONAL,
    "country": GeographicLevel.NATIONAL,
    "regional": GeographicLevel.REGIONAL,
    "region": GeographicLevel.REGIONAL,
    "local authority": GeographicLevel.LOCAL_AUTHORITY,
    "la": GeographicLevel.LOCAL_AUTHORITY,
    "lad": GeographicLevel.LOCAL_AUTHORITY,
    "local authority district": GeographicLevel.LOCAL_AUTHORITY,
    "ward": GeographicLevel.WARD,
    "electoral ward": GeographicLevel.WARD,
    "msoa": GeographicLevel.MSOA,
    "lsoa": GeographicLevel.LSOA,
    "oa": GeographicLevel.OUTPUT_AREA,
    "output area": GeographicLevel.OUTPUT_AREA,
}
LEVEL_LABELS = {key: str(level) for key, level in LEVEL_LABELS.items()}

# EES geographic levels, as in the `geographic_level` column, that this service stores.
EES_LEVELS: dict[str, str] = {
    "national": GeographicLevel.NATIONAL,
    "regional": GeographicLevel.REGIONAL,
    "local authority": GeographicLevel.LOCAL_AUTHORITY,
}
EES_LEVELS = {key: str(level) for key, level in EES_LEVELS.items()}
# EES levels that exist but are not stored here: their rows are left out, with a warning. (A local
# authority district is not an education authority, a constituency or a school is not an area the
# needs analysis compares; storing them as if they were would mislead.)
EES_LEVELS_NOT_STORED = {
    label_key(label)
    for label in (
        "Local authority district",
        "Parliamentary constituency",
        "Local enterprise partnership",
        "Local skills improvement plan area",
        "Mayoral combined authority",
        "English devolved area",
        "Opportunity area",
        "Ward",
        "MSOA",
        "Planning area",
        "Police force area",
        "RSC region",
        "Provider",
        "Institution",
        "School",
        "Sponsor",
        "Multi-academy trust",
        "Further education and skills provider",
    )
}


def level_labels(values: pd.Series, table: dict[str, str]) -> pd.Series:
    """Map level labels to GeographicLevel values ("" where not recognised), once per distinct label."""
    distinct = values.unique()
    mapping = {value: table.get(label_key(value), "") for value in distinct}
    return values.map(mapping).astype("str")


def level_for_code(code: str) -> str:
    """The level a GSS code belongs to, or "" when it fits none."""
    for level, pattern in LEVEL_PATTERNS.items():
        if pattern.match(code):
            return level
    return ""


def codes_fit(codes: pd.Series, level: str) -> np.ndarray:
    """Which codes fit the level's GSS pattern."""
    return codes.str.fullmatch(LEVEL_PATTERNS[level].pattern).fillna(False).to_numpy(dtype=bool)


def bad_code_message(code: str, level: str) -> str:
    noun = LEVEL_NOUNS.get(level, "an area")
    example = EXAMPLE_CODES.get(level, "")
    actual = level_for_code(code)
    hint = f" (it is the code of {LEVEL_NOUNS[actual]})" if actual else ""
    return (
        f"'{code}' is not the ONS code of {noun}{hint}. Use the area’s 9-character ONS code, such as "
        f"{example}."
    )
