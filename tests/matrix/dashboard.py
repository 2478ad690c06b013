"""Dashboard: the evidence chain of a contract or a placement agreement, for its council's commissioners."""

from dashboard.tests.factories import make_chain, make_ipa, make_system
from tests.access import only
from tests.matrix import Entry

COMMISSIONERS = {"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 200}


def contract(side):
    return {"pk": make_chain(side.commissioner, side.provider, tag=side.name).contract.pk}


def placement(side):
    _, lot = make_system(side.commissioner, name=f"SEND FPS {side.name}")
    return {"pk": make_ipa(side.commissioner, lot, side.provider, reference=f"IPA-{side.name}").pk}


ENTRIES = [
    Entry("dashboard:contract_evidence", make=contract, get=only(COMMISSIONERS), post=only({}, others=405)),
    Entry("dashboard:ipa_evidence", make=placement, get=only(COMMISSIONERS), post=only({}, others=405)),
]
