"""The access matrix: every URL pattern with an object id, every persona, GET and POST, three objects.

`tests/test_access_matrix.py` walks the URL configuration (`tests.urls_walk.all_routes`). Each pattern
whose path holds an object id (an `int`, `uuid` or `slug` converter; the admin excluded) must have an
`Entry` in `tests/matrix/<app>.py`, or the test fails and says so. For each persona (and "anonymous") it
requests, by GET and by POST with empty data:

- the persona's **own** object: built by `entry.make(side)` for the persona's side (below);
- the **other** side's object: built by `entry.make(other side)`;
- a **missing** id: the own object's URL with every id replaced by one that does not exist.

Two sides, each a council with its partners:

- side A: Northshire Council, its parent carer forum (Northshire PCF) and provider Oakfield;
- side B: Southvale Council, Southvale PCF (made when an entry asks for `side.forum`) and provider Riverside.

Persona sides: every `*_northshire` persona, `forum_member` and `provider_oakfield` are on side A;
`commissioner_southvale` and `provider_riverside` on side B. `staff_admin` and "anonymous" have no side:
their "own" object is side A's and their "other" is side B's.

What is expected, for each persona and method:

- own: the status you list in `get=` / `post=`. Use `tests.access.only(...)` so EVERY persona has one.
- other: by default 404 when the persona reached its own object (own not 403/404/405) and has a side,
  else the same as own (a role refusal comes before the lookup; staff and anonymous see both alike).
  "Reached" includes a 400 for an empty form and a 302 after a permitted POST.
- missing: by default 404 when the persona reached its own object (anonymous never does), else as own.
- whenever other and missing expect the same status of 400 or more, the two pages must be identical
  (`tests.access.same_page`): "not allowed" must not be told apart from "does not exist".
Override the defaults for some personas with `other_get=`, `other_post=`, `missing_get=`, `missing_post=`
(dicts of persona -> status), e.g. a published tender every provider may read on either side.

Every request runs inside `transaction.atomic()` rolled back at its end, so a permitted POST never
changes the object the next persona sees; objects are made once per side per pattern. A 500 is reported
as a status, never an exception.

Writing an entry (see `tests/matrix/needs.py` for a worked example)::

    from tests.access import only
    from tests.matrix import Entry

    def _dataset(side):                        # side: a Side; build only what this URL needs
        dataset = make_dataset(imported_by=side.commissioner, organisation=side.council)
        return {"pk": dataset.pk}              # the URL's kwargs (or a list of positional args)

    ENTRIES = [
        Entry(
            "needs:dataset_detail",
            make=_dataset,
            get=only({"commissioner_northshire": 200, "lead_northshire": 200,
                      "commissioner_southvale": 200}),
            post=only({}, others=405),         # GET only: require_GET answers 405 to everyone
        ),
    ]

Several entries may share one `make` (`make=` is called once per entry). To see what a pattern answers
today, run `MATRIX_RECORD=1 .venv/bin/pytest tests/test_access_matrix.py -k dataset_detail -s`: it
prints the observed own/other/missing tables in entry form, to check (never to paste blindly: each
status must be what a user should get).
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from conftest import PERSONAS

ANONYMOUS = "anonymous"
ALL = [ANONYMOUS, *PERSONAS]

# The modules that hold entries, in the apps' import order; each defines ENTRIES: list[Entry].
MODULES = [
    "accounts",
    "core",
    "needs",
    "commissioning",
    "coproduction",
    "procurement",
    "contracts",
    "dashboard",
]

SIDE_A = "A"
SIDE_B = "B"
SIDE_OF = {
    "commissioner_northshire": SIDE_A,
    "lead_northshire": SIDE_A,
    "evaluator_northshire": SIDE_A,
    "finance_northshire": SIDE_A,
    "legal_northshire": SIDE_A,
    "forum_member": SIDE_A,
    "provider_oakfield": SIDE_A,
    "commissioner_southvale": SIDE_B,
    "provider_riverside": SIDE_B,
    "staff_admin": None,
    ANONYMOUS: None,
}

# The answers that refuse before a persona reaches the object: no permission, no such page, wrong method.
# Anything else (200, a 302 after a permitted POST, a 400 for an empty form) means the persona reached it.
REFUSED = (403, 404, 405)

MISSING_INT = 999999
MISSING_UUID = uuid.UUID(int=0)


class Side:
    """One side of the matrix: a council, its forum, its provider and people to own objects.

    `council`, `forum`, `provider` are Organisations; `commissioner` and `provider_user` are Users of the
    council and the provider (side A: commissioner_northshire and provider_oakfield; side B:
    commissioner_southvale and provider_riverside). `user(*roles)` makes (once) another council user
    with those roles, e.g. a finance approver on side B. `persona(name)` gives a persona's User.
    """

    def __init__(self, request, name: str):
        self.request = request
        self.name = name

    def __repr__(self) -> str:
        return f"Side({self.name})"

    @property
    def is_a(self) -> bool:
        return self.name == SIDE_A

    def persona(self, name: str):
        return self.request.getfixturevalue(name)

    @cached_property
    def council(self):
        return self.persona("northshire" if self.is_a else "southvale")

    @cached_property
    def provider(self):
        return self.persona("oakfield" if self.is_a else "riverside")

    @cached_property
    def forum(self):
        if self.is_a:
            return self.persona("northshire_pcf")
        from accounts.models import OrganisationKind
        from accounts.services import organisation_create

        return organisation_create(
            name="Southvale Parent Carer Forum",
            slug="southvale-pcf",
            kind=OrganisationKind.PARENT_CARER_FORUM,
        )

    @cached_property
    def commissioner(self):
        return self.persona("commissioner_northshire" if self.is_a else "commissioner_southvale")

    @cached_property
    def provider_user(self):
        return self.persona("provider_oakfield" if self.is_a else "provider_riverside")

    def user(self, *roles, organisation=None):
        """A user of this side's council (or `organisation`) holding `roles`, made once per side."""
        from accounts.services import user_create

        organisation = organisation or self.council
        cache = self.__dict__.setdefault("_users", {})
        key = (organisation.pk, tuple(roles))
        if key not in cache:
            slug = "-".join(str(role) for role in roles) or "none"
            cache[key] = user_create(
                email=f"{slug}.{len(cache)}@{organisation.slug}.matrix.test",
                full_name=f"{self.name} {slug}",
                organisation=organisation,
                roles=list(roles),
                password="matrix-password-2026",
            )
        return cache[key]


