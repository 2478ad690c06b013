"""Who may do what: contracts, their KPIs, capacity, returns, risk, meetings and review decisions.

The rules say which kind of person may use a page; which contracts they reach is settled by
`contracts.selectors.contracts` (a council's commissioners reach their own authority's contracts, a
provider's users those naming their provider; out of reach answers 404).
"""

import rules

from .common import is_council_commissioner, is_provider_user

# Read contracts: the list, a contract, its returns and meetings' actions.
rules.add_perm("contracts.contract_view", is_council_commissioner | is_provider_user)
# Create contracts, change KPIs and capacity, rate risk, record meetings, decide at the notice point.
rules.add_perm("contracts.contract_manage", is_council_commissioner)
# Review (accept or query) a provider's performance return.
rules.add_perm("contracts.return_review", is_council_commissioner)
# Submit and resubmit performance returns for one's own provider's contracts.
rules.add_perm("contracts.return_submit", is_provider_user)
# Mark a monitoring meeting's action done: the council, or the provider for its own actions.
rules.add_perm("contracts.meeting_action_done", is_council_commissioner | is_provider_user)
