"""The load benchmark: a large data set on PostgreSQL, gunicorn with 4 workers, locust, then a bid spike.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python benchmarks/bench_load.py \\
        [--users 50] [--duration 120] [--skip-spike] [--rebuild]

1. The data set lives in its own database, `<name>_load` beside BENCH_DATABASE_URL's (`bench_load` by
   default). It is built by bench_data.py and kept: a rerun whose version marker matches reuses it
   (a few seconds); any other database of that name is dropped and built again (about 3–5 minutes).
2. gunicorn serves config.settings.production (4 sync workers) with static files collected into a
   temporary folder and served by whitenoise, uploads into another temporary folder.
3. locust runs headless (50 users, think time 1–3 s, 120 s) over the main pages of each role.
4. bench_spike.py sends 50 bids with a 5 MB document each within a minute and checks them in the database.
5. The figures and their targets go into the "load" section of benchmarks/results.md.

gunicorn is stopped at the end, whatever happens (its whole process group), and the temporary folders
removed.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable

from bench_data import marker  # noqa: E402
from bench_http import https_url  # noqa: E402
from results import replace_section  # noqa: E402

PAGE_TARGET_MS = 150
SPIKE_TARGET_MS = 1000


def log(message: str) -> None:
    print(f"[bench load {time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_database_url(base: str) -> tuple[str, str, str]:
    """(url of the load database, its name, url of the maintenance database `postgres`)."""
    parts = urlsplit(base)
    name = (parts.path.lstrip("/") or "bench") + "_load"
    return (
        urlunsplit(parts._replace(path=f"/{name}")),
        name,
        urlunsplit(parts._replace(path="/postgres")),
    )


def psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", "-X", "-q", "-t", "-A", url, "-c", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def prepare_database(url: str, name: str, admin_url: str, *, rebuild: bool) -> None:
    exists = psql(admin_url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"
    current = ""
    if exists:
        current = psql(
            url,
            "SELECT CASE WHEN to_regclass('bench_build_marker') IS NULL THEN '' "
            "ELSE (SELECT value FROM bench_build_marker LIMIT 1) END",
        )
    if exists and current == marker() and not rebuild:
        log(f"database {name} holds data set {current}: reusing it")
        return
    if exists:
        log(f"database {name} holds {current or 'no finished build'}: dropping it")
        psql(admin_url, f'DROP DATABASE "{name}" WITH (FORCE)')
    psql(admin_url, f'CREATE DATABASE "{name}"')
    log(f"database {name} created")


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            # As the TLS-terminating proxy in front would: production settings redirect plain HTTP.
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except OSError as error:
            last = str(error)
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer 200 within {seconds:.0f} s ({last})")


def read_locust_stats(path: Path) -> list[dict]:
    with path.open() as handle:
        return list(csv.DictReader(handle))


def machine() -> str:
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    match = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
    ram = f"{int(match.group(1)) / 1024 / 1024:.0f} GB RAM" if match else "RAM unknown"
    return f"{os.cpu_count()} cores, {ram}, {platform.machine()}, Python {platform.python_version()}"


def cpu_speed_ms() -> float:
    """How long one core takes for a fixed task (PBKDF2-SHA256, 200,000 iterations), median of 5.

    This machine is a virtual one whose host is shared: the same run was seen to take twice as long one
    hour as the next. A slower figure here says the host was busier, so compare runs with it in mind.
    """
    times = []
    for _ in range(5):
        started = time.perf_counter()
        hashlib.pbkdf2_hmac("sha256", b"benchmark", b"calibration", 200_000)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def load_average() -> str:
    try:
        return ", ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


ACCESS_LINE = re.compile(
    r'^\[(?P<at>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) (?P<us>\d+)$'
)


def server_times(access_log: Path, start: float, end: float) -> list[float]:
    """Milliseconds inside gunicorn of the pages answered between start and end (not signing in, files)."""
    times = []
    if not access_log.exists():
        return times
    for line in access_log.read_text().splitlines():
        match = ACCESS_LINE.match(line)
        if not match or match["path"].startswith(("/accounts/", "/static/", "/healthz")):
            continue
        at = datetime.datetime.strptime(match["at"], "%d/%b/%Y:%H:%M:%S %z").timestamp()
        if start <= at <= end:
            times.append(int(match["us"]) / 1000)
    return times


def server_line(times: list[float]) -> list[str]:
    if not times:
        return []
    return [
        f"Inside gunicorn (its access log), the same {len(times):,} page requests took p50 "
        f"{percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms and p99 {percentile(times, 99):.0f} "
        "ms: the rest of each figure above is the time a request waited for a free worker or for the CPU.",
        "",
    ]


def steady_section(stats: list[dict], failures: list[dict], sign_in: dict, options) -> tuple[list[str], bool]:
    lines = [
        "| page | requests | errors | p50 (ms) | p95 (ms) | p99 (ms) | req/s | p95 ≤ 150 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    met = True
    total = None
    for row in stats:
        if row["Name"] == "Aggregated":
            total = row
            continue
        if row["Request Count"] == "0":  # the sign-in steps, measured apart before the reset
            continue
        p95 = float(row["95%"] or 0)
        ok = p95 <= PAGE_TARGET_MS
        met = met and ok
        verdict = "met" if ok else "**not met**"
        lines.append(
            f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | "
            f"{row['95%']} | {row['99%']} | {float(row['Requests/s']):.2f} | {verdict} |"
        )
    errors = int(total["Failure Count"]) if total else 0
    if total:
        lines.append(
            f"| **all requests** | {total['Request Count']} | {errors} | {total['50%']} | {total['95%']} | "
            f"{total['99%']} | **{float(total['Requests/s']):.2f}** | |"
        )
    lines.append("")
    if failures:
        lines.append("Errors:")
        lines.extend(f"- {f['Method']} {f['Name']}: {f['Error']} ({f['Occurrences']}×)" for f in failures)
        lines.append("")
    met = met and errors == 0 and bool(sign_in) and not sign_in.get("failures")
    return lines, met


def sign_in_section(sign_in: dict, users: int, spawn_rate: float) -> list[str]:
    if not sign_in:
        return ["The sign-in phase did not finish: no steady load was measured.", ""]
    lines = [
        f"Before the steady load, all {users} people signed in ({spawn_rate:g} starting a second), "
        f"{sign_in['seconds']:.0f} s in all; these figures are not part of the "
        "steady load's. Checking a password is slow on purpose (PBKDF2, 1,000,000 iterations).",
        "",
        "| sign-in step | requests | errors | p50 (ms) | p95 (ms) | p99 (ms) |",
        "|---|---|---|---|---|---|",
    ]
    for step in sign_in["steps"]:
        lines.append(
            f"| {step['method']} {step['name']} | {step['requests']} | {step['errors']} | {step['p50']:.0f} | "
            f"{step['p95']:.0f} | {step['p99']:.0f} |"
        )
    if sign_in.get("failures"):
        lines.append("")
        lines.append(f"Sign-ins that failed: {', '.join(sign_in['failures'])}")
    lines.append("")
    return lines


def spike_section(spike: dict) -> tuple[list[str], bool]:
    by_step: dict[str, list[float]] = {}
    for name, seconds, _status in spike["timings"]:
        by_step.setdefault(name, []).append(seconds * 1000)
    all_ms = [seconds * 1000 for _name, seconds, _status in spike["timings"]]
    lines = [
        "| step | requests | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |",
        "|---|---|---|---|---|---|",
    ]
    for name, values in by_step.items():
        lines.append(
            f"| {name} | {len(values)} | {statistics.median(values):.0f} | {percentile(values, 95):.0f} | "
            f"{percentile(values, 99):.0f} | {max(values):.0f} |"
        )
    p95 = percentile(all_ms, 95)
    lines.append(
        f"| **all steps** | {len(all_ms)} | {statistics.median(all_ms) if all_ms else 0:.0f} | {p95:.0f} | "
        f"{percentile(all_ms, 99):.0f} | {max(all_ms) if all_ms else 0:.0f} |"
    )
    checks = spike["checks"]
    errors = spike["errors"] + [f"sign-in failed: {email}" for email in spike["sign_in_failures"]]
    received = checks["submitted"] == spike["bidders"] and checks["with_receipt"] == spike["bidders"]
    hashed = checks["hashed"] == spike["bidders"] and not checks["hash_mismatches"]
    met = not errors and received and hashed and p95 <= SPIKE_TARGET_MS
    lines += [
        "",
        f"{spike['bidders']} providers, each a bid with a {spike['document_bytes'] / 1024 / 1024:.0f} MB PDF, "
        f"starting at random within {spike['spread']:.0f} s; all done in {spike['elapsed']:.0f} s "
        f"({len(all_ms) / spike['elapsed']:.1f} requests/s). In the database afterwards: "
        f"**{checks['submitted']} of {spike['bidders']} bids submitted**, {checks['with_receipt']} with a "
        f"receipt, **{checks['hashed']} documents whose stored SHA-256 is the hash of the bytes sent**"
        + (f" (mismatched: {', '.join(checks['hash_mismatches'])})" if checks["hash_mismatches"] else "")
        + f"; errors: **{len(errors)}**.",
        "",
    ]
    if errors:
        lines += ["Errors:", *(f"- {error}" for error in errors[:20]), ""]
    return lines, met


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", type=int, default=120, help="seconds of steady load")
    parser.add_argument("--bidders", type=int, default=50)
    parser.add_argument("--port", type=int, default=8701)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--skip-spike", action="store_true")
    parser.add_argument("--rebuild", action="store_true", help="drop and build the data set again")
    parser.add_argument("--data-only", action="store_true", help="build (or check) the data set and stop")
    parser.add_argument("--results", default=str(ROOT / "benchmarks" / "results.md"))
    parser.add_argument("--note", default="", help="conditions of the run, written into the results")
    options = parser.parse_args()

    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
    database_url, name, admin_url = load_database_url(base)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    fixture = workdir / "fixture.json"
    host = f"http://127.0.0.1:{options.port}"
    gunicorn = None
    started_at = datetime.datetime.now(datetime.UTC)
    load_before = load_average()
    speed_before = cpu_speed_ms()

    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    try:
        prepare_database(database_url, name, admin_url, rebuild=options.rebuild)
        build_started = time.perf_counter()
        subprocess.run(
            [PYTHON, str(ROOT / "benchmarks" / "bench_data.py"), "--fixture", str(fixture)],
            check=True,
            env={**os.environ, "DATABASE_URL": database_url},
        )
        build_seconds = time.perf_counter() - build_started
        if options.data_only:
            log(f"data set ready in {name} ({build_seconds:.0f} s)")
            return
        data = json.loads(fixture.read_text())

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "DJANGO_DEBUG": "false",
        }
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], check=True, cwd=ROOT, env=env
        )
        log(
            f"static files collected into {workdir / 'static'}; starting gunicorn ({options.workers} workers)"
        )
        gunicorn_log = (workdir / "gunicorn.log").open("w")
        gunicorn = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                str(options.workers),
                "--bind",
                f"127.0.0.1:{options.port}",
                "--timeout",
                "120",
                "--error-logfile",
                "-",
                # Each request's time inside gunicorn, in microseconds: the server's share of what the
                # clients measured (the rest is waiting for a worker or for the CPU).
                "--access-logfile",
                str(workdir / "access.log"),
                "--access-logformat",
                '%(t)s "%(r)s" %(s)s %(D)s',
            ],
            cwd=ROOT,
            env=env,
            stdout=gunicorn_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one below
        )
        wait_for(f"{host}/healthz", 300)  # each worker loads Django: slow on a busy machine
        for _ in range(2 * options.workers):  # every worker loads the application once before timing
            wait_for(f"{host}/accounts/login/", 120)
        log(f"gunicorn answering at {host}; locust: {options.users} users for {options.duration} s")

        sign_in_report = workdir / "sign-in.json"
        load_during = load_average()
        locust_started = time.time()
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
                "--users",
                str(options.users),
                "--spawn-rate",
                str(options.spawn_rate),
                "--run-time",  # a safety net: the locust file stops the run after the steady load
                f"{options.duration + 900}s",
                "--host",
                https_url(host),  # plain HTTP underneath: see bench_http.py
                "--csv",
                str(workdir / "steady"),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            check=True,
            cwd=ROOT,
            env={
                **env,
                "BENCH_FIXTURE": str(fixture),
                "BENCH_SIGNIN_REPORT": str(sign_in_report),
                "BENCH_USERS": str(options.users),
                "BENCH_DURATION": str(options.duration),
            },
        )
        locust_ended = time.time()
        stats = read_locust_stats(workdir / "steady_stats.csv")
        failures = read_locust_stats(workdir / "steady_failures.csv")
        sign_in = json.loads(sign_in_report.read_text()) if sign_in_report.exists() else {}
        # The steady load's window, to the second of gunicorn's log: after everyone signed in.
        steady_started = locust_started + sign_in.get("seconds", 0) + 1
        steady_server = server_times(workdir / "access.log", steady_started, locust_ended)

        spike = None
        if not options.skip_spike:
            log(f"spike: {options.bidders} bids with a 5 MB document each")
            spike_out = workdir / "spike.json"
            subprocess.run(
                [
                    PYTHON,
                    str(ROOT / "benchmarks" / "bench_spike.py"),
                    "--host",
                    host,
                    "--fixture",
                    str(fixture),
                    "--out",
                    str(spike_out),
                    "--bidders",
                    str(options.bidders),
                ],
                check=True,
                cwd=ROOT,
                env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": database_url},
            )
            spike = json.loads(spike_out.read_text())

        server_errors = [
            line.strip()
            for line in (workdir / "gunicorn.log").read_text().splitlines()
            if "Traceback" in line or "[ERROR]" in line or "WORKER TIMEOUT" in line
        ]
        pg_version = psql(database_url, "SHOW server_version")
        sizes = data["sizes"]
        steady_lines, steady_met = steady_section(stats, failures, sign_in, options)
        lines = [
            f"## Load ({started_at:%Y-%m-%d %H:%M} UTC)",
            "",
            f"Machine: {machine()}, PostgreSQL {pg_version}, Redis broker; load average before the run "
            f"{load_before}, as locust started {load_during}. gunicorn {options.workers} sync workers, "
            "config.settings.production (DEBUG off, whitenoise for static files), on the same machine as "
            "PostgreSQL, Redis and locust." + (f" {options.note}" if options.note else "") + " A fixed "
            f"task for one core (PBKDF2-SHA256, 200,000 iterations) took {speed_before:.0f} ms before the "
            "run: the host is shared, and a higher figure means a slower machine that hour.",
            "",
            f"Data set (`{name}`, marker `{data['marker']}`, built or checked in {build_seconds:.0f} s): "
            f"{sizes['authorities']} authorities, {sizes['providers']:,} providers, {sizes['users']:,} users, "
            f"{sizes['placements']:,} placement agreements from {sizes['referrals']:,} referrals, "
            f"{sizes['contracts']:,} contracts, {sizes['observations']:,} needs observations, and the demo "
            "data of every stage.",
            "",
            f"Sign-in: {'password, then the TOTP code from the device key (django-otp)' if data['otp'] else 'password only (two-factor sign-in not installed)'}"
            " for council staff; providers and forum members with their password.",
            "",
            f"### Steady load: {options.users} users, think time 1–3 s, {options.duration} s",
            "",
            *sign_in_section(sign_in, options.users, options.spawn_rate),
            *steady_lines,
            *server_line(steady_server),
        ]
        verdicts = [
            f"Steady load, p95 ≤ {PAGE_TARGET_MS} ms on every page and 0 errors: **{'met' if steady_met else 'not met'}**"
        ]
        if spike is not None:
            spike_lines, spike_met = spike_section(spike)
            lines += [f"### Submission-deadline spike: {spike['bidders']} bids in a minute", "", *spike_lines]
            verdicts.append(
                f"Spike, 0 errors, every bid received and hashed, p95 ≤ {SPIKE_TARGET_MS} ms: "
                f"**{'met' if spike_met else 'not met'}**"
            )
        if server_errors:
            lines += ["Server log errors:", *(f"- `{line[:200]}`" for line in server_errors[:20]), ""]
        lines += ["### Targets", "", *(f"- {v}" for v in verdicts), ""]
        replace_section(Path(options.results), "load", "\n".join(lines))
        print("\n".join(lines))
        log(f"results written to {options.results}")
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            try:
                os.killpg(gunicorn.pid, signal.SIGTERM)
                gunicorn.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(gunicorn.pid, signal.SIGKILL)
            log("gunicorn stopped")
        if os.environ.get("BENCH_KEEP_WORKDIR"):
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
