"""Who may do what: the daily watches' pages."""

import rules

from .common import is_council_commissioner

# The list of provider compliance documents and insurances expiring within 60 days, across the providers
# on the commissioner's authority's purchasing systems or under contract to it.
rules.add_perm("contracts.expiry_view", is_council_commissioner)
