"""Co-production: a consultation on a council's specification, open to the forums it invites.

The council's staff read it, its commissioners run it, the invited forum's members read and comment; the
other council and forums not invited get 404 as if it were missing.
"""

import datetime

from django.utils import timezone

from commissioning.services.specifications import specification_create
from coproduction.models import Outcome
from coproduction.services import (
    comment_add,
    consultation_close,
    consultation_complete,
    consultation_open,
    response_record,
)
from tests.access import only
from tests.matrix import Entry

STAFF = ["commissioner_northshire", "lead_northshire", "evaluator_northshire", "finance_northshire",
         "legal_northshire", "commissioner_southvale"]  # fmt: skip
COMMISSIONERS = ["commissioner_northshire", "lead_northshire", "commissioner_southvale"]
GET_ONLY = only({}, others=405)


def _status(personas, status, **extra):
    return only({**dict.fromkeys(personas, status), **extra})


def _consultation(side):
    today = timezone.localdate()
    specification = specification_create(
        actor=side.commissioner,
        title=f"Short breaks {side.name}",
        sections={"aims": "Give families a break.", "eligibility": "Children with an EHC plan."},
    )
    return consultation_open(
        actor=side.commissioner,
        specification=specification,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=28),
        forums=[side.forum],
    )


def _comment(side, consultation):
    author = side.persona("forum_member") if side.is_a else side.user("forum_member", organisation=side.forum)
    return comment_add(
        actor=author, consultation=consultation, section="aims", text="Please include weekends."
    )


def consultation(side):
    return {"pk": _consultation(side).pk}


def consultation_section(side):
    return {"pk": _consultation(side).pk, "section": "aims"}


def comment(side):
    made = _comment(side, _consultation(side))
    return {"pk": made.consultation_id, "comment_pk": made.pk}


def commented(side):
    return {"pk": _comment(side, _consultation(side)).consultation_id}


def completed(side):
    made = _comment(side, _consultation(side))
    response_record(
        actor=side.commissioner, comment=made, outcome=Outcome.NOT_ACCEPTED, explanation="Not yet."
    )
    consultation_close(actor=side.commissioner, consultation=made.consultation)
    consultation_complete(actor=side.commissioner, consultation=made.consultation)
    return {"pk": made.consultation_id}


READERS = _status(STAFF, 200, forum_member=200)

ENTRIES = [
    Entry("coproduction:consultation_detail", make=consultation, get=READERS, post=GET_ONLY),
    Entry(
        "coproduction:comment_add",
        make=consultation_section,
        get=only({}, others=405),
        post=only({"forum_member": 400}),
        note="POST only: the comment form is on the consultation page.",
    ),
    Entry(
        "coproduction:response_add",
        make=comment,
        get=_status(COMMISSIONERS, 200),
        post=_status(COMMISSIONERS, 400),
    ),
    Entry(
        "coproduction:consultation_close",
        make=consultation,
        get=_status(COMMISSIONERS, 200),
        post=_status(COMMISSIONERS, 302),
    ),
    Entry(
        "coproduction:consultation_complete",
        make=commented,
        get=_status(COMMISSIONERS, 200),
        post=_status(COMMISSIONERS, 400),
    ),
    Entry("coproduction:you_said_we_did", make=completed, get=READERS, post=GET_ONLY),
    Entry(
        "coproduction:you_said_we_did_pdf",
        make=completed,
        get=READERS,
        post=_status(STAFF, 405, forum_member=405),
        note="A class-based view: refused roles get 403 before the method is checked.",
    ),
]
