"""The profile of a council in the published files shows the numbers DfE published, unchanged.

Nottingham (E06000018) is in both shared EES files; the figures below were read off the CSVs by hand.
"""

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind, Role
from accounts.services import organisation_create, user_create
from needs.services.imports import dataset_import_file
from needs.tests.importers.support import shared

pytestmark = pytest.mark.django_db

FILES = ["ees/ehcp2025_sen_needs_all_plans_first6000.csv", "ees/ehcp2022_sen2_age_caseload.csv"]


@pytest.fixture
def nottingham_commissioner(db):
    council = organisation_create(
        name="Nottingham City Council",
        slug="nottingham",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        ons_code="E06000018",
    )
    person = user_create(
        email="commissioner@nottingham.test",
        full_name="N",
        organisation=council,
        roles=[Role.COMMISSIONER],
        password=None,
    )
    for name in FILES:
        path = shared(name)
        dataset_import_file(
            file=path, file_name=path.name, source=None, organisation=None, imported_by=person
        )
    return person


def test_the_profile_shows_the_published_figures_for_the_council(client, nottingham_commissioner):
    client.force_login(nottingham_commissioner)
    page = client.get(reverse("needs:profile")).text
    assert "Needs profile: Nottingham" in page
    assert "1,909" in page  # EHC plans, 2024/25
    assert "920" in page  # autistic spectrum disorder, 2024/25
    assert "48.2" in page  # ASD as % of all plans
    assert "47,444" in page  # the East Midlands region, 2024/25
    assert "1,311" in page  # EHC plans in calendar year 2022, from the older release
    assert "1,231" in page  # and 2021
