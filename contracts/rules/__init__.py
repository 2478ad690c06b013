"""Who may do what in Review, one module per sub-domain. Importing this package (rules'
autodiscovery does) registers every permission."""

from . import checks, contracts, decommissioning, quality, watches  # noqa: F401
from .common import is_contract_commissioner, is_contract_provider, is_council_commissioner

__all__ = ["is_contract_commissioner", "is_contract_provider", "is_council_commissioner"]
