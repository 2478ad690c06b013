"""Accounts: the operator's staff act on any person's account; nobody else reaches these pages.

Subject access (everything held about a person, as JSON) and resetting a lost authenticator app are the
service operator's support tasks, for a person of any organisation, so the staff admin gets the same
answer for both sides' people and 404 for a missing one; every other role is refused (403) before any
lookup. Signing in and out, passwords and the person's own two-factor pages have no object id and are
covered by tests/test_every_url.py and the accounts tests.
"""

from tests.access import only
from tests.matrix import Entry


def council_person(side):
    return {"pk": side.commissioner.pk}


ENTRIES = [
    Entry(
        "accounts:subject_access_export",
        make=council_person,
        get=only({"staff_admin": 200}),
        post=only({"staff_admin": 200}),
        note="GET asks to confirm; POST downloads the JSON (and audits it).",
    ),
    Entry(
        "accounts:two_factor_reset",
        make=council_person,
        get=only({"staff_admin": 200}),
        post=only({"staff_admin": 302}),
        note="POST removes the person's authenticator apps and returns to their record in the support admin.",
    ),
]
