"""Storing a parsed file: areas, observations (COPY on PostgreSQL), releases that replace older ones.

An import has three steps, so a large file can load in a Celery worker while the page shows progress:

1. `dataset_prepare` records the dataset (status "importing") after refusing a file already imported.
2. `dataset_load` writes its observations in chunks, committing progress as it goes, then, in one
   transaction, replaces the overlapping periods of older releases of the same series and marks the
   dataset complete. Readers only ever see complete datasets, so a half-loaded file is never visible;
   a retried load starts by clearing what an interrupted one left.
3. `dataset_fail` removes anything written and records why.

`dataset_import_file` runs all three in one call, for the command line and the demo data.
"""

import hashlib
import io
import logging
from collections.abc import Callable

import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditAction

from ..importers.result import OBSERVATION_COLUMNS
from ..importers.result import TEXT_COLUMNS as IMPORTED_TEXT_COLUMNS
from ..models import Area, Dataset, DatasetStatus, Observation, Source
from ..vocabulary import GeographicLevel

logger = logging.getLogger(__name__)

# The table's columns in the order COPY writes them.
COPY_COLUMNS = [
    "dataset_id",
    "area_id",
    "year",
    "time_period",
    "measure",
    "primary_need",
    "age_min",
    "age_max",
    "setting",
    "breakdown_topic",
    "breakdown",
    "value",
    "marker",
    "indicator",
]
# Text columns as stored (the area code has become an id by now).
TEXT_COLUMNS = [name for name in IMPORTED_TEXT_COLUMNS if name != "area_code"]
CHUNK_ROWS = 200_000
# Rows turned into CSV text at a time while COPYing.
COPY_SLICE_ROWS = 50_000
# The order rows are loaded in: the profile's index, (area_id, measure, year).
INDEX_ORDER = [("area_id", "ascending"), ("measure", "ascending"), ("year", "ascending")]
# What the needs profile's queries filter on; ANALYZE skips the others (value, indicator, id).
ANALYSED_COLUMNS = [
    "dataset_id",
    "area_id",
    "measure",
    "year",
    "primary_need",
    "age_min",
    "age_max",
    "setting",
    "breakdown_topic",
    "breakdown",
]
PUBLIC_SOURCES = {Source.EES, Source.POPULATION}


class DatasetAlreadyImported(Exception):
    def __init__(self, existing: Dataset):
        self.existing = existing
        when = timezone.localtime(existing.imported_at).strftime("%-d %B %Y at %H:%M")
        super().__init__(f"This file has already been imported, as ‘{existing.title}’ on {when}.")


def file_checksum(file) -> str:
    """SHA-256 of a path or binary file object (left at position 0)."""
    digest = hashlib.sha256()
    if isinstance(file, str | bytes) or hasattr(file, "__fspath__"):
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    file.seek(0)
    for block in iter(lambda: file.read(1 << 20), b""):
        digest.update(block)
    file.seek(0)
    return digest.hexdigest()


def dataset_scope(*, source: str, organisation) -> str:
    """Published statistics are shared by every council; local data belongs to one council."""
    if source in PUBLIC_SOURCES:
        return "public"
    if organisation is None:
        raise ValueError("Local data must belong to a council.")
    return f"org:{organisation.pk}"


def parsed_summary(parsed) -> dict:
    """What a preview shows and a dataset records of a parsed file: plain values, fit for a session."""
    return {
        "source": parsed.source,
        "layout": parsed.layout,
        "series": parsed.series,
        "title": parsed.title,
        "time_identifier": parsed.time_identifier,
        "periods": sorted(int(year) for year in parsed.periods),
        "geographic_levels": list(parsed.geographic_levels),
        "filters": list(parsed.filters),
        "indicators": list(parsed.indicators),
        "row_count": int(parsed.row_count),
        "observation_count": len(parsed.observations),
        "suppressed_count": int(parsed.suppressed_count),
        "area_count": len(parsed.areas),
        "areas_by_level": _areas_by_level(parsed.areas),
        "warnings": list(parsed.warnings),
    }


def _areas_by_level(areas) -> dict[str, int]:
    """How many areas of each level, keyed by the level's name as people read it ("Local authority")."""
    labels = dict(GeographicLevel.choices)
    counts: dict[str, int] = {}
    for area in areas:
        label = str(labels.get(area.level, area.level))
        counts[label] = counts.get(label, 0) + 1
    return counts


