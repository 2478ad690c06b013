"""Predicates every part of Review shares.

The rules say which kind of person may use a page. Which contracts they reach is settled by the
scoped selectors in `contracts.selectors.contracts`: a council's commissioners reach their own
authority's contracts, a provider's users reach the contracts that name their provider, nobody else
reaches any; a contract out of reach answers 404.
"""

import rules

from accounts.rules import is_lead_commissioner, is_provider_user
from procurement.rules.common import in_local_authority, is_council_commissioner

is_council_lead_commissioner = is_lead_commissioner & in_local_authority


@rules.predicate
def is_contract_commissioner(user, contract) -> bool:
    """A commissioner of the authority that let the contract."""
    return bool(contract is not None and user.organisation_id == contract.organisation_id)


@rules.predicate
def is_contract_provider(user, contract) -> bool:
    """A user of the provider the contract names."""
    return bool(contract is not None and user.organisation_id == contract.provider_id)


__all__ = [
    "in_local_authority",
    "is_contract_commissioner",
    "is_contract_provider",
    "is_council_commissioner",
    "is_council_lead_commissioner",
    "is_provider_user",
]
