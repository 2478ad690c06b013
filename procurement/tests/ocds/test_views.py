"""The open contracting data page and its download: who may, which authority's data, audited, only valid."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind
from accounts.services import organisation_create, user_create
from conftest import PASSWORD, PERSONAS
from core.models import AuditAction, AuditEvent
from procurement.ocds.validation import validate_release_package
from tests.access import assert_access, client_for, only

pytestmark = pytest.mark.django_db

PAGE = reverse("procurement:open_data")
DOWNLOAD = reverse("procurement:open_data_download")
NORTHSHIRE_STAFF = [
    "commissioner_northshire",
    "lead_northshire",
    "evaluator_northshire",
    "finance_northshire",
    "legal_northshire",
]


def _download(request, persona: str, query: str = "") -> dict:
    response = client_for(request, persona).get(DOWNLOAD + query)
    assert response.status_code == 200
    return json.loads(response.content)


def _buyers(package: dict) -> set[str]:
    return {release["buyer"]["name"] for release in package["releases"]}


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
def test_every_signed_in_role_may_read_the_open_data(request, tenders, url):
    """Published tender data is public information: council staff, providers, forum members and support
    staff all may; signed-out visitors are sent to sign in."""
    assert_access(request, url, only({persona: 200 for persona in PERSONAS}))


def test_a_person_with_no_role_may_not(client, tenders, oakfield):
    nobody = user_create(
        email="norole@oakfield.test", full_name="No Role", organisation=oakfield, roles=[], password=PASSWORD
    )
    client.force_login(nobody)
    assert client.get(PAGE).status_code == 403
    assert client.get(DOWNLOAD).status_code == 403


@pytest.mark.parametrize("persona", NORTHSHIRE_STAFF)
def test_council_staff_download_their_own_authoritys_tenders_only(request, tenders, persona):
    package = _download(request, persona, "?organisation=southvale")  # the parameter cannot widen it
    assert _buyers(package) == {"Northshire Council"}
    assert len(package["releases"]) == 6
    assert validate_release_package(package) == []


def test_another_council_downloads_its_own_tenders(request, tenders):
    assert _buyers(_download(request, "commissioner_southvale")) == {"Southvale Council"}


@pytest.mark.parametrize("persona", ["provider_oakfield", "forum_member", "staff_admin"])
def test_everyone_else_downloads_every_authority_or_one_they_choose(request, tenders, persona):
    assert _buyers(_download(request, persona)) == {"Northshire Council", "Southvale Council"}
    assert _buyers(_download(request, persona, "?organisation=southvale")) == {"Southvale Council"}
    assert client_for(request, persona).get(DOWNLOAD + "?organisation=oakfield").status_code == 404


def test_the_download_is_an_attachment_recorded_as_an_export(request, tenders, commissioner_northshire):
    response = client_for(request, "commissioner_northshire").get(DOWNLOAD)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="open-contracting-northshire-')
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, actor_id=commissioner_northshire.pk)
    assert event.detail == {"what": "open contracting data (OCDS)", "authority": "northshire", "releases": 6}


def test_the_page_says_what_the_file_holds_and_links_the_download(request, tenders):
    page = client_for(request, "commissioner_northshire").get(PAGE).content.decode()
    assert "<h1" in page and "Open contracting data" in page
    assert "6 tenders in the file" in page
    assert "Draft" not in page  # drafts are never counted
    assert DOWNLOAD in page
    assert "placeholder prefix ocds-0000000" in page


def test_a_provider_choosing_an_authority_gets_a_link_to_that_authoritys_file(request, tenders):
    page = client_for(request, "provider_oakfield").get(PAGE + "?organisation=southvale").content.decode()
    assert "1 tender in the file" in page
    assert f"{DOWNLOAD}?organisation=southvale" in page


def test_with_nothing_published_the_page_says_so_and_there_is_no_file(request, commissioner_northshire):
    client = client_for(request, "commissioner_northshire")
    page = client.get(PAGE).content.decode()
    assert "No tender has been published yet" in page
    assert DOWNLOAD not in page
    assert client.get(DOWNLOAD).status_code == 404


def test_an_invalid_package_is_never_served(request, tenders, monkeypatch):
    import procurement.views.ocds as views

    real = views.build_release_package

    def broken(**kwargs):
        package = real(**kwargs)
        package["releases"][0]["date"] = "yesterday"
        return package

    monkeypatch.setattr(views, "build_release_package", broken)
    response = client_for(request, "provider_oakfield").get(DOWNLOAD)
    assert response.status_code == 500
    assert "did not pass" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_health_partner_commissioner_downloads_every_authority(client, tenders):
    partner = organisation_create(name="Northshire ICB", slug="icb", kind=OrganisationKind.HEALTH_PARTNER)
    user = user_create(
        email="c@icb.test", full_name="Ian Bell", organisation=partner, roles=["commissioner"], password=None
    )
    client.force_login(user)
    package = json.loads(client.get(DOWNLOAD).content)
    assert _buyers(package) == {"Northshire Council", "Southvale Council"}


def test_the_page_counts_tenders_by_public_stage_and_hides_a_recommendation_not_yet_announced(
    request, tenders
):
    from procurement.models import Tender, TenderStatus

    Tender.objects.filter(pk=tenders["closed"].pk).update(status=TenderStatus.AWARD_RECOMMENDED)
    page = client_for(request, "provider_oakfield").get(PAGE + "?organisation=northshire").content.decode()
    assert "Award recommended" not in page
    assert "Bids opened, in evaluation" in page
    for label in ("Open for bids", "Award announced, in standstill", "Awarded", "Cancelled"):
        assert label in page
    assert "Closed for bids" not in page  # no tender is left at that stage


def test_only_people_outside_a_council_choose_an_authority(request, tenders):
    provider = client_for(request, "provider_oakfield").get(PAGE).content.decode()
    council = client_for(request, "commissioner_northshire").get(PAGE).content.decode()
    assert '<option value="southvale">Southvale Council</option>' in provider
    assert 'name="organisation"' not in council


def test_a_registered_prefix_shows_no_placeholder_warning(request, tenders, settings):
    settings.OCDS_OCID_PREFIX = "ocds-abc123"
    page = client_for(request, "forum_member").get(PAGE).content.decode()
    assert "placeholder prefix" not in page