def dataset_prepare(
    *, summary: dict, file_name: str, checksum: str, organisation, imported_by, stored_name: str = ""
) -> Dataset:
    """Record a dataset about to be loaded; refuse a file already imported (a failed one may be retried)."""
    scope = dataset_scope(source=summary["source"], organisation=organisation)
    with transaction.atomic():
        existing = (
            Dataset.objects.select_for_update(no_key=True).filter(scope=scope, checksum=checksum).first()
        )
        if existing is not None and existing.status == DatasetStatus.FAILED:
            existing.delete()
        elif existing is not None:
            raise DatasetAlreadyImported(existing)
        dataset = Dataset.objects.create(
            organisation=None if scope == "public" else organisation,
            scope=scope,
            source=summary["source"],
            series=summary["series"][:120],
            title=summary["title"][:200],
            file_name=file_name[:255],
            checksum=checksum,
            time_identifier=summary["time_identifier"][:40],
            periods=summary["periods"],
            geographic_levels=summary["geographic_levels"],
            row_count=summary["row_count"],
            observation_count=summary["observation_count"],
            suppressed_count=summary["suppressed_count"],
            status=DatasetStatus.IMPORTING,
            stored_name=stored_name,
            imported_by=imported_by,
            notes=_note(
                f"Imported from {file_name}: {summary['row_count']:,} rows, "
                f"{summary['observation_count']:,} numbers."
            ),
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=imported_by,
            actor_label="manage.py import_needs",
            target=dataset,
            detail={"file": file_name, "sha256": checksum, "rows": summary["row_count"]},
        )
    return dataset


def dataset_load(*, dataset: Dataset, parsed, progress: Callable[[int], None] | None = None) -> Dataset:
    """Write the observations, then replace older releases' overlapping periods and mark it complete."""
    partitioned = _partitioned()
    if partitioned:
        _partition_create(dataset.pk)  # a fresh table: what an interrupted load left is gone
    else:
        Observation.objects.filter(dataset=dataset).delete()  # what an interrupted load left behind
    area_ids = _upsert_areas(parsed.areas)
    frame = parsed.observations
    total = len(frame)
    # On PostgreSQL the whole file becomes one Arrow table sorted in the index's order (see _arrow_table),
    # COPYed a chunk at a time; elsewhere each chunk is bulk-inserted.
    rows = _arrow_table(dataset.pk, frame, area_ids) if partitioned and total else None
    for start in range(0, max(total, 1), CHUNK_ROWS):
        if rows is not None:
            _copy_into(_partition_name(dataset.pk), rows.slice(start, CHUNK_ROWS))
        elif total:
            _bulk_insert(dataset.pk, frame.iloc[start : start + CHUNK_ROWS], area_ids)
        percent = min(99, round(100 * min(start + CHUNK_ROWS, total) / max(total, 1)))
        Dataset.objects.filter(pk=dataset.pk).update(progress=percent)
        if progress is not None:
            progress(percent)
    if partitioned:
        _partition_index(dataset.pk)
    with transaction.atomic():
        if partitioned:
            _partition_attach(dataset.pk)
        replaced = _replace_older_releases(dataset)
        Dataset.objects.filter(pk=dataset.pk).update(
            status=DatasetStatus.COMPLETE,
            progress=100,
            observation_count=total,
            completed_at=timezone.now(),
            replaces=replaced[0] if replaced else None,
        )
        dataset.refresh_from_db()
        audit_record(
            action=AuditAction.TRANSITION,
            actor=dataset.imported_by,
            actor_label="manage.py import_needs",
            target=dataset,
            detail={"from": DatasetStatus.IMPORTING, "to": DatasetStatus.COMPLETE, "observations": total},
        )
    return dataset


def dataset_fail(*, dataset: Dataset, error: str) -> Dataset:
    """Remove whatever a failed load wrote and say why it failed."""
    with transaction.atomic():
        if _partitioned():
            _partition_drop(dataset.pk)
        Observation.objects.filter(dataset=dataset).delete()
        Dataset.objects.filter(pk=dataset.pk).update(status=DatasetStatus.FAILED, error=error[:5000])
        dataset.refresh_from_db()
        audit_record(
            action=AuditAction.TRANSITION,
            actor=dataset.imported_by,
            actor_label="manage.py import_needs",
            target=dataset,
            detail={"from": DatasetStatus.IMPORTING, "to": DatasetStatus.FAILED, "error": error[:500]},
        )
    return dataset


