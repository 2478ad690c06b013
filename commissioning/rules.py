"""Who may do what in the Plan stage. Council staff read; commissioners write; approvers decide at their
step, never on a case they wrote (checked in the services, which know the case)."""

import rules

from accounts.rules import is_commissioner, is_council_staff, is_finance_approver, is_legal_approver

rules.add_perm("commissioning.view", is_council_staff)
rules.add_perm("commissioning.manage_intentions", is_commissioner)
rules.add_perm("commissioning.author_business_case", is_commissioner)
rules.add_perm("commissioning.decide_finance", is_finance_approver)
rules.add_perm("commissioning.decide_legal", is_legal_approver)
# Cabinet's decision is recorded by a commissioner (from the published minutes), never the author.
rules.add_perm("commissioning.record_cabinet", is_commissioner)
rules.add_perm("commissioning.manage_specifications", is_commissioner)