@dataclass
class Entry:
    """One URL pattern's row of the matrix. See the module docstring."""

    name: str  # the namespaced URL name, e.g. "needs:dataset_detail"
    make: Callable[[Side], dict | list | tuple]  # builds the side's object; returns URL kwargs (or args)
    get: dict[str, int]  # own-side status for every persona (tests.access.only)
    post: dict[str, int]  # the same for a POST with empty data
    other_get: dict[str, int] = field(default_factory=dict)  # overrides of the defaults above
    other_post: dict[str, int] = field(default_factory=dict)
    missing_get: dict[str, int] = field(default_factory=dict)
    missing_post: dict[str, int] = field(default_factory=dict)
    # Optional: the missing-id URL's args from the own object's (default: every id made missing).
    missing: Callable[[dict | list | tuple], dict | list | tuple] | None = None
    # Optional: POST data (default empty), from the side and the URL args.
    data: Callable[[Side, dict | list | tuple], dict] | None = None
    note: str = ""  # why an unusual expectation is right

    def expected(self, method: str, persona: str) -> tuple[int, int, int]:
        """(own, other, missing) statuses this entry expects of `persona` for `method`."""
        own_table = getattr(self, method)
        own = own_table[persona]
        allowed = own not in REFUSED and persona != ANONYMOUS
        other = 404 if allowed and SIDE_OF[persona] else own
        missing = 404 if allowed else own
        other = getattr(self, f"other_{method}").get(persona, other)
        missing = getattr(self, f"missing_{method}").get(persona, missing)
        return own, other, missing

    def missing_args(self, args):
        if self.missing is not None:
            return self.missing(args)
        if isinstance(args, dict):
            return {key: _missing_value(value) for key, value in args.items()}
        return [_missing_value(value) for value in args]

    def check(self) -> list[str]:
        """Problems with the entry itself: personas not listed."""
        problems = []
        for method in ("get", "post"):
            unlisted = [persona for persona in ALL if persona not in getattr(self, method)]
            if unlisted:
                problems.append(f"{self.name}: {method}= has no status for {unlisted}")
            for table in ("other_", "missing_"):
                unknown = set(getattr(self, table + method)) - set(ALL)
                if unknown:
                    problems.append(f"{self.name}: {table}{method}= names unknown personas {sorted(unknown)}")
        return problems


def _missing_value(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return MISSING_INT
    if isinstance(value, uuid.UUID):
        return MISSING_UUID
    if isinstance(value, str):
        try:
            uuid.UUID(value)
        except ValueError:
            return value
        return str(MISSING_UUID)
    return value


def all_entries() -> dict[str, Entry]:
    """Every entry of every module in MODULES, by URL name. A module not written yet is skipped."""
    entries: dict[str, Entry] = {}
    for module_name in MODULES:
        dotted = f"tests.matrix.{module_name}"
        try:
            module = importlib.import_module(dotted)
        except ModuleNotFoundError as error:
            if error.name == dotted:
                continue
            raise
        for entry in getattr(module, "ENTRIES", []):
            assert entry.name not in entries, f"{entry.name} has two entries ({module_name} and another)"
            entries[entry.name] = entry
    return entries


def module_for(route_name: str) -> str:
    """The module an entry for `route_name` belongs in."""
    namespace = route_name.split(":", 1)[0]
    return f"tests/matrix/{namespace}.py" if namespace in MODULES else "tests/matrix/core.py"
