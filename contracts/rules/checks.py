"""Who may do what with the annual provider checks.

The rules say which kind of person may use a page; which checks they reach is settled by
`contracts.selectors.checks`: the lead authority's lead commissioners reach the checks of the systems
their authority leads (with the evidence), the commissioners of every member authority read the status
of the checks of systems their authority belongs to, and a provider's users reach their own checks.
Anything else answers 404.
"""

import rules

from .common import is_council_commissioner, is_council_lead_commissioner, is_provider_user

# Read the status of the checks of a purchasing system one's council leads or belongs to.
rules.add_perm("contracts.checks_view", is_council_commissioner)
# Verify or fail a check of a system one's council leads (and read its evidence).
rules.add_perm("contracts.checks_manage", is_council_lead_commissioner)
# A provider's own checks: read them and send the evidence.
rules.add_perm("contracts.checks_own", is_provider_user)
# Download a piece of evidence: the lead authority's lead commissioners and the provider's own users.
rules.add_perm("contracts.checks_evidence", is_council_lead_commissioner | is_provider_user)
