"""Who may do what in procurement, one module per sub-domain. Importing this package (rules'
autodiscovery does) registers every permission."""

from . import compliance, evaluation, fps, ocds, tenders  # noqa: F401
from .common import in_local_authority, is_council_commissioner

__all__ = ["in_local_authority", "is_council_commissioner"]
