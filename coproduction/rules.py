"""Who may do what with consultations. Council staff and forum members read (each only what the scoped
selectors give them); commissioners run consultations and answer; forum members comment."""

import rules

from accounts.rules import is_commissioner, is_council_staff, is_forum_member

rules.add_perm("coproduction.view", is_council_staff | is_forum_member)
rules.add_perm("coproduction.manage", is_commissioner)
rules.add_perm("coproduction.comment", is_forum_member)
