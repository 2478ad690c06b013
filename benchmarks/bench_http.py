"""What the locust users and the spike's bidders share: a client that talks to gunicorn as a browser talks
to the HTTPS site through the TLS-terminating proxy in front of production.

The clients use https:// addresses (so the Secure session and CSRF cookies are sent, and Origin and
Referer are those of the HTTPS site, as CSRF checks want) while the bytes go over plain HTTP to gunicorn,
with `X-Forwarded-Proto: https` as the proxy would add. No TLS cost lands on the measured machine.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


class ProxyHopAdapter(HTTPAdapter):
    """Sends https:// requests over plain HTTP to the same host and port (the proxy's hop to gunicorn)."""

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        parts = urlsplit(request.url)
        return self.poolmanager.connection_from_host(parts.hostname, port=parts.port, scheme="http")

    def cert_verify(self, conn, url, verify, cert):
        return None


def through_proxy_hop(session, base_url: str) -> None:
    """Route a requests (or locust) session's requests to `base_url` through the hop above."""
    session.mount(base_url.rstrip("/") + "/", ProxyHopAdapter(pool_maxsize=4))
    session.headers.update(PROXY_HEADERS)


def https_url(host: str) -> str:
    """The https:// address the clients use for a gunicorn listening at http://host:port."""
    return "https://" + host.split("://", 1)[-1].rstrip("/")


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html or "")
    return match.group(1) if match else ""


def post_headers(base_url: str, path: str) -> dict:
    """The Origin and Referer a browser sends with a form on the HTTPS site (CSRF checks both)."""
    origin = https_url(base_url)
    return {"Origin": origin, "Referer": origin + path}
