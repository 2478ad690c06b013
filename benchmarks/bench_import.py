"""Benchmark: importing 1,000,000 needs observations into PostgreSQL, against `psql \\copy`.

    DATABASE_URL=postgres://... python benchmarks/bench_import.py [--cells 1000000] [--runs 3]

1. Writes an EES-format tidy CSV (time and geography columns, a breakdown filter, 25 indicators) that
   holds about 1,000,000 observation cells.
2. Imports it with the service's own importer (parse, check, COPY into the indexed observation table),
   `--runs` times on a clean table; the median counts.
3. Writes the same observations, one per row, as the CSV the importer produces, and loads that with
   `psql \\copy` into a bare table with the same columns and no indexes, `--runs` times.
4. Appends the medians and their ratio to benchmarks/results-import.md (target: import <= 3x \\copy).
"""

import argparse
import csv
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")  # as in production: no query logging, no debug pages

NEEDS = ["asd", "hi", "mld", "msi", "oth", "pd", "pmld", "semh", "slcn", "sld", "spld", "vi"]
INDICATORS = ["ehc_plans", *[f"number_{need}" for need in NEEDS], *[f"{need}_pc" for need in NEEDS]]  # 25
REGIONS = [f"E120000{n:02d}" for n in range(1, 10)]


def write_ees_file(path: Path, cells: int) -> int:
    """An EES tidy file with about `cells` indicator cells; returns the number of data rows."""
    rows_wanted = cells // len(INDICATORS)
    ages = ["All EHC plans"] + [f"age {age}" for age in range(0, 26)]
    years = list(range(2010, 2025))
    per_la = len(ages) * len(years)
    la_count = max(1, rows_wanted // per_la)
    header = [
        "time_period",
        "time_identifier",
        "geographic_level",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "new_la_code",
        "old_la_code",
        "la_name",
        "breakdown_topic",
        "breakdown",
        *INDICATORS,
    ]
    written = 0
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for la in range(la_count):
            code = f"E06{la + 1:06d}"
            region = REGIONS[la % len(REGIONS)]
            for year in years:
                period = f"{year}{(year + 1) % 100:02d}"
                for age in ages:
                    topic = "All EHC plans" if age == "All EHC plans" else "Child or young persons age"
                    base = 1000 + (la * 7 + year * 3 + len(age)) % 900
                    counts = [base, *[(base * (i + 3)) // 40 for i in range(len(NEEDS))]]
                    shares = [round(100 * c / base, 1) for c in counts[1:]]
                    values = [*counts, *shares]
                    if (la + year) % 17 == 0:
                        values[3] = "c"  # a suppressed cell now and then
                    writer.writerow(
                        [
                            period,
                            "Academic year",
                            "Local authority",
                            "E92000001",
                            "England",
                            region,
                            f"Region {region[-1]}",
                            code,
                            f"{(la % 900) + 100}",
                            f"Authority {la + 1}",
                            topic,
                            age,
                            *values,
                        ]
                    )
                    written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--results", default=str(ROOT / "benchmarks" / "results-import.md"))
    options = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database: this benchmark measures COPY.")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from needs.importers import parse_file
    from needs.models import Dataset, Observation
    from needs.services.imports import COPY_COLUMNS, _partition_drop, _prepared, dataset_import_file

    call_command("migrate", verbosity=0)
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    source = workdir / "bench_ehc_plans.csv"
    rows = write_ees_file(source, options.cells)
    print(f"Wrote {source} ({source.stat().st_size / 1e6:.1f} MB, {rows:,} rows)")

    import_times, observations = [], 0
    for run in range(options.runs):
        # Remove the previous run's file as the service would: drop its partition (no dead rows left
        # for autovacuum to clean up during the next timed run).
        for dataset_id in Dataset.objects.values_list("pk", flat=True):
            _partition_drop(dataset_id)
        Observation.objects.all().delete()
        Dataset.objects.all().delete()
        started = time.perf_counter()
        dataset = dataset_import_file(
            file=source, file_name=source.name, source="ees", organisation=None, imported_by=None
        )
        import_times.append(time.perf_counter() - started)
        observations = dataset.observation_count
        print(f"  import run {run + 1}: {import_times[-1]:.2f} s, {observations:,} observations")

    # The same observations as plain rows, loaded by psql's \copy into a bare table.
    parsed = parse_file(source, file_name=source.name, source="ees")
    area_ids = {area.code: n for n, area in enumerate(parsed.areas, start=1)}
    plain = workdir / "observations.csv"
    _prepared(1, parsed.observations, area_ids).to_csv(plain, index=False, header=False, na_rep="")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_observation")
        cursor.execute(
            "CREATE TABLE bench_bare_observation (dataset_id int, area_id int, year smallint, time_period int, "
            "measure varchar(64), primary_need varchar(8), age_min smallint, age_max smallint, "
            "setting varchar(160), breakdown_topic varchar(80), breakdown varchar(160), value double precision, "
            "marker varchar(4), indicator varchar(64))"
        )
    settings = connection.settings_dict
    psql = [
        "psql",
        "-X",
        "-q",
        "-h",
        settings["HOST"] or "127.0.0.1",
        "-p",
        str(settings["PORT"] or 5432),
        "-U",
        settings["USER"] or "postgres",
        "-d",
        settings["NAME"],
    ]
    copy_times = []
    for run in range(options.runs):
        subprocess.run([*psql, "-c", "TRUNCATE bench_bare_observation"], check=True)
        started = time.perf_counter()
        subprocess.run(
            [*psql, "-c", f"\\copy bench_bare_observation ({', '.join(COPY_COLUMNS)}) FROM '{plain}' CSV"],
            check=True,
        )
        copy_times.append(time.perf_counter() - started)
        print(f"  \\copy run {run + 1}: {copy_times[-1]:.2f} s")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare_observation")

    profile_times, profile_queries = time_profile_page(observations)

    import_median, copy_median = statistics.median(import_times), statistics.median(copy_times)
    ratio = import_median / copy_median
    verdict = "meets" if ratio <= 3 else "misses"
    lines = [
        f"## Import of {observations:,} observations ({time.strftime('%Y-%m-%d %H:%M')})",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}, PostgreSQL {connection.cursor().connection.info.server_version}.",
        f"File: {rows:,} rows x {len(INDICATORS)} indicators, {source.stat().st_size / 1e6:.1f} MB EES CSV.",
        "",
        "| what | median of runs (s) | runs (s) |",
        "|---|---|---|",
        f"| import_needs: parse, check, COPY into the indexed table | {import_median:.2f} | "
        f"{', '.join(f'{t:.2f}' for t in import_times)} |",
        f"| psql \\copy of the same {observations:,} rows into a bare table | {copy_median:.2f} | "
        f"{', '.join(f'{t:.2f}' for t in copy_times)} |",
        "",
        f"Ratio: **{ratio:.2f}x** \\copy ({verdict} the target of 3x).",
        "",
        f"Needs profile page for one authority with these {observations:,} rows loaded (Django test client, "
        f"{len(profile_times)} requests after one warm-up): median {statistics.median(profile_times) * 1000:.0f} ms, "
        f"95th percentile {percentile(profile_times, 95) * 1000:.0f} ms, {profile_queries} queries per request "
        "(the same as with ten rows: the query count does not grow with rows).",
        "",
    ]
    with open(options.results, "a") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def time_profile_page(observations: int, requests: int = 30) -> tuple[list[float], int]:
    """GET /needs/ for a commissioner of one generated authority; returns the timings and query count."""
    from bench_client import sign_in
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Organisation, Role, User
    from accounts.services import organisation_create, user_create

    council = Organisation.objects.filter(slug="bench-council").first() or organisation_create(
        name="Bench Council", slug="bench-council", kind="local_authority", ons_code="E06000001"
    )
    person = User.objects.filter(email="bench@council.test").first() or user_create(
        email="bench@council.test",
        full_name="Bench",
        organisation=council,
        roles=[Role.COMMISSIONER],
        password=None,
    )
    client = Client(HTTP_HOST="localhost")
    sign_in(client, person)
    response = client.get("/needs/")  # warm-up
    assert response.status_code == 200, f"/needs/ answered {response.status_code}"
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get("/needs/")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/needs/")
    print(f"  profile page: median {statistics.median(times) * 1000:.0f} ms, {len(queries)} queries")
    return times, len(queries)


if __name__ == "__main__":
    main()
