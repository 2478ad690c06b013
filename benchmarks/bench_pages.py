"""Where a page's time goes, with the big data set: each main page once per role, in one process.

    DATABASE_URL=postgres://.../bench_load python benchmarks/bench_pages.py [--fixture F] [--explain 200]

Prints, per page, the server time (Django test client, after a warm-up), the number of queries and the
slowest query; with --explain N, the EXPLAIN ANALYZE of every query slower than N ms. Use it to find the
cause when the load benchmark shows a page over its target (it is not part of `make bench`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def pages(fixture: dict) -> list[tuple[str, str, str]]:
    """(role, page name, path) for the pages the locust file visits."""
    commissioner = fixture["commissioners"][0]
    provider = fixture["providers"][0]
    approver = fixture["approvers"][0]
    forum = fixture["forum"][0]
    system = fixture["systems"][-1]
    first = lambda login, kind: (login["ids"].get(kind) or [None])[0]  # noqa: E731
    listed = [
        ("commissioners", "home", "/"),
        ("commissioners", "needs profile", "/needs/"),
        ("commissioners", "needs gaps", "/needs/gaps/"),
        ("commissioners", "contracts list", "/contracts/"),
        ("commissioners", "contract detail", f"/contracts/{first(commissioner, 'contracts')}/"),
        ("commissioners", "placement agreements list", "/procurement/fps/agreements/"),
        (
            "commissioners",
            "placement agreement detail",
            f"/procurement/fps/agreements/{first(commissioner, 'ipas')}/",
        ),
        ("commissioners", "referrals list", "/procurement/fps/referrals/"),
        (
            "commissioners",
            "referral detail",
            f"/procurement/fps/referrals/{first(commissioner, 'referrals')}/",
        ),
        ("commissioners", "provider packs list", "/procurement/providers/"),
        ("commissioners", "tenders list", "/procurement/tenders/"),
        (
            "commissioners",
            "purchasing system list search",
            f"/procurement/fps/{system}/list/?need=ASD&area=North",
        ),
        ("commissioners", "QA visits list", "/contracts/qa/visits/"),
        ("commissioners", "business cases list", "/commissioning/business-cases/"),
        ("approvers", "home", "/"),
        ("approvers", "approval queue", "/commissioning/business-cases/waiting/"),
        ("approvers", "business case detail", f"/commissioning/business-cases/{first(approver, 'cases')}/"),
        ("forum", "home", "/"),
        ("forum", "consultations list", "/coproduction/"),
        ("forum", "consultation detail", f"/coproduction/{first(forum, 'consultations')}/"),
        ("providers", "home", "/"),
        ("providers", "tenders list", "/procurement/tenders/"),
        ("providers", "tender detail", f"/procurement/tenders/{first(provider, 'tenders')}/"),
        ("providers", "bids list", "/procurement/bids/"),
        ("providers", "referrals received list", "/procurement/fps/received/"),
        ("providers", "placement agreements list", "/procurement/fps/agreements/"),
        (
            "providers",
            "placement agreement detail",
            f"/procurement/fps/agreements/{first(provider, 'ipas')}/",
        ),
        ("providers", "contracts list", "/contracts/"),
        ("providers", "own compliance pack", "/procurement/compliance-pack/"),
        ("providers", "own purchasing system places", "/procurement/fps/places/"),
    ]
    logins = {"commissioners": commissioner, "providers": provider, "approvers": approver, "forum": forum}
    return [(logins[role]["email"], name, path) for role, name, path in listed if "None" not in path]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixture", required=True, help="the fixture bench_data.py wrote")
    parser.add_argument("--explain", type=float, default=0, help="EXPLAIN ANALYZE queries slower than N ms")
    parser.add_argument("--only", default="", help="only pages whose name contains this")
    options = parser.parse_args()

    import django

    django.setup()
    from bench_client import sign_in
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    fixture = json.loads(Path(options.fixture).read_text())
    clients = {}
    for email, name, path in pages(fixture):
        if options.only and options.only not in name:
            continue
        if email not in clients:
            client = Client(HTTP_HOST="localhost")
            user = User.objects.get(email=email)
            sign_in(client, user)
            clients[email] = client
        client = clients[email]
        client.get(path)  # warm-up
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        slowest = max(
            queries.captured_queries, key=lambda q: float(q["time"]), default={"time": 0, "sql": ""}
        )
        print(
            f"{elapsed:7.0f} ms {len(queries):4d} q  {response.status_code}  {email.split('@')[0][:12]:12s} {name}"
            f"  (slowest {float(slowest['time']) * 1000:.0f} ms)"
        )
        if options.explain:
            for query in queries.captured_queries:
                if float(query["time"]) * 1000 >= options.explain:
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                        plan = "\n".join(row[0] for row in cursor.fetchall())
                    print(f"    {float(query['time']) * 1000:.0f} ms: {query['sql'][:400]}\n{plan}\n")


if __name__ == "__main__":
    main()
