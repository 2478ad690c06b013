"""Who may do what: the daily watches' pages.

Registered when `contracts.views.watches` is imported (through the URLs) until the rules package's
`__init__` imports this module too.
"""

import rules

from .common import is_council_commissioner

# The list of provider compliance documents and insurances expiring within 60 days, across the providers
# on the commissioner's authority's purchasing systems or under contract to it.
if not rules.perm_exists("contracts.expiry_view"):
    rules.add_perm("contracts.expiry_view", is_council_commissioner)
