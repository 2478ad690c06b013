"""Who may do what with quality assurance visits, their reports and improvement plans.

The rules say which kind of person may use a page; which visits and plans they reach is settled by
`contracts.selectors.quality`, scoped through `contracts_for_user` (another authority's or another
provider's visit, plan or action answers 404).

A provider reads the reports issued on its contracts and their improvement plans, and posts progress on
the actions. It does not see visits still to happen nor cancelled ones: a visit may be unannounced, and
its planned date and lead officer are the council's working notes until the report is issued.
"""

import rules

from .common import is_council_commissioner, is_provider_user

# Read a contract's QA page, issued reports (and their PDF), improvement plans, actions and their evidence.
rules.add_perm("contracts.qa_view", is_council_commissioner | is_provider_user)
# Schedule, arrange, cancel and record visits, issue reports; make plans and actions; verify or return them;
# the list of overdue actions across the authority's contracts.
rules.add_perm("contracts.qa_manage", is_council_commissioner)
# Post progress on an improvement action of one's own provider, with evidence, and report it done.
rules.add_perm("contracts.qa_action_update", is_provider_user)
