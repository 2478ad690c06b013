"""The submission-deadline spike: 50 providers each submit a bid with a 5 MB document within one minute.

    DATABASE_URL=... python benchmarks/bench_spike.py --host http://127.0.0.1:8701 --fixture F --out OUT.json

1. Opens a tender for bids (published, one lot, a quality question, price, one required document, a
   deadline two hours away), made directly in the database like the data build.
2. Signs 50 provider users in (password; no second step for providers), before the clock starts.
3. Each starts within the first 30 seconds of the minute (spread at random, as bidders arrive at a
   deadline) and goes through the real pages: start a bid, save the answer and price, upload a 5 MB PDF,
   submit. Every request is timed; any answer other than the page's expected one is an error.
4. Checks in the database that every bid was received (submitted, with a receipt) and that each
   document's stored SHA-256 is the hash of the bytes that provider sent.

Writes the timings, errors and checks as JSON for bench_load.py's report.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import random
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

from bench_http import csrf_token, https_url, post_headers, through_proxy_hop  # noqa: E402

BIDDERS = 50
DOCUMENT_BYTES = 5 * 1024 * 1024
SPREAD_SECONDS = 30


def make_pdf(seed: int) -> bytes:
    """A real (if dull) one-page PDF padded with a 5 MB incompressible stream, different for each bidder."""
    filler = random.Random(seed).randbytes(DOCUMENT_BYTES)  # noqa: S311 - filler, not a secret
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(filler) + filler + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def open_tender() -> dict:
    """A tender open for bids now, with what a bid must contain."""
    from django.utils import timezone

    from accounts.models import Organisation, Role, User
    from procurement.models import (
        AwardCriterion,
        CriterionKind,
        Lot,
        RequiredDocument,
        Tender,
        TenderRoute,
        TenderStatus,
    )

    council = Organisation.objects.get(slug="bench-council-01")
    commissioner = User.objects.filter(organisation=council, role_assignments__role=Role.COMMISSIONER).first()
    now = timezone.now()
    tender = Tender.objects.create(
        organisation=council,
        reference=f"SPIKE-{now:%Y%m%d-%H%M%S}",
        title="Specialist day places (deadline spike)",
        description="A tender whose deadline brings every bid in at once.",
        route=TenderRoute.OPEN,
        status=TenderStatus.PUBLISHED,
        estimated_value=1_000_000,
        conflicts_assessment="No conflicts declared by anyone involved.",
        conflicts_assessed_by=commissioner,
        conflicts_assessed_at=now,
        publish_on=timezone.localdate() - datetime.timedelta(days=30),
        clarification_deadline=now - datetime.timedelta(days=5),
        submission_deadline=now + datetime.timedelta(hours=2),
        evaluation_end_on=timezone.localdate() + datetime.timedelta(days=30),
        award_on=timezone.localdate() + datetime.timedelta(days=45),
        created_by=commissioner,
        published_at=now - datetime.timedelta(days=30),
    )
    lot = Lot.objects.create(tender=tender, number=1, title="Day places")
    quality = AwardCriterion.objects.create(
        tender=tender,
        kind=CriterionKind.QUALITY,
        title="How will you meet the needs?",
        weight=60,
        word_limit=500,
    )
    AwardCriterion.objects.create(tender=tender, kind=CriterionKind.PRICE, title="Price", weight=40, order=1)
    required = RequiredDocument.objects.create(tender=tender, title="Method statement")
    return {"tender": tender.pk, "lot": lot.pk, "quality": quality.pk, "required": required.pk}


class Bidder:
    def __init__(self, host: str, login: dict, tender: dict, seed: int):
        self.host = https_url(host)
        self.login = login
        self.tender = tender
        self.session = requests.Session()
        through_proxy_hop(self.session, self.host)
        self.document = make_pdf(seed)
        self.sha256 = hashlib.sha256(self.document).hexdigest()
        self.timings: list[tuple[str, float, int]] = []
        self.errors: list[str] = []
        self.bid = None

    def _get(self, path: str, name: str) -> requests.Response:
        started = time.perf_counter()
        response = self.session.get(self.host + path, allow_redirects=False, timeout=60)
        self.timings.append((name, time.perf_counter() - started, response.status_code))
        if response.status_code != 200:
            self.errors.append(f"{name}: HTTP {response.status_code}")
        return response

    def _post(self, path: str, name: str, html: str, data: dict, files=None) -> requests.Response:
        data = {"csrfmiddlewaretoken": csrf_token(html), **data}
        started = time.perf_counter()
        response = self.session.post(
            self.host + path,
            data=data,
            files=files,
            allow_redirects=False,
            timeout=120,
            headers=post_headers(self.host, path),
        )
        self.timings.append((name, time.perf_counter() - started, response.status_code))
        if response.status_code != 302:
            problem = re.search(r'class="govuk-error-summary__list">(.*?)</ul>', response.text, re.S)
            detail = re.sub(r"<[^>]+>|\s+", " ", problem.group(1)).strip() if problem else ""
            self.errors.append(f"{name}: HTTP {response.status_code} {detail}".strip())
        return response

    def sign_in(self) -> bool:
        page = self.session.get(self.host + "/accounts/login/", timeout=60)
        response = self._post(
            "/accounts/login/",
            "sign in",
            page.text,
            {"username": self.login["email"], "password": self.login["password"]},
        )
        return response.status_code == 302 and "/accounts/login" not in response.headers.get("Location", "")

    def bid_and_submit(self) -> None:
        tender = self.tender
        page = self._get(f"/procurement/tenders/{tender['tender']}/bid/", "start bid: form")
        response = self._post(
            f"/procurement/tenders/{tender['tender']}/bid/",
            "start bid: save",
            page.text,
            {"lot": tender["lot"]},
        )
        match = re.search(r"/procurement/bids/(\d+)/", response.headers.get("Location", ""))
        if not match:
            return
        self.bid = int(match.group(1))
        answers = f"/procurement/bids/{self.bid}/answers/"
        page = self._get(answers, "answers: form")
        self._post(
            answers,
            "answers: save",
            page.text,
            {
                "price": "250000",
                "pricing_notes": "Fixed for the first year.",
                f"answer_{tender['quality']}": "We will meet every child's needs with small classes. " * 10,
            },
        )
        upload = f"/procurement/bids/{self.bid}/documents/add/"
        page = self._get(upload, "upload: form")
        self._post(
            upload,
            "upload: 5 MB document",
            page.text,
            {"required_document": tender["required"], "title": ""},
            files={"file": ("method-statement.pdf", self.document, "application/pdf")},
        )
        submit = f"/procurement/bids/{self.bid}/submit/"
        page = self._get(submit, "submit: confirm page")
        self._post(submit, "submit: submit bid", page.text, {})
        self._get(f"/procurement/bids/{self.bid}/", "bid page with receipt")


def verify(tender: dict, bidders: list[Bidder]) -> dict:
    """Every bid submitted with a receipt, and every stored hash the hash of the bytes sent."""
    from procurement.models import Submission, SubmissionDocument, SubmissionReceipt, SubmissionStatus

    submitted = Submission.objects.filter(tender_id=tender["tender"], status=SubmissionStatus.SUBMITTED)
    hashes = {
        submission_id: sha
        for submission_id, sha in SubmissionDocument.objects.filter(
            submission__tender_id=tender["tender"], removed_at__isnull=True
        ).values_list("submission_id", "sha256")
    }
    receipts = set(
        SubmissionReceipt.objects.filter(submission__tender_id=tender["tender"]).values_list(
            "submission_id", flat=True
        )
    )
    mismatched = [b.login["email"] for b in bidders if b.bid and hashes.get(b.bid) != b.sha256]
    missing = [b.login["email"] for b in bidders if not b.bid or b.bid not in receipts]
    return {
        "submitted": submitted.count(),
        "with_receipt": len(receipts),
        "hashed": sum(1 for b in bidders if b.bid and hashes.get(b.bid) == b.sha256),
        "hash_mismatches": mismatched,
        "missing": missing,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--fixture", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--bidders", type=int, default=BIDDERS)
    parser.add_argument("--spread", type=float, default=SPREAD_SECONDS)
    options = parser.parse_args()

    import django

    django.setup()
    fixture = json.loads(Path(options.fixture).read_text())
    # Providers from the end of the list: the steady load signs in from the start.
    logins = fixture["providers"][-options.bidders :]
    tender = open_tender()
    bidders = [Bidder(options.host, login, tender, seed=n) for n, login in enumerate(logins)]
    print(f"[spike] tender {tender['tender']} open; signing {len(bidders)} providers in", flush=True)
    with ThreadPoolExecutor(max_workers=8) as pool:
        signed_in = list(pool.map(Bidder.sign_in, bidders))
    sign_in_timings = [t for b in bidders for t in b.timings]
    for bidder in bidders:
        bidder.timings.clear()
    failures = [b.login["email"] for b, ok in zip(bidders, signed_in, strict=True) if not ok]

    rng = random.Random(11)  # noqa: S311 - arrival times
    offsets = sorted(rng.uniform(0, options.spread) for _ in bidders)
    started = time.perf_counter()
    barrier = threading.Event()

    def run(pair):
        bidder, offset = pair
        barrier.wait()
        delay = offset - (time.perf_counter() - started)
        if delay > 0:
            time.sleep(delay)
        try:
            bidder.bid_and_submit()
        except requests.RequestException as error:
            bidder.errors.append(f"connection: {error}")

    print(f"[spike] {len(bidders)} bids over {options.spread:.0f} s", flush=True)
    with ThreadPoolExecutor(max_workers=len(bidders)) as pool:
        started = time.perf_counter()
        barrier.set()
        list(pool.map(run, zip(bidders, offsets, strict=True)))
    elapsed = time.perf_counter() - started
    checks = verify(tender, bidders)
    result = {
        "bidders": len(bidders),
        "elapsed": elapsed,
        "spread": options.spread,
        "document_bytes": DOCUMENT_BYTES,
        "sign_in_failures": failures,
        "sign_in_timings": sign_in_timings,
        "timings": [t for b in bidders for t in b.timings],
        "errors": [f"{b.login['email']}: {e}" for b in bidders for e in b.errors],
        "checks": checks,
        "tender": tender,
    }
    Path(options.out).write_text(json.dumps(result))
    print(
        f"[spike] done in {elapsed:.0f} s: {checks['submitted']} submitted, {checks['hashed']} hashed, "
        f"{len(result['errors'])} errors",
        flush=True,
    )


if __name__ == "__main__":
    main()
