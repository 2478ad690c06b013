"""The complete access matrix, generated from the URL configuration (see tests/matrix/__init__.py).

For every URL pattern with an object id: every persona, GET and POST, against an object of their own
side, of the other side, and a missing id. A new URL without an entry fails here.
"""

import os
import pprint

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import same_page
from tests.matrix import ALL, ANONYMOUS, SIDE_A, SIDE_B, SIDE_OF, Entry, Side, all_entries, module_for

OBJECT_CONVERTERS = {"IntConverter", "UUIDConverter", "SlugConverter"}


def _object_routes() -> list[str]:
    """Names of the service's URL patterns (not the admin) with an int, uuid or slug in the path."""
    names = []

    def walk(patterns, namespace="", inherited=()):
        for pattern in patterns:
            converters = tuple(type(c).__name__ for c in getattr(pattern.pattern, "converters", {}).values())
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace) if part)
                walk(pattern.url_patterns, inner, inherited + converters)
            elif (
                isinstance(pattern, URLPattern)
                and not namespace.startswith("admin")
                and OBJECT_CONVERTERS & set(inherited + converters)
            ):
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return sorted(set(names))


ROUTES = _object_routes()
ENTRIES = all_entries()
RECORD = os.environ.get("MATRIX_RECORD") == "1"


def test_the_walk_finds_object_urls():
    """A broken walk would make the matrix pass vacuously."""
    assert {"needs:dataset_detail", "core:document_download", "commissioning:case_detail"} <= set(ROUTES)
    assert len(ROUTES) > 150


def test_every_entry_names_a_url_that_exists():
    stale = sorted(set(ENTRIES) - set(ROUTES))
    assert not stale, f"Entries for URLs that no longer exist (remove them from tests/matrix/): {stale}"


def test_every_entry_lists_every_persona():
    problems = [problem for entry in ENTRIES.values() for problem in entry.check()]
    assert not problems, "\n".join(problems)


def _suggest(name, observed) -> str:
    """The observed answers written as an entry, to check line by line before using."""
    lines = [f'    Entry(\n        "{name}",\n        make=...,']
    for method, table in observed.items():
        signed_in = [got[0] for persona, got in table.items() if persona != ANONYMOUS]
        others = max(set(signed_in), key=signed_in.count)
        named = {
            persona: got[0] for persona, got in table.items() if persona != ANONYMOUS and got[0] != others
        }
        anonymous = table[ANONYMOUS][0]
        extra = f", anonymous={anonymous}" if anonymous != 302 else ""
        lines.append(f"        {method}=only({named}, others={others}{extra}),")
        entry = Entry(name, make=None, get={}, post={})
        for kind, position in (("other", 1), ("missing", 2)):
            overrides = {}
            for persona, got in table.items():
                setattr(entry, method, {persona: got[0]})
                if entry.expected(method, persona)[position] != got[position]:
                    overrides[persona] = got[position]
            if overrides:
                lines.append(f"        {kind}_{method}={overrides},")
    lines.append("    ),")
    return "\n".join(lines)


def _request(client: Client, method: str, url: str, data: dict):
    with transaction.atomic():
        response = getattr(client, method)(url, data)
        transaction.set_rollback(True)
    return response


def _url(name, args):
    return reverse(name, kwargs=args) if isinstance(args, dict) else reverse(name, args=list(args))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ROUTES)
def test_access_matrix(request, name):
    entry = ENTRIES.get(name)
    assert entry is not None, (
        f"A new URL needs an entry in {module_for(name)}: {name} (see tests/matrix/__init__.py for how)"
    )
    sides = {key: Side(request, key) for key in (SIDE_A, SIDE_B)}
    args = {key: entry.make(side) for key, side in sides.items()}
    urls = {key: _url(name, value) for key, value in args.items()}
    missing_url = _url(name, entry.missing_args(args[SIDE_A]))
    data = {key: (entry.data(sides[key], args[key]) if entry.data else {}) for key in sides}

    failures, observed = [], {}
    for persona in ALL:
        client = Client(raise_request_exception=False)
        if persona != ANONYMOUS:
            client.force_login(request.getfixturevalue(persona))
        own_side = SIDE_OF[persona] or SIDE_A
        other_side = SIDE_B if own_side == SIDE_A else SIDE_A
        for method in ("get", "post"):
            own = _request(client, method, urls[own_side], data[own_side])
            other = _request(client, method, urls[other_side], data[other_side])
            missing = _request(client, method, missing_url, data[SIDE_A])
            got = (own.status_code, other.status_code, missing.status_code)
            observed.setdefault(method, {})[persona] = got
            want = entry.expected(method, persona)
            if got != want:
                failures.append(
                    f"{persona} {method.upper()}: (own, other, missing) -> {got}, expected {want}"
                    f"  [{urls[own_side]} / {urls[other_side]} / {missing_url}]"
                )
            elif want[1] == want[2] >= 400 and not same_page(other.content, missing.content):
                failures.append(
                    f"{persona} {method.upper()}: the other side's object can be told from a missing one"
                )
    if RECORD:
        print(f"\n# {name}: observed (own, other, missing)")
        for table in observed.values():
            print(pprint.pformat(table, width=110, sort_dicts=False))
        print(_suggest(name, observed))
    assert not failures, f"{name}:\n" + "\n".join(failures)
