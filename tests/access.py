"""The access matrix: who gets what answer from a URL. Every later issue extends its tables.

Two checks:

- `assert_access(request, url, expected)`: for each persona (or "anonymous"), the status code a
  request gets. A persona missing from `expected` is an error, so a new role cannot slip by unlisted.
- `assert_object_access(request, ...)`: for a URL with an object id, each persona against an object of
  their own organisation, of another organisation, and a missing id. Another organisation's object must
  answer 404 with the same page as a missing one, so "not allowed" cannot be told from "does not exist".
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.test import Client

from conftest import PERSONAS

ANONYMOUS = "anonymous"
ALL = [ANONYMOUS, *PERSONAS]


def client_for(request, persona: str) -> Client:
    client = Client()
    if persona != ANONYMOUS:
        client.force_login(request.getfixturevalue(persona))
    return client


# Parts of a page that differ on every response whatever the object: CSRF tokens and the current path.
_PER_RESPONSE = re.compile(rb'(name="csrfmiddlewaretoken" value|name="next" value)="[^"]*"')


def same_page(first: bytes, second: bytes) -> bool:
    return _PER_RESPONSE.sub(rb"\1", first) == _PER_RESPONSE.sub(rb"\1", second)


def _call(client: Client, method: str, url: str, data=None):
    return getattr(client, method)(url, data or {})


def assert_access(request, url: str, expected: dict[str, int], *, method: str = "get", data=None) -> None:
    """Each persona's answer from `url` is the expected status. Every persona must be listed."""
    unlisted = [persona for persona in ALL if persona not in expected]
    assert not unlisted, f"{url}: no expectation for {unlisted}"
    failures = []
    for persona, status in expected.items():
        response = _call(client_for(request, persona), method, url, data)
        if response.status_code != status:
            failures.append(f"{persona}: {method.upper()} {url} -> {response.status_code}, expected {status}")
    assert not failures, "\n".join(failures)


def only(allowed: dict[str, int], *, others: int = 403, anonymous: int = 302) -> dict[str, int]:
    """A full expectation table: the personas named get their status, everyone else `others`."""
    table = {persona: others for persona in PERSONAS}
    table[ANONYMOUS] = anonymous
    table.update(allowed)
    return table


@dataclass
class ObjectCase:
    """One persona's view of an object URL."""

    persona: str
    own_status: int  # the answer for an object of the persona's own organisation


def assert_object_access(
    request,
    *,
    url_for: Callable[[object], str],
    own_object_for: Callable[[str], object],
    other_object: object,
    missing_url: str,
    cases: list[ObjectCase],
    method: str = "get",
    data=None,
) -> None:
    """Own object -> the case's status; another organisation's object and a missing id -> the same 404."""
    failures = []
    for case in cases:
        client = client_for(request, case.persona)
        own = _call(client, method, url_for(own_object_for(case.persona)), data)
        if own.status_code != case.own_status:
            failures.append(f"{case.persona}: own object -> {own.status_code}, expected {case.own_status}")
        other = _call(client, method, url_for(other_object), data)
        missing = _call(client, method, missing_url, data)
        if other.status_code != 404 or missing.status_code != 404:
            failures.append(
                f"{case.persona}: other organisation's object -> {other.status_code}, missing -> "
                f"{missing.status_code}, both expected 404"
            )
        elif not same_page(other.content, missing.content):
            failures.append(
                f"{case.persona}: another organisation's object can be told apart from a missing one"
            )
    assert not failures, "\n".join(failures)
