"""Who may do what with compliance packs: a provider user keeps their own organisation's pack; a council
commissioner (any local authority) reads every pack and records financial checks."""

import rules

from accounts.rules import is_provider_user

from .common import is_council_commissioner

rules.add_perm("procurement.edit_own_pack", is_provider_user)
rules.add_perm("procurement.view_packs", is_council_commissioner)
rules.add_perm("procurement.record_financial_check", is_council_commissioner)
