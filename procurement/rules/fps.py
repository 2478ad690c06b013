"""Who may do what with purchasing systems, their lists, referrals and placement agreements.

The rules say which kind of person may use a page; which systems, referrals and agreements they reach is
settled by `procurement.selectors.fps` (a member authority's commissioners read the system and its list;
a referral and its IPA belong to the authority that made it; a provider reaches only what was sent to it).
"""

import rules

from accounts.rules import is_lead_commissioner, is_provider_user

from .common import in_local_authority, is_council_commissioner

is_council_lead_commissioner = is_lead_commissioner & in_local_authority

# Read a purchasing system of one's authority, its lots and its electronic list.
rules.add_perm("procurement.fps_view", is_council_commissioner)
# Create a purchasing system, add member authorities and lots, admit, suspend, reinstate and remove providers.
rules.add_perm("procurement.fps_manage", is_council_lead_commissioner)
# A provider's own places on purchasing systems: accept the overarching contract, keep its offer up to date.
rules.add_perm("procurement.fps_membership_own", is_provider_user)
# Refer a child, compare the answers, place, and write the Individual Placement Agreement.
rules.add_perm("procurement.fps_refer", is_council_commissioner)
# Answer the referrals sent to one's provider.
rules.add_perm("procurement.fps_respond", is_provider_user)
# Read placement agreements: the placing authority's commissioners and the provider's users.
rules.add_perm("procurement.fps_ipa_view", is_council_commissioner | is_provider_user)
# Read one membership: the member authorities' commissioners, and the provider's own users.
rules.add_perm("procurement.fps_membership_view", is_council_commissioner | is_provider_user)
