"""The electronic list: filters, pages, downloads safe to open in a spreadsheet, and a number of queries
that does not grow with the rows."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import OrganisationKind, Role
from accounts.services import organisation_create, user_create
from procurement.models import Judgement
from procurement.services import compliance
from procurement.services import fps as fps_services
from tests.access import client_for

from .factories import admit


def _provider(name: str, slug: str):
    organisation = organisation_create(name=name, slug=slug, kind=OrganisationKind.PROVIDER)
    return user_create(
        email=f"user@{slug}.test",
        full_name=f"User of {name}",
        organisation=organisation,
        roles=[Role.PROVIDER_USER],
        password="a-long-enough-password",
    )


def _judge(user, judgement: str, days_ago: int, name: str = "Main site"):
    profile = compliance.provider_profile_get_or_create(organisation=user.organisation)
    compliance.setting_add(
        actor=user,
        profile=profile,
        name=name,
        urn=f"1{days_ago:05d}",
        judgement=judgement,
        judgement_date=datetime.date(2026, 1, 1) - datetime.timedelta(days=days_ago),
    )


def _rows(request, system, **params):
    response = client_for(request, "commissioner_southvale").get(
        reverse("procurement:fps_list", args=[system.pk]), params
    )
    assert response.status_code == 200
    return [m.provider.slug for m in response.context["page"].object_list]


def test_filters_by_lot_need_age_area_judgement_and_places(
    request, system, lot, lot2, lead_northshire, provider_oakfield, provider_riverside
):
    admit(lot, provider_oakfield, lead_northshire, needs=("ASD",), area="Greater Manchester", places=2)
    riverside = admit(
        lot, provider_riverside, lead_northshire, needs=("SEMH", "SLD"), area="Cheshire", places=0
    )
    fps_services.membership_offer_update(
        membership=riverside,
        actor=provider_riverside,
        needs_met=["SEMH", "SLD"],
        age_from=11,
        age_to=16,
        area="Cheshire",
        places_available=0,
    )
    admit(lot2, provider_oakfield, lead_northshire, needs=("PMLD",), area="Lancashire", places=5)
    # Oakfield's latest judgement is Good (an older Outstanding is superseded); Riverside's is Outstanding.
    _judge(provider_oakfield, Judgement.OUTSTANDING, 900, name="Old site")
    _judge(provider_oakfield, Judgement.GOOD, 100)
    _judge(provider_riverside, Judgement.OUTSTANDING, 50)

    assert sorted(_rows(request, system)) == ["oakfield", "oakfield", "riverside"]
    assert _rows(request, system, lot=lot2.pk) == ["oakfield"]
    assert _rows(request, system, need="SLD") == ["riverside"]
    assert _rows(request, system, need="SEMH", lot=lot.pk) == ["riverside"]
    assert sorted(_rows(request, system, age=8)) == ["oakfield", "oakfield"]
    assert _rows(request, system, area="cheshire") == ["riverside"]
    assert _rows(request, system, judgement=Judgement.OUTSTANDING) == ["riverside"]
    assert sorted(_rows(request, system, judgement=Judgement.GOOD)) == ["oakfield", "oakfield"]
    assert sorted(_rows(request, system, min_places=1)) == ["oakfield", "oakfield"]
    assert _rows(request, system, min_places=3) == ["oakfield"]


def test_a_need_code_does_not_match_a_longer_code(request, system, lot, lead_northshire, provider_oakfield):
    admit(lot, provider_oakfield, lead_northshire, needs=("PMLD",))
    assert _rows(request, system, need="MLD") == []


def test_suspended_and_removed_places_are_not_on_the_list(
    request, system, oakfield_place, riverside_place, lead_northshire
):
    fps_services.membership_suspend(membership=oakfield_place, actor=lead_northshire, reason="Lapsed")
    assert _rows(request, system) == ["riverside"]
    fps_services.membership_remove(membership=riverside_place, actor=lead_northshire, reason="Closed")
    assert _rows(request, system) == []


def test_an_unaccepted_place_is_listed_as_awaiting_acceptance(
    request, system, lot, lead_northshire, provider_oakfield
):
    admit(lot, provider_oakfield, lead_northshire, accept=False)
    page = client_for(request, "commissioner_northshire").get(
        reverse("procurement:fps_list", args=[system.pk])
    )
    assert "Awaiting acceptance" in page.content.decode()


def test_an_invalid_filter_is_explained(request, system, oakfield_place):
    response = client_for(request, "commissioner_northshire").get(
        reverse("procurement:fps_list", args=[system.pk]), {"age": "ten"}
    )
    assert response.status_code == 400 and "There is a problem" in response.content.decode()


@pytest.fixture
def formula_provider(system, lot, lead_northshire):
    user = _provider('=HYPERLINK("http://evil.example")', "formula")
    return admit(lot, user, lead_northshire, area="+44 area")


def test_csv_download_escapes_formulas_and_keeps_the_filters(
    request, system, formula_provider, oakfield_place, lot2
):
    client = client_for(request, "commissioner_northshire")
    url = reverse("procurement:fps_list_export", args=[system.pk, "csv"])
    response = client.get(url, {"area": "44"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][1] == "Provider"
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][5] == "'+44 area"


def test_xlsx_download_escapes_formulas(request, system, formula_provider):
    response = client_for(request, "commissioner_northshire").get(
        reverse("procurement:fps_list_export", args=[system.pk, "xlsx"])
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in sheet[2]]
    assert values[1] == '\'=HYPERLINK("http://evil.example")'
    assert all(not str(value).startswith("=") for value in values if value is not None)


def test_an_unknown_download_format_is_404(request, system):
    url = reverse("procurement:fps_list_export", args=[system.pk, "pdf"])
    assert client_for(request, "commissioner_northshire").get(url).status_code == 404


def _fill(count, system, lot, lead):
    for number in range(count):
        user = _provider(f"Provider {number:03d}", f"provider-{number:03d}")
        admit(lot, user, lead, needs=("ASD",))
        _judge(user, Judgement.GOOD, 10 + number)


@pytest.mark.parametrize("count", [2, 20])
def test_list_queries_do_not_grow_with_rows(
    request, system, lot, lead_northshire, count, django_assert_max_num_queries
):
    _fill(count, system, lot, lead_northshire)
    client = client_for(request, "commissioner_southvale")
    url = reverse("procurement:fps_list", args=[system.pk])
    # 15: one is two-factor sign-in's check that the session's authenticator app still exists.
    with django_assert_max_num_queries(15):
        response = client.get(url, {"need": "ASD", "judgement": Judgement.GOOD})
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [2, 20])
def test_download_and_system_page_queries_do_not_grow_with_rows(
    request, system, lot, lead_northshire, count, django_assert_max_num_queries
):
    _fill(count, system, lot, lead_northshire)
    client = client_for(request, "lead_northshire")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("procurement:fps_list_export", args=[system.pk, "csv"]))
    assert response.content.decode("utf-8-sig").count("\r\n") == count + 1
    with django_assert_max_num_queries(16):
        assert client.get(reverse("procurement:fps_system_detail", args=[system.pk])).status_code == 200
