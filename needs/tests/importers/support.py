"""Helpers for the importer tests: where the shared real files are, and quick ways to build files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from needs.importers import ImportRefused, parse_file
from tests.support import require

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"

SEN_NEEDS = "ees/ehcp2025_sen_needs_all_plans_first6000.csv"
AGE_CASELOAD = "ees/ehcp2022_sen2_age_caseload.csv"
TRAFFORD = "population/trafford_mid-2024_population_estimates_all_geographies_syoa.csv"

EES_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "new_la_code,old_la_code,la_name"
)
ENGLAND = "202425,Academic year,National,E92000001,England,,,,,"
NORTH_WEST = "202425,Academic year,Regional,E92000001,England,E12000002,North West,,,"
TRAFFORD_LA = (
    "202425,Academic year,Local authority,E92000001,England,E12000002,North West,E08000009,358,Trafford"
)


def shared(name: str) -> Path:
    """A real published file from /work/shared/data (skipped locally, failed in CI, when missing)."""
    path = SHARED_DATA / name
    require(path.exists(), f"the shared data file {path} is missing")
    return path


def fixture(name: str) -> Path:
    return FIXTURES / name


def as_file(text: str | bytes, *, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text if isinstance(text, bytes) else text.encode(encoding))


def parse_text(text: str | bytes, *, file_name: str = "test_file.csv", **options):
    return parse_file(as_file(text), file_name=file_name, **options)


def refused(text: str | bytes, *, file_name: str = "test_file.csv", **options) -> ImportRefused:
    """The ImportRefused that parsing the text raises (the test fails if it parses)."""
    with pytest.raises(ImportRefused) as caught:
        parse_text(text, file_name=file_name, **options)
    return caught.value


def ees_csv(filters: str, indicators: str, *rows: str) -> str:
    """An EES file: the standard columns, then the given filter and indicator headers, then rows
    (each row is the geography part and the rest, already joined)."""
    header = ",".join(part for part in (EES_HEADER, filters, indicators) if part)
    return "\n".join([header, *rows]) + "\n"


def cell(observations, **where):
    """The single observation matching every column=value given (None matches missing ages)."""
    frame = observations
    for column, value in where.items():
        frame = frame[frame[column].isna()] if value is None else frame[frame[column] == value]
    assert len(frame) == 1, f"expected one observation for {where}, found {len(frame)}"
    return frame.iloc[0]
