"""Reads for Review, one module per sub-domain; every one scopes through `contracts_for_user`."""

from .contracts import (
    contracts_for_user,
    contracts_managed_by_user,
    get_contract_for_user_or_404,
    get_managed_contract_or_404,
)

__all__ = [
    "contracts_for_user",
    "contracts_managed_by_user",
    "get_contract_for_user_or_404",
    "get_managed_contract_or_404",
]
