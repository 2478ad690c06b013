"""Deterministic needs data for tests: areas, a dataset, and observations written straight to the table.

england, north_west, northshire_area = standard_areas()
dataset = make_dataset(imported_by=commissioner)
add_observations(dataset, [
    obs(northshire_area, 2024, "ehc_plans", 2400),
    obs(northshire_area, 2024, "ehc_plans", 610, primary_need="ASD"),
    obs(northshire_area, 2024, "ehc_plans", 120, age=(5, 5)),
    obs(northshire_area, 2024, "population", 3100, age=(5, 5)),
    obs(northshire_area, 2024, "ehc_plans", None, marker="c", primary_need="HI"),
])
"""

import hashlib
import itertools

from needs.models import Area, Dataset, DatasetStatus, Observation
from needs.vocabulary import GeographicLevel

_sequence = itertools.count(1)


def make_area(code: str, name: str, level: str, parent: Area | None = None) -> Area:
    area, _ = Area.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})
    return area


def standard_areas(ons_code: str = "E06000998", name: str = "Northshire") -> tuple[Area, Area, Area]:
    """England, the North West region, and the council's own area (matching the persona's ONS code)."""
    england = make_area("E92000001", "England", GeographicLevel.NATIONAL)
    north_west = make_area("E12000002", "North West", GeographicLevel.REGIONAL, england)
    council = make_area(ons_code, name, GeographicLevel.LOCAL_AUTHORITY, north_west)
    return england, north_west, council


def make_dataset(
    *, imported_by, organisation=None, source="ees", series="sen_needs_all_plans", **fields
) -> Dataset:
    n = next(_sequence)
    defaults = {
        "organisation": organisation,
        "scope": f"org:{organisation.pk}" if organisation else "public",
        "source": source,
        "series": series,
        "title": f"{series}.csv",
        "file_name": f"{series}.csv",
        "checksum": hashlib.sha256(f"dataset-{n}".encode()).hexdigest(),
        "status": DatasetStatus.COMPLETE,
        "progress": 100,
        "imported_by": imported_by,
    }
    defaults.update(fields)
    return Dataset.objects.create(**defaults)


def obs(
    area: Area,
    year: int,
    measure: str,
    value: float | None,
    *,
    primary_need: str = "",
    age: tuple[int, int] | None = None,
    setting: str = "",
    breakdown_topic: str = "",
    breakdown: str = "",
    marker: str = "",
    time_period: int | None = None,
) -> dict:
    return {
        "area": area,
        "year": year,
        "time_period": time_period or (year * 100 + (year + 1) % 100),
        "measure": measure,
        "primary_need": primary_need,
        "age_min": age[0] if age else None,
        "age_max": age[1] if age else None,
        "setting": setting,
        "breakdown_topic": breakdown_topic,
        "breakdown": breakdown,
        "value": value,
        "marker": marker,
        "indicator": measure,
    }


def add_observations(dataset: Dataset, rows: list[dict]) -> list[Observation]:
    created = Observation.objects.bulk_create([Observation(dataset=dataset, **row) for row in rows])
    Dataset.objects.filter(pk=dataset.pk).update(observation_count=len(created))
    return created