def dataset_import_file(
    *,
    file,
    file_name: str,
    source: str | None,
    organisation,
    imported_by,
    meta_file=None,
    dry_run: bool = False,
):
    """Parse, check and load a file in one go. Returns the ParsedFile for a dry run, else the Dataset.

    Raises ImportRefused (bad input: nothing written) or DatasetAlreadyImported.
    """
    from ..importers import parse_file

    parsed = parse_file(file, file_name=file_name, source=source, meta_file=meta_file)
    checksum = file_checksum(file)
    if dry_run:
        scope = dataset_scope(source=parsed.source, organisation=organisation)
        existing = Dataset.objects.filter(scope=scope, checksum=checksum).exclude(status=DatasetStatus.FAILED)
        if existing.exists():
            raise DatasetAlreadyImported(existing.first())
        return parsed
    dataset = dataset_prepare(
        summary=parsed_summary(parsed),
        file_name=file_name,
        checksum=checksum,
        organisation=organisation,
        imported_by=imported_by,
    )
    try:
        return dataset_load(dataset=dataset, parsed=parsed)
    except Exception as exc:
        dataset_fail(dataset=dataset, error=f"{type(exc).__name__}: {exc}")
        raise


def _note(text: str) -> str:
    return f"{timezone.localtime():%d %B %Y %H:%M}: {text}"


def _appended(notes: str, text: str) -> str:
    return f"{notes}\n{_note(text)}".strip()


def _upsert_areas(parsed_areas) -> dict[str, int]:
    """Create the areas a file names that the service does not know yet; return code -> id."""
    codes = {area.code for area in parsed_areas}
    known = dict(Area.objects.filter(code__in=codes).values_list("code", "id"))
    missing = [area for area in parsed_areas if area.code not in known]
    if missing:
        Area.objects.bulk_create(
            [
                Area(
                    code=area.code, name=area.name[:200], level=area.level, old_la_code=area.old_la_code or ""
                )
                for area in missing
            ],
            ignore_conflicts=True,
        )
        known = dict(Area.objects.filter(code__in=codes).values_list("code", "id"))
    # Parents: set where the file says and the service did not know yet.
    parents = {area.code: area.parent_code for area in parsed_areas if area.parent_code}
    parent_ids = dict(Area.objects.filter(code__in=set(parents.values())).values_list("code", "id"))
    orphans = Area.objects.filter(code__in=parents, parent__isnull=True)
    for area in orphans:
        parent_id = parent_ids.get(parents[area.code])
        if parent_id and parent_id != area.pk:
            Area.objects.filter(pk=area.pk).update(parent_id=parent_id)
    return known


