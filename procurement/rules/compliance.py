"""Who may do what with compliance packs: a provider user keeps their own organisation's pack; a council
commissioner (any local authority) reads every pack and records financial checks.

Pack documents (insurance certificates, registration certificates, statements of purpose, policies) are
open to any signed-in member at the permission level and settled by the scoped selectors: a provider
user reaches their own pack's, a council commissioner every pack's, and anyone else gets 404, exactly
like a missing document."""

import rules

from accounts.rules import is_provider_user
from core.rules import is_signed_in_member

from .common import is_council_commissioner

rules.add_perm("procurement.edit_own_pack", is_provider_user)
rules.add_perm("procurement.view_packs", is_council_commissioner)
rules.add_perm("procurement.record_financial_check", is_council_commissioner)
rules.add_perm("procurement.download_pack_document", is_signed_in_member)
