"""Predicates every part of procurement shares."""

import rules

from accounts.rules import is_commissioner


@rules.predicate
def in_local_authority(user) -> bool:
    return bool(user.is_authenticated and user.organisation_id and user.organisation.is_local_authority)


# A commissioner at a council (not at a health partner): buys services and places children.
is_council_commissioner = is_commissioner & in_local_authority
