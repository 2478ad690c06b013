"""Who may read the pages that look across the whole cycle (the evidence chain, what Review learnt).

Only a council's commissioners: the chain carries commercial and placement data, so providers, forum
members, approvers and evaluators get 403. Which objects they reach is settled by each app's scoped
selectors, so another authority's contract or placement answers 404.
"""

import rules

from procurement.rules.common import is_council_commissioner

rules.add_perm("dashboard.view_evidence", is_council_commissioner)
