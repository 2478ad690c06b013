"""Commissioning: intentions, business cases and specifications belong to one council.

Its staff (commissioners, evaluators, approvers) read them, its commissioners write them, and the other
council's commissioner gets 404 as if they were missing. Forum members, providers and the operator's
staff are refused by role (403) before any lookup.
"""

from commissioning.services import business_cases as case_services
from commissioning.services import specifications as spec_services
from commissioning.tests.test_business_cases import case_for
from commissioning.tests.test_intentions import intention_for
from commissioning.tests.test_specifications import sections_for
from tests.access import only
from tests.matrix import Entry

STAFF = ["commissioner_northshire", "lead_northshire", "evaluator_northshire", "finance_northshire",
         "legal_northshire", "commissioner_southvale"]  # fmt: skip
COMMISSIONERS = ["commissioner_northshire", "lead_northshire", "commissioner_southvale"]
GET_ONLY = only({}, others=405)
# Class-based PDF views check the permission before the method: refused roles get 403 to a POST too.
PDF_POST = only(dict.fromkeys(STAFF, 405))
# Those who may record a decision at some step (commissioners record Cabinet's), but not Finance's.
APPROVERS_NOT_AT_FINANCE = [
    "commissioner_northshire",
    "lead_northshire",
    "legal_northshire",
    "commissioner_southvale",
]
LOOKED_UP = dict.fromkeys(STAFF, 404)


def _status(personas, status):
    return only(dict.fromkeys(personas, status))


def intention(side):
    return {"pk": intention_for(side.commissioner).pk}


def draft_case(side):
    return {"pk": case_for(side.commissioner, title=f"Draft case {side.name}").pk}


def submitted_case(side):
    case = case_for(side.commissioner, title=f"Submitted case {side.name}")
    case_services.business_case_submit(case=case, actor=side.commissioner)
    return {"pk": case.pk}


def submitted_case_version(side):
    return {**submitted_case(side), "number": 1}


def specification(side):
    spec = spec_services.specification_create(
        actor=side.commissioner, title=f"Autism outreach {side.name}", sections=sections_for()
    )
    return {"pk": spec.pk}


def specification_version(side):
    return {**specification(side), "number": 1}


ENTRIES = [
    Entry("commissioning:intention_detail", make=intention, get=_status(STAFF, 200), post=GET_ONLY),
    Entry(
        "commissioning:intention_edit",
        make=intention,
        get=_status(COMMISSIONERS, 200),
        post=_status(COMMISSIONERS, 400),
    ),
    Entry("commissioning:case_detail", make=submitted_case, get=_status(STAFF, 200), post=GET_ONLY),
    Entry("commissioning:case_pdf", make=submitted_case, get=_status(STAFF, 200), post=PDF_POST),
    Entry("commissioning:case_version", make=submitted_case_version, get=_status(STAFF, 200), post=GET_ONLY),
    Entry(
        "commissioning:case_edit",
        make=draft_case,
        get=_status(COMMISSIONERS, 200),
        post=_status(COMMISSIONERS, 400),
    ),
    Entry(
        "commissioning:case_submit",
        make=draft_case,
        get=_status(COMMISSIONERS, 200),
        post=_status(COMMISSIONERS, 302),
    ),
    Entry(
        "commissioning:case_decide",
        make=submitted_case,
        get=only({"finance_northshire": 200}),
        post=only({"finance_northshire": 400, **dict.fromkeys(APPROVERS_NOT_AT_FINANCE, 302)}),
        # Council staff are refused after the lookup (the case is theirs but not at their step), so the
        # other council's case and a missing one are 404 to them.
        other_get=LOOKED_UP,
        other_post=LOOKED_UP,
        missing_get=LOOKED_UP,
        missing_post=LOOKED_UP,
        note="Submitted, so at the Finance step: only Finance may decide. An approver at another step who "
        "posts is sent back to the case with a message that it is not waiting for them.",
    ),
    Entry("commissioning:spec_detail", make=specification, get=_status(STAFF, 200), post=GET_ONLY),
    Entry(
        "commissioning:spec_edit",
        make=specification,
        get=_status(COMMISSIONERS, 200),
        post=_status(COMMISSIONERS, 400),
    ),
    Entry(
        "commissioning:spec_status",
        make=specification,
        get=_status(COMMISSIONERS, 200),
        post=_status(COMMISSIONERS, 400),
        note="The page confirms approving the draft; posting it with its action approves and locks the "
        "version. A POST that names no action is refused (it once approved by default).",
    ),
    Entry("commissioning:spec_version", make=specification_version, get=_status(STAFF, 200), post=GET_ONLY),
    Entry("commissioning:spec_pdf", make=specification_version, get=_status(STAFF, 200), post=PDF_POST),
    Entry("commissioning:spec_diff", make=specification, get=_status(STAFF, 200), post=GET_ONLY),
]
