"""Who may do what with evaluation. These say which roles may use a page at all; which tender and which
bid a person reaches is settled by `procurement.selectors.evaluation` (panel membership, the conflict
declaration, the tender's authority), so anything outside that answers 404."""

import rules

from accounts.rules import is_evaluator, is_provider_user

from .common import is_council_commissioner

# The evaluation pages of a tender: its authority's commissioners and its panel's evaluators.
rules.add_perm("procurement.view_evaluation", is_council_commissioner | is_evaluator)
# Declaring conflicts and scoring bids: evaluators on the tender's panel.
rules.add_perm("procurement.score_bids", is_evaluator)
# Moderation: the tender's commissioners, or the evaluator marked as the panel's moderator.
rules.add_perm("procurement.moderate_bids", is_council_commissioner | is_evaluator)
# The panel, compliance checks, the recommendation, standstill and award: the tender's commissioners.
rules.add_perm("procurement.manage_evaluation", is_council_commissioner)
# An award letter: the bidder's own provider users, and the tender's commissioners.
rules.add_perm("procurement.view_award_letter", is_provider_user | is_council_commissioner)
# A provider's list of its own bids' outcomes.
rules.add_perm("procurement.view_own_outcomes", is_provider_user)
