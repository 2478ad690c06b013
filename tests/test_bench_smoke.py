"""The load benchmark's own parts work (the benchmark itself runs in `make bench`, never here): its bid
document is a real PDF the service accepts, its client sends the HTTPS site's cookies over the plain hop
to gunicorn, and each benchmark rewrites only its own section of benchmarks/results.md."""

import hashlib
import http.server
import io
import sys
import threading
from pathlib import Path

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from bench_client import sign_in
from bench_http import csrf_token, https_url, post_headers, through_proxy_hop
from bench_spike import DOCUMENT_BYTES, make_pdf
from results import replace_section

from core.uploads import check_upload


def test_each_bidder_sends_a_different_5_mb_pdf_the_service_accepts():
    first, second = make_pdf(1), make_pdf(2)
    checked = check_upload(SimpleUploadedFile("method-statement.pdf", first), max_bytes=2 * DOCUMENT_BYTES)
    assert checked.extension == "pdf"
    assert checked.sha256 == hashlib.sha256(first).hexdigest()
    assert len(first) > DOCUMENT_BYTES
    assert len(PdfReader(io.BytesIO(first)).pages) == 1
    assert hashlib.sha256(first).digest() != hashlib.sha256(second).digest()


class _Site(http.server.BaseHTTPRequestHandler):
    """Sets a Secure cookie, then reports what came back with the next request."""

    def do_GET(self):
        body = f"{self.headers.get('Cookie', '')}|{self.headers.get('X-Forwarded-Proto', '')}".encode()
        self.send_response(200)
        self.send_header("Set-Cookie", "sessionid=abc; Secure; HttpOnly; Path=/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_client_sends_secure_cookies_over_the_plain_hop_with_the_proxy_header():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = https_url(f"http://127.0.0.1:{server.server_port}")
        session = requests.Session()
        through_proxy_hop(session, base)
        assert session.get(base + "/", timeout=5).text == "|https"
        assert session.get(base + "/", timeout=5).text == "sessionid=abc|https"
    finally:
        server.shutdown()
    assert post_headers(base, "/accounts/login/") == {"Origin": base, "Referer": base + "/accounts/login/"}
    assert csrf_token('<input name="csrfmiddlewaretoken" value="tok">') == "tok"


def test_a_benchmark_rewrites_its_own_section_of_the_results_only(tmp_path):
    results = tmp_path / "results.md"
    replace_section(results, "pdf", "## PDF\nfirst")
    replace_section(results, "load", "## Load\nfirst")
    replace_section(results, "pdf", "## PDF\nsecond")
    text = results.read_text()
    assert text.count("## PDF") == 1 and "second" in text and "## Load\nfirst" in text
    assert text.index("## Load") < text.index("## PDF")


@pytest.mark.django_db
def test_the_page_benchmarks_sign_council_staff_in_past_the_code_step(monkeypatch, commissioner_northshire):
    """Without it a commissioner's pages answer with the code step, and the benchmark times a redirect."""
    from django.test import Client
    from django.test.client import ClientMixin

    root_conftest = sys.modules["conftest"]
    # Django's own force_login, not the tests' verified one: the benchmarks run outside pytest.
    monkeypatch.setattr(ClientMixin, "force_login", root_conftest._django_force_login)
    unverified = Client()
    unverified.force_login(commissioner_northshire)
    assert unverified.get("/").status_code == 302
    client = Client()
    sign_in(client, commissioner_northshire)
    assert client.get("/").status_code == 200


def test_the_load_benchmark_reads_each_pages_time_from_gunicorns_access_log(tmp_path):
    from bench_load import server_line, server_times

    log = tmp_path / "access.log"
    log.write_text(
        '[03/Dec/2026:19:12:14 +0000] "GET /contracts/ HTTP/1.1" 200 40000\n'  # before the window
        '[03/Dec/2026:19:12:40 +0000] "GET /contracts/ HTTP/1.1" 200 52000\n'
        '[03/Dec/2026:19:12:41 +0000] "POST /accounts/login/ HTTP/1.1" 302 900000\n'  # signing in: left out
        '[03/Dec/2026:19:12:42 +0000] "GET /needs/?year=2024 HTTP/1.1" 200 151000\n'
        "not a log line\n"
    )
    start = 1796325150.0  # 19:12:30 UTC
    times = server_times(log, start, start + 60)
    assert times == [52.0, 151.0]
    assert "the same 2 page requests took p50 151 ms, p95 151 ms and p99 151 ms" in server_line(times)[0]
