"""Who may do what: decommissioning.

The rules say which kind of person may use a page; which decommissionings they reach is settled by
`contracts.selectors.decommissioning` (an authority's commissioners reach their own; a provider's users
reach those of their contracts once notice is served, and see only the status and dates).
"""

import rules

from .common import is_council_commissioner, is_provider_user

# Read decommissionings: the authority's commissioners, and the provider's users (status and dates only).
rules.add_perm("contracts.decommissioning_view", is_council_commissioner | is_provider_user)
# Propose, approve, serve notice, keep the exit plan and communications, complete, cancel.
rules.add_perm("contracts.decommissioning_manage", is_council_commissioner)
