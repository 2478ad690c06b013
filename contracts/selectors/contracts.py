"""Reads for contracts: who reaches which.

- A council's commissioners reach the contracts their authority let.
- A provider's users reach the contracts that name their provider.
- Nobody else reaches any. Everything out of reach answers 404 exactly like a missing contract.

Every other part of Review (returns, QA visits, improvement plans, decommissioning) scopes through
`contracts_for_user`, so the rule lives in one place.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.rules import is_provider_user

from ..models import Contract
from ..rules import is_council_commissioner


def contracts_for_user(user) -> QuerySet[Contract]:
    """The contracts a person may read: their authority's, or their provider's; none for anyone else."""
    if not user.is_authenticated or not user.organisation_id:
        return Contract.objects.none()
    if is_council_commissioner(user):
        scope = Contract.objects.filter(organisation_id=user.organisation_id)
    elif is_provider_user(user):
        scope = Contract.objects.filter(provider_id=user.organisation_id)
    else:
        return Contract.objects.none()
    return scope.select_related("organisation", "provider")


def get_contract_for_user_or_404(user, pk) -> Contract:
    return get_object_or_404(contracts_for_user(user), pk=pk)


def contracts_managed_by_user(user) -> QuerySet[Contract]:
    """Contracts a person may change as the council: their own authority's, for its commissioners."""
    if not is_council_commissioner(user):
        return Contract.objects.none()
    return contracts_for_user(user)


def get_managed_contract_or_404(user, pk) -> Contract:
    return get_object_or_404(contracts_managed_by_user(user), pk=pk)
