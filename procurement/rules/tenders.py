"""Who may do what with tenders and sealed bids. These say which roles may use a page at all; which tender
and which bid a person reaches is settled by `procurement.selectors.tenders` (the tender's authority, the
bid's provider, whether the bids have been opened), so anything outside that answers 404."""

import rules

from accounts.rules import is_provider_user

from .common import is_council_commissioner

# Tender lists and pages: a council's commissioners (their own authority's tenders) and provider users
# (published tenders).
rules.add_perm("procurement.view_tenders", is_council_commissioner | is_provider_user)
# Drafting, publishing, answering clarifications, cancelling and opening: the authority's commissioners.
rules.add_perm("procurement.manage_tenders", is_council_commissioner)
# Asking a clarification question and bidding: provider users, for their own organisation.
rules.add_perm("procurement.bid", is_provider_user)
# A bid's page and documents: its own provider's users; the authority's commissioners once opened.
rules.add_perm("procurement.view_bids", is_provider_user | is_council_commissioner)
