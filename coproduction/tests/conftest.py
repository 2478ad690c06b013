import datetime

import pytest
from django.utils import timezone

from commissioning.services.specifications import specification_create
from coproduction.services import comment_add, consultation_open

TODAY = timezone.localdate()


@pytest.fixture
def specification(commissioner_northshire):
    return specification_create(
        actor=commissioner_northshire,
        title="Short breaks for disabled children",
        sections={
            "aims": "Give families a break and children a good time.",
            "eligibility": "Children with an EHC plan aged 5 to 18.",
            "outcomes": [{"outcome": "Families feel supported", "measure": "Survey", "target": "80%"}],
        },
    )


@pytest.fixture
def southvale_pcf(db):
    from accounts.models import OrganisationKind
    from accounts.services import organisation_create

    return organisation_create(
        name="Southvale Parent Carer Forum", slug="southvale-pcf", kind=OrganisationKind.PARENT_CARER_FORUM
    )


@pytest.fixture
def consultation(commissioner_northshire, specification, northshire_pcf, forum_member):
    return consultation_open(
        actor=commissioner_northshire,
        specification=specification,
        opens_on=TODAY,
        closes_on=TODAY + datetime.timedelta(days=28),
        forums=[northshire_pcf],
    )


@pytest.fixture
def comment(consultation, forum_member):
    return comment_add(
        actor=forum_member, consultation=consultation, section="aims", text="Please include weekends."
    )
