"""Who may do what with needs data. Council staff read their council's analysis; commissioners change it.

Forum members and providers have no access to the working data (a published profile may come later).
"""

import rules

from accounts.rules import is_commissioner, is_council_staff

rules.add_perm("needs.view_analysis", is_council_staff)
rules.add_perm("needs.import_data", is_commissioner)
rules.add_perm("needs.manage_capacity", is_commissioner)
rules.add_perm("needs.run_projection", is_commissioner)
rules.add_perm("needs.record_feedback", is_commissioner)
