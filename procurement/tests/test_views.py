import pytest
from django.urls import reverse

from procurement.services.compliance import insurance_add, provider_profile_get_or_create
from tests.access import assert_access, client_for, only

COUNCIL_COMMISSIONERS = ["commissioner_northshire", "lead_northshire", "commissioner_southvale"]


@pytest.fixture
def packs(oakfield, riverside):
    return {
        "oakfield": provider_profile_get_or_create(organisation=oakfield),
        "riverside": provider_profile_get_or_create(organisation=riverside),
    }


def test_own_pack_is_for_provider_users_only(request, packs):
    table = only({"provider_oakfield": 200, "provider_riverside": 200})
    assert_access(request, reverse("procurement:own_pack"), table)


def test_provider_sees_their_own_pack_with_flags(request, packs, provider_oakfield):
    import datetime

    from django.utils import timezone

    insurance_add(
        actor=provider_oakfield,
        profile=packs["oakfield"],
        kind="public_liability",
        insurer="Zurich",
        cover_pounds=5_000_000,
        expires_on=timezone.localdate() + datetime.timedelta(days=20),
    )
    page = client_for(request, "provider_oakfield").get(reverse("procurement:own_pack")).content.decode()
    assert "Oakfield School Ltd" in page and "Expires in 20 days" in page and "1 of 7 items in place" in page


def test_pack_list_is_for_council_commissioners(request, packs):
    assert_access(request, reverse("procurement:pack_list"), only({p: 200 for p in COUNCIL_COMMISSIONERS}))


def test_pack_detail_access(request, packs):
    assert_access(
        request,
        reverse("procurement:pack_detail", args=[packs["oakfield"].pk]),
        only({p: 200 for p in COUNCIL_COMMISSIONERS}),
    )
    for persona in COUNCIL_COMMISSIONERS:
        missing = reverse("procurement:pack_detail", args=[999999])
        assert client_for(request, persona).get(missing).status_code == 404


def test_navigation_links_providers_and_commissioners_to_the_packs(request, packs):
    """Providers see "Compliance pack", council commissioners "Provider compliance", forum members neither."""
    home = reverse("dashboard:home")
    provider = client_for(request, "provider_oakfield").get(home).content.decode()
    commissioner = client_for(request, "commissioner_southvale").get(home).content.decode()
    forum = client_for(request, "forum_member").get(home).content.decode()
    assert "Compliance pack" in provider and "Provider compliance" not in provider
    assert "Provider compliance" in commissioner and "Compliance pack" not in commissioner
    assert "Compliance pack" not in forum and "Provider compliance" not in forum


def test_pack_list_asks_the_same_number_of_queries_however_many_packs(request, packs, provider_oakfield):
    """Expiry flags for a page of packs come from two queries, not two per pack."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import OrganisationKind
    from accounts.services import organisation_create

    client = client_for(request, "commissioner_northshire")
    url = reverse("procurement:pack_list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    soon = timezone.localdate() + datetime.timedelta(days=10)
    insurance_add(
        actor=provider_oakfield, profile=packs["oakfield"], kind="public_liability", insurer="Zurich",
        cover_pounds=5_000_000, expires_on=soon,
    )  # fmt: skip
    few = queries()
    for number in range(10):
        organisation = organisation_create(
            name=f"Provider {number} Ltd", slug=f"provider-{number}", kind=OrganisationKind.PROVIDER
        )
        provider_profile_get_or_create(organisation=organisation)
    page = client.get(url).content.decode()
    assert "Provider 9 Ltd" in page and "Expires in 10 days" in page
    assert queries() == few
