"""Who may download the open contracting data.

The export holds only what a council publishes about its tenders anyway (see `procurement.ocds.build`),
so every signed-in person of the service may download it: council staff (their own authority's data),
providers, parent carer forum members and the operator's support staff (every authority's data). A
person with no role in their organisation may not.
"""

import rules

from accounts.rules import is_council_staff, is_forum_member, is_provider_user, is_staff_admin

may_download_open_data = is_council_staff | is_provider_user | is_forum_member | is_staff_admin

rules.add_perm("procurement.download_open_data", may_download_open_data)
