"""Steady load: the main pages of each role, as people use them (think time 1–3 s).

    BENCH_FIXTURE=/tmp/bench-load-fixture.json locust -f benchmarks/locustfile.py --host http://127.0.0.1:8701

Each simulated person signs in with their own login as a person would: the sign-in form (password), then
the six-digit code from their authenticator app when the service asks for one (computed from the device
key the data build wrote). Requests carry `X-Forwarded-Proto: https`, as the TLS-terminating proxy in
front of production would, and the cookie jar sends the Secure cookies over that hop.

Requests are named by page (ids replaced by [id]) so results are per page, not per URL.

Signing in comes first and apart: every person signs in, then waits until all BENCH_USERS have; then the
statistics are reset and the steady load runs for BENCH_DURATION seconds, after which locust stops. (50
password checks at once, each slow on purpose, would otherwise stand for the steady load's first
seconds.) Each person then thinks before their first page, as between pages. The sign-in figures are
written to BENCH_SIGNIN_REPORT before the reset.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
from pathlib import Path

import gevent
import gevent.event
from bench_http import csrf_token, post_headers, through_proxy_hop
from locust import HttpUser, between, task

FIXTURE = json.loads(Path(os.environ["BENCH_FIXTURE"]).read_text())
# Field names the second sign-in step may use for the authenticator code.
OTP_FIELDS = ("otp_token", "token", "code", "otp", "verification_code")
OTP_FIELD_RE = re.compile(r'name="(' + "|".join(OTP_FIELDS) + r')"')
# Which record to open and which filter to search by: chance, not secrets.
CHOOSE = random.Random().choice  # noqa: S311

_pools = {
    role: itertools.cycle(FIXTURE[role]) for role in ("commissioners", "approvers", "forum", "providers")
}
_lock = threading.Lock()
SIGN_IN_FAILURES: list[str] = []
USERS = int(os.environ.get("BENCH_USERS", "0"))
DURATION = float(os.environ.get("BENCH_DURATION", "0"))
EVERYONE_SIGNED_IN = gevent.event.Event()
_signed_in = {"count": 0, "started": time.time()}


def totp(key_hex: str) -> str:
    """The code an authenticator app shows now for this key (RFC 6238, 30 s steps, 6 digits)."""
    from django_otp.oath import totp as oath_totp

    return f"{oath_totp(bytes.fromhex(key_hex), step=30, t0=0, digits=6):06d}"


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    pool = ""

    def on_start(self):
        through_proxy_hop(self.client, self.host)
        with _lock:
            self.login = next(_pools[self.pool])
        self.ids = self.login.get("ids", {})
        try:
            self.sign_in()
        except Exception as error:  # counted, and the steady load still starts for the others
            SIGN_IN_FAILURES.append(f"{self.login['email']}: {error}")
        with _lock:
            _signed_in["count"] += 1
            last = _signed_in["count"] == USERS
        if last:
            _start_steady_load(self.environment)
        if USERS:
            EVERYONE_SIGNED_IN.wait()
            # Then a first think time, as after any page: without it all the people would ask for their
            # first page in the same instant, a queue no real morning makes, measured as the load's own.
            gevent.sleep(self.wait_time())

    def post_form(self, path: str, data: dict, name: str, html: str):
        """POST a form as the browser would and follow its redirect as a separately timed page."""
        data = {"csrfmiddlewaretoken": csrf_token(html), **data}
        response = self.client.post(
            path, data=data, name=name, headers=post_headers(self.host, path), allow_redirects=False
        )
        location = response.headers.get("Location", "")
        if response.status_code in (301, 302, 303) and location:
            location = "/" + location.split("://", 1)[-1].split("/", 1)[-1] if "://" in location else location
            next_name = "sign in: code form" if "two-factor" in location else f"{name}: next page"
            response = self.client.get(location, name=next_name)
        return response

    def sign_in(self):
        page = self.client.get("/accounts/login/", name="sign in: form")
        response = self.post_form(
            "/accounts/login/",
            {"username": self.login["email"], "password": self.login["password"]},
            "sign in: password",
            page.text,
        )
        field = OTP_FIELD_RE.search(response.text or "")
        if field and self.login.get("totp_key"):
            # The code page posts to itself.
            path = "/" + response.url.split("://", 1)[-1].split("/", 1)[-1]
            response = self.post_form(
                path, {field.group(1): totp(self.login["totp_key"])}, "sign in", response.text
            )
        if "/accounts/login" in response.url or OTP_FIELD_RE.search(response.text or ""):
            SIGN_IN_FAILURES.append(self.login["email"])

    def page(self, path: str, name: str | None = None):
        """GET a page; being sent to the sign-in page instead counts as an error."""
        with self.client.get(path, name=name or path, catch_response=True) as response:
            if response.ok and "/accounts/login" in response.url:
                response.failure("sent to the sign-in page")
            return response

    def some(self, kind: str):
        values = self.ids.get(kind) or []
        return CHOOSE(values) if values else None


class Commissioner(Person):
    weight = 20
    pool = "commissioners"

    @task(3)
    def home(self):
        self.page("/", "home")

    @task(2)
    def needs_profile(self):
        self.page("/needs/", "needs profile")

    @task(1)
    def gaps(self):
        self.page("/needs/gaps/", "needs gaps")

    @task(2)
    def contracts(self):
        self.page("/contracts/", "contracts list")

    @task(3)
    def contract(self):
        pk = self.some("contracts")
        if pk:
            self.page(f"/contracts/{pk}/", "contract detail")

    @task(2)
    def placements(self):
        self.page("/procurement/fps/agreements/", "placement agreements list")

    @task(3)
    def placement(self):
        pk = self.some("ipas")
        if pk:
            self.page(f"/procurement/fps/agreements/{pk}/", "placement agreement detail")

    @task(2)
    def referrals(self):
        self.page("/procurement/fps/referrals/", "referrals list")

    @task(2)
    def referral(self):
        pk = self.some("referrals")
        if pk:
            self.page(f"/procurement/fps/referrals/{pk}/", "referral detail")

    @task(2)
    def providers(self):
        self.page("/procurement/providers/", "provider packs list")

    @task(1)
    def tenders(self):
        self.page("/procurement/tenders/", "tenders list")

    @task(2)
    def electronic_list_search(self):
        system = CHOOSE(FIXTURE["systems"])
        need = CHOOSE(["ASD", "SEMH", "SLCN", "MLD"])
        self.page(f"/procurement/fps/{system}/list/?need={need}&area=North", "purchasing system list search")

    @task(1)
    def qa_visits(self):
        self.page("/contracts/qa/visits/", "QA visits list")

    @task(1)
    def business_cases(self):
        self.page("/commissioning/business-cases/", "business cases list")


class Approver(Person):
    weight = 8
    pool = "approvers"

    @task(3)
    def home(self):
        self.page("/", "home")

    @task(3)
    def queue(self):
        self.page("/commissioning/business-cases/waiting/", "approval queue")

    @task(2)
    def cases(self):
        self.page("/commissioning/business-cases/", "business cases list")

    @task(3)
    def case(self):
        pk = self.some("cases")
        if pk:
            self.page(f"/commissioning/business-cases/{pk}/", "business case detail")


class ForumMember(Person):
    weight = 7
    pool = "forum"

    @task(2)
    def home(self):
        self.page("/", "home")

    @task(3)
    def consultations(self):
        self.page("/coproduction/", "consultations list")

    @task(4)
    def consultation(self):
        pk = self.some("consultations")
        if pk:
            self.page(f"/coproduction/{pk}/", "consultation detail")


class Provider(Person):
    weight = 15
    pool = "providers"

    @task(3)
    def home(self):
        self.page("/", "home")

    @task(2)
    def tenders(self):
        self.page("/procurement/tenders/", "tenders list")

    @task(2)
    def tender(self):
        pk = self.some("tenders")
        if pk:
            self.page(f"/procurement/tenders/{pk}/", "tender detail")

    @task(1)
    def bids(self):
        self.page("/procurement/bids/", "bids list")

    @task(2)
    def received(self):
        self.page("/procurement/fps/received/", "referrals received list")

    @task(2)
    def placements(self):
        self.page("/procurement/fps/agreements/", "placement agreements list")

    @task(2)
    def placement(self):
        pk = self.some("ipas")
        if pk:
            self.page(f"/procurement/fps/agreements/{pk}/", "placement agreement detail")

    @task(1)
    def contracts(self):
        self.page("/contracts/", "contracts list")

    @task(1)
    def contract(self):
        pk = self.some("contracts")
        if pk:
            self.page(f"/contracts/{pk}/", "contract detail")

    @task(1)
    def pack(self):
        self.page("/procurement/compliance-pack/", "own compliance pack")

    @task(1)
    def places(self):
        self.page("/procurement/fps/places/", "own purchasing system places")


def _start_steady_load(environment) -> None:
    """Everyone is signed in: keep the sign-in figures, reset the statistics, run DURATION seconds."""
    report = {
        "failures": SIGN_IN_FAILURES,
        "seconds": time.time() - _signed_in["started"],
        "steps": [
            {
                "name": entry.name,
                "method": entry.method,
                "requests": entry.num_requests,
                "errors": entry.num_failures,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99),
            }
            for entry in environment.stats.entries.values()
        ],
    }
    path = os.environ.get("BENCH_SIGNIN_REPORT")
    if path:
        Path(path).write_text(json.dumps(report))
    environment.stats.reset_all()
    EVERYONE_SIGNED_IN.set()
    if DURATION and environment.runner is not None:
        gevent.spawn_later(DURATION, environment.runner.quit)
