"""Who reaches each decommissioning page. The authority's commissioners reach all of it; the provider
named by the contract reads only the status and dates once notice is served; forum members, evaluators,
approvers and support staff get 403 for the kind of page; another authority's or another provider's
decommissioning answers 404 exactly like a missing one."""

import pytest
from django.urls import reverse

from tests.access import ObjectCase, assert_access, assert_object_access, client_for, only

NS_COMMISSIONERS = {"commissioner_northshire": 200, "lead_northshire": 200}
PROVIDERS_FORBIDDEN = {"provider_oakfield": 403, "provider_riverside": 403}


def test_the_list_is_for_commissioners_and_providers(request, ns_served, sv_served):
    assert_access(
        request,
        reverse("contracts:decommissioning_list"),
        only(
            {
                **NS_COMMISSIONERS,
                "commissioner_southvale": 200,
                "provider_oakfield": 200,
                "provider_riverside": 200,
            }
        ),
    )


def test_the_list_shows_only_what_each_reaches(
    request, ns_served, sv_served, ns_contract, commissioner_northshire
):
    from . import helpers

    other = helpers.propose(
        type(ns_contract).objects.create(
            **{
                f.name: getattr(ns_contract, f.name)
                for f in ns_contract._meta.concrete_fields
                if f.name not in ("id", "reference", "status")
            },
            reference="NS-C-102",
        ),
        commissioner_northshire,
    )
    url = reverse("contracts:decommissioning_list")
    northshire = client_for(request, "commissioner_northshire").get(url).content.decode()
    assert "NS-C-101" in northshire and "NS-C-102" in northshire and "SV-C-101" not in northshire
    oakfield = client_for(request, "provider_oakfield").get(url).content.decode()
    # The provider sees the contract with notice served, not the bare proposal.
    assert "NS-C-101" in oakfield and "NS-C-102" not in oakfield and "SV-C-101" not in oakfield
    assert other.pk


def test_starting_is_for_the_contracts_authority(request, ns_contract, sv_contract):
    url = reverse("contracts:decommissioning_start", args=[ns_contract.pk])
    assert_access(request, url, only({**NS_COMMISSIONERS, "commissioner_southvale": 404}))
    missing = client_for(request, "commissioner_southvale").get(
        reverse("contracts:decommissioning_start", args=[999999])
    )
    assert missing.status_code == 404


def test_the_page_is_for_the_authority_and_the_provider_once_notice_is_served(request, ns_served, sv_served):
    url = reverse("contracts:decommissioning_detail", args=[ns_served.pk])
    assert_access(
        request,
        url,
        only(
            {
                **NS_COMMISSIONERS,
                "commissioner_southvale": 404,
                "provider_oakfield": 200,
                "provider_riverside": 404,
            }
        ),
    )
    missing = reverse("contracts:decommissioning_detail", args=[999999])
    assert_object_access(
        request,
        url_for=lambda d: reverse("contracts:decommissioning_detail", args=[d.pk]),
        own_object_for=lambda persona: ns_served,
        other_object=sv_served,
        missing_url=missing,
        cases=[
            ObjectCase(p, 200) for p in ("commissioner_northshire", "lead_northshire", "provider_oakfield")
        ],
    )
    assert_object_access(
        request,
        url_for=lambda d: reverse("contracts:decommissioning_detail", args=[d.pk]),
        own_object_for=lambda persona: sv_served,
        other_object=ns_served,
        missing_url=missing,
        cases=[ObjectCase(p, 200) for p in ("commissioner_southvale", "provider_riverside")],
    )


def test_the_provider_does_not_see_a_proposal(request, ns_proposed):
    url = reverse("contracts:decommissioning_detail", args=[ns_proposed.pk])
    assert client_for(request, "provider_oakfield").get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "fixture"),
    [
        ("decommissioning_approve", "ns_proposed"),
        ("decommissioning_notice", "ns_approved"),
        ("decommissioning_row_add", "ns_served"),
        ("decommissioning_communication_add", "ns_served"),
        ("decommissioning_complete", "ns_served"),
        ("decommissioning_cancel", "ns_served"),
    ],
)
def test_every_step_is_for_the_authoritys_commissioners(request, name, fixture, sv_served):
    decommissioning = request.getfixturevalue(fixture)
    url = reverse(f"contracts:{name}", args=[decommissioning.pk])
    assert_access(
        request, url, only({**NS_COMMISSIONERS, "commissioner_southvale": 404, **PROVIDERS_FORBIDDEN})
    )
    assert_object_access(
        request,
        url_for=lambda d: reverse(f"contracts:{name}", args=[d.pk]),
        own_object_for=lambda persona: decommissioning,
        other_object=sv_served,
        missing_url=reverse(f"contracts:{name}", args=[999999]),
        cases=[ObjectCase("commissioner_northshire", 200)],
    )


def test_an_exit_row_is_reached_only_through_its_own_decommissioning(
    request, ns_served, sv_served, commissioner_northshire, commissioner_southvale
):
    from contracts.services import decommissioning as services

    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-0001"
    )
    other = services.exit_row_add(
        decommissioning=sv_served, actor=commissioner_southvale, case_reference="SV-0001"
    )
    url = reverse("contracts:decommissioning_row_edit", args=[ns_served.pk, row.pk])
    assert_access(
        request, url, only({**NS_COMMISSIONERS, "commissioner_southvale": 404, **PROVIDERS_FORBIDDEN})
    )
    client = client_for(request, "commissioner_northshire")
    # Another authority's row, through one's own decommissioning or its own, is a 404.
    assert (
        client.get(reverse("contracts:decommissioning_row_edit", args=[ns_served.pk, other.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("contracts:decommissioning_row_edit", args=[sv_served.pk, other.pk])).status_code
        == 404
    )


def test_posting_a_step_is_refused_like_reading_it(request, ns_proposed):
    url = reverse("contracts:decommissioning_approve", args=[ns_proposed.pk])
    for persona, status in (
        ("forum_member", 403),
        ("provider_oakfield", 403),
        ("commissioner_southvale", 404),
    ):
        assert client_for(request, persona).post(url, {}).status_code == status
    ns_proposed.refresh_from_db()
    assert ns_proposed.status == "proposed"
