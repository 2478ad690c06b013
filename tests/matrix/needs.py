"""Needs: datasets, commissioned places, projections and feedback. The worked example of an entry.

Local datasets, places, projections and feedback belong to one council: its staff read them, its
commissioners change them, and the other council gets 404 as if they were missing. (Published statistics
are shared by every council; the dataset entry uses a council's own local data, the stricter case.)
"""

from needs.tests.factories import make_dataset
from needs.tests.test_planning_views import capacity_for, feedback_for, run_for
from tests.access import only
from tests.matrix import Entry

STAFF = ["commissioner_northshire", "lead_northshire", "evaluator_northshire", "finance_northshire",
         "legal_northshire", "commissioner_southvale"]  # fmt: skip
COMMISSIONERS = ["commissioner_northshire", "lead_northshire", "commissioner_southvale"]


def _status(personas, status):
    return only(dict.fromkeys(personas, status))


def dataset(side):
    return {"pk": make_dataset(imported_by=side.commissioner, organisation=side.council, source="local").pk}


def capacity(side):
    return {"pk": capacity_for(side.commissioner).pk}


def projection(side):
    return {"pk": run_for(side.commissioner).pk}


def feedback(side):
    return {"pk": feedback_for(side.commissioner).pk}


ENTRIES = [
    Entry(
        "needs:dataset_detail",
        make=dataset,
        get=_status(STAFF, 200),
        post=only({}, others=405, anonymous=302),
    ),
    # An empty form is refused with 400 and its errors.
    Entry(
        "needs:capacity_edit",
        make=capacity,
        get=_status(COMMISSIONERS, 200),
        post=_status(COMMISSIONERS, 400),
    ),
    Entry(
        "needs:capacity_delete",
        make=capacity,
        get=_status(COMMISSIONERS, 200),
        post=_status(COMMISSIONERS, 302),
    ),
    Entry(
        "needs:projection_detail",
        make=projection,
        get=_status(STAFF, 200),
        post=only({}, others=405, anonymous=302),
    ),
    Entry(
        "needs:feedback_edit",
        make=feedback,
        get=_status(COMMISSIONERS, 200),
        post=_status(COMMISSIONERS, 400),
    ),
]