def _prepared(dataset_id: int, chunk: pd.DataFrame, area_ids: dict[str, int]) -> pd.DataFrame:
    """The rows as a frame in the table's column order (the SQLite path, and the benchmark's plain file)."""
    frame = chunk[OBSERVATION_COLUMNS].copy()
    frame.insert(0, "area_id", _area_ids_for(chunk, area_ids))
    frame.pop("area_code")
    frame.insert(0, "dataset_id", dataset_id)
    for column in ("area_id", "year", "time_period", "age_min", "age_max"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("Float64")
    for column in (
        "measure",
        "primary_need",
        "setting",
        "breakdown_topic",
        "breakdown",
        "marker",
        "indicator",
    ):
        frame[column] = frame[column].fillna("").astype(str)
    return frame[COPY_COLUMNS]


def _bulk_insert(dataset_id: int, chunk: pd.DataFrame, area_ids: dict[str, int]) -> None:
    """Where there is no COPY (SQLite): batched INSERTs through the ORM."""
    frame = _prepared(dataset_id, chunk, area_ids)
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    Observation.objects.bulk_create([Observation(**record) for record in records], batch_size=5000)


def _area_ids_for(chunk: pd.DataFrame, area_ids: dict[str, int]) -> pd.Series:
    """Each row's area id: the few distinct codes are looked up once, not a million times."""
    codes, distinct = pd.factorize(chunk["area_code"])
    lookup = pd.array([area_ids.get(code) for code in distinct], dtype="Int64")
    ids = pd.Series(lookup.take(codes, allow_fill=True), index=chunk.index)
    if ids.isna().any():
        missing = sorted(set(chunk.loc[ids.isna().to_numpy(), "area_code"]))[:5]
        raise ValueError(f"Observations name areas the file did not describe: {', '.join(missing)}")
    return ids


def _arrow_table(dataset_id: int, chunk: pd.DataFrame, area_ids: dict[str, int]):
    """The rows to COPY as an Arrow table, straight from the parsed columns (None and NaN become NULL)."""
    import pyarrow as pa

    columns = {
        "dataset_id": pa.array([dataset_id] * len(chunk), type=pa.int64()),
        "area_id": pa.array(_area_ids_for(chunk, area_ids), type=pa.int64(), from_pandas=True),
    }
    for name in ("year", "time_period", "age_min", "age_max"):
        columns[name] = pa.array(chunk[name], type=pa.int64(), from_pandas=True)
    columns["value"] = pa.array(chunk["value"], type=pa.float64(), from_pandas=True)
    for name in TEXT_COLUMNS:
        columns[name] = pa.array(chunk[name].fillna(""), type=pa.string(), from_pandas=True)
    table = pa.table({name: columns[name] for name in COPY_COLUMNS})
    # Loaded in the order of the profile's index (ids follow, handed out in COPY order), both indexes are
    # built from presorted rows, about twice as fast, and an area's rows sit together on disk.
    return table.sort_by(INDEX_ORDER)


def _copy_into(table: str, rows) -> None:
    """COPY ... FROM STDIN in CSV written by Arrow: an empty string is quoted (""), NULL is left empty.
    Written a slice at a time, so the CSV text in memory stays small whatever the file."""
    import pyarrow.csv as pa_csv

    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    sql = f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN WITH (FORMAT csv)"
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor beneath Django's wrapper
        with raw.copy(sql) as copy:
            for offset in range(0, rows.num_rows, COPY_SLICE_ROWS):
                sink = io.BytesIO()
                pa_csv.write_csv(rows.slice(offset, COPY_SLICE_ROWS), sink, write_options=options)
                copy.write(sink.getbuffer())


# PostgreSQL keeps one partition of needs_observation per dataset (migration 0002).


def _partitioned() -> bool:
    return connection.vendor == "postgresql"


def _partition_name(dataset_id: int) -> str:
    return f"needs_observation_d{int(dataset_id)}"


def _partition_create(dataset_id: int) -> None:
    """A fresh, unindexed table shaped like needs_observation, not yet attached: readers cannot see it."""
    name, pk = _partition_name(dataset_id), int(dataset_id)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TABLE {name} (LIKE needs_observation INCLUDING DEFAULTS)")
        # Added while empty, the check costs nothing; COPY checks each row, and attaching skips a scan.
        cursor.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_dataset CHECK (dataset_id = {pk})")


def _partition_index(dataset_id: int) -> None:
    """Build the indexes in bulk once the rows are in, defined as the parent's are so that attaching
    adopts them rather than building them again."""
    name = _partition_name(dataset_id)
    with transaction.atomic(), connection.cursor() as cursor:
        # Room to sort a million keys in memory, for these builds only.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(f"ALTER TABLE {name} ADD PRIMARY KEY (id, dataset_id)")
        cursor.execute(f"CREATE INDEX {name}_area ON {name} (area_id, measure, year)")
        # The planner knows the new rows from the first query: the columns the profile filters on.
        cursor.execute(f"ANALYZE {name} ({', '.join(ANALYSED_COLUMNS)})")


def _partition_attach(dataset_id: int) -> None:
    name, pk = _partition_name(dataset_id), int(dataset_id)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE needs_observation ATTACH PARTITION {name} FOR VALUES IN ({pk})")


def _partition_drop(dataset_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_partition_name(dataset_id)}")


def _replace_older_releases(dataset: Dataset) -> list[Dataset]:
    """Newer release of the same series in the same scope: older datasets lose the periods it covers."""
    years = set(dataset.periods)
    older = (
        Dataset.objects.select_for_update(no_key=True)
        .filter(scope=dataset.scope, series=dataset.series, status=DatasetStatus.COMPLETE)
        .exclude(pk=dataset.pk)
        .order_by("-imported_at")
    )
    replaced = []
    for previous in older:
        overlap = sorted(years.intersection(previous.periods))
        if not overlap:
            continue
        removed, _ = Observation.objects.filter(dataset=previous, year__in=overlap).delete()
        remaining = sorted(set(previous.periods) - set(overlap))
        labels = ", ".join(str(year) for year in overlap)
        Dataset.objects.filter(pk=previous.pk).update(
            periods=remaining,
            observation_count=max(0, previous.observation_count - removed),
            notes=_appended(previous.notes, f"{labels} replaced by the newer release ‘{dataset.title}’."),
        )
        Dataset.objects.filter(pk=dataset.pk).update(
            notes=_appended(dataset.notes, f"Replaced {labels} of the older release ‘{previous.title}’.")
        )
        dataset.refresh_from_db()
        audit_record(
            action=AuditAction.UPDATE,
            actor=dataset.imported_by,
            actor_label="manage.py import_needs",
            target=previous,
            detail={"replaced_years": overlap, "by_dataset": dataset.pk, "observations_removed": removed},
        )
        replaced.append(previous)
    return replaced
