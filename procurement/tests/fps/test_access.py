"""Who reaches each purchasing system page. Commissioners of member authorities read the system and its
list; only the lead authority's lead commissioner manages it; a referral and its IPA belong to the
authority that made them (another authority, even a member, gets 404); a provider sees only the referrals
sent to it and its own IPAs; forum members, evaluators, approvers and support staff see none of it."""

import pytest
from django.urls import reverse

from tests.access import assert_access, client_for, only

MEMBER_COMMISSIONERS = ["commissioner_northshire", "lead_northshire", "commissioner_southvale"]
PROVIDERS = ["provider_oakfield", "provider_riverside"]


def test_system_list_is_for_council_commissioners(request, system):
    assert_access(
        request, reverse("procurement:fps_system_list"), only({p: 200 for p in MEMBER_COMMISSIONERS})
    )


def test_system_detail_is_for_member_authorities_and_404_for_another_council(
    request, system, lot, oakfield_place, commissioner_eastmoor
):
    url = reverse("procurement:fps_system_detail", args=[system.pk])
    assert_access(request, url, only({p: 200 for p in MEMBER_COMMISSIONERS}))
    eastmoor = client_for(request, "commissioner_eastmoor")
    assert eastmoor.get(url).status_code == 404
    missing = eastmoor.get(reverse("procurement:fps_system_detail", args=[999999]))
    assert missing.status_code == 404


def test_electronic_list_and_downloads_are_for_member_authorities(
    request, system, oakfield_place, commissioner_eastmoor
):
    for url in (
        reverse("procurement:fps_list", args=[system.pk]),
        reverse("procurement:fps_list_export", args=[system.pk, "csv"]),
        reverse("procurement:fps_list_export", args=[system.pk, "xlsx"]),
    ):
        assert_access(request, url, only({p: 200 for p in MEMBER_COMMISSIONERS}))
        assert client_for(request, "commissioner_eastmoor").get(url).status_code == 404


def test_system_create_is_for_lead_commissioners(request):
    assert_access(request, reverse("procurement:fps_system_create"), only({"lead_northshire": 200}))


@pytest.mark.parametrize("name", ["fps_member_add", "fps_lot_add", "fps_membership_admit"])
def test_managing_a_system_is_for_its_lead_authoritys_lead_commissioner(
    request, system, name, lead_southvale
):
    url = reverse(f"procurement:{name}", args=[system.pk])
    assert_access(request, url, only({"lead_northshire": 200}))
    # A lead commissioner at a member authority does not manage another authority's system.
    assert client_for(request, "lead_southvale").get(url).status_code == 404


def test_membership_detail_for_members_and_the_provider_itself(
    request, oakfield_place, commissioner_eastmoor
):
    url = reverse("procurement:fps_membership_detail", args=[oakfield_place.pk])
    assert_access(
        request,
        url,
        only({**{p: 200 for p in MEMBER_COMMISSIONERS}, "provider_oakfield": 200, "provider_riverside": 404}),
    )
    assert client_for(request, "commissioner_eastmoor").get(url).status_code == 404


@pytest.mark.parametrize(
    "name", ["fps_membership_suspend", "fps_membership_reinstate", "fps_membership_remove"]
)
def test_membership_moves_are_for_the_lead(request, oakfield_place, name, lead_southvale):
    url = reverse(f"procurement:{name}", args=[oakfield_place.pk])
    assert_access(request, url, only({"lead_northshire": 200}))
    assert client_for(request, "lead_southvale").get(url).status_code == 404


@pytest.mark.parametrize("name", ["fps_membership_accept", "fps_membership_offer"])
def test_a_provider_keeps_only_its_own_place(request, oakfield_place, name):
    url = reverse(f"procurement:{name}", args=[oakfield_place.pk])
    assert_access(request, url, only({"provider_oakfield": 200, "provider_riverside": 404}))


def test_my_places_is_for_providers(request, oakfield_place):
    assert_access(request, reverse("procurement:fps_my_memberships"), only({p: 200 for p in PROVIDERS}))


def test_referral_pages_are_for_council_commissioners(request, system):
    assert_access(
        request, reverse("procurement:fps_referral_list"), only({p: 200 for p in MEMBER_COMMISSIONERS})
    )
    assert_access(
        request, reverse("procurement:fps_referral_create"), only({p: 200 for p in MEMBER_COMMISSIONERS})
    )


@pytest.mark.parametrize("name", ["fps_referral_detail", "fps_referral_direct_award", "fps_referral_cancel"])
def test_a_referral_belongs_to_its_authority(request, referral, name, commissioner_eastmoor):
    """Southvale is a member of the same system and still gets 404 for Northshire's referral."""
    url = reverse(f"procurement:{name}", args=[referral.pk])
    table = only({"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 404})
    assert_access(request, url, table)
    assert client_for(request, "commissioner_eastmoor").get(url).status_code == 404
    # Another authority's referral cannot be told apart from a missing one.
    southvale = client_for(request, "commissioner_southvale")
    other = southvale.get(url)
    missing = southvale.get(reverse(f"procurement:{name}", args=[999999]))
    assert other.status_code == missing.status_code == 404


def test_referral_select_belongs_to_its_authority(request, referral, provider_oakfield):
    from .factories import answer

    response = answer(referral, provider_oakfield)
    url = reverse("procurement:fps_referral_select", args=[referral.pk, response.pk])
    assert_access(
        request,
        url,
        only({"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 404}),
    )


def test_providers_see_only_referrals_sent_to_them(
    request, referral, lot, lead_northshire, provider_riverside
):
    url = reverse("procurement:fps_received_detail", args=[referral.pk])
    assert_access(request, url, only({"provider_oakfield": 200, "provider_riverside": 200}))
    assert_access(request, reverse("procurement:fps_received_list"), only({p: 200 for p in PROVIDERS}))


def test_a_provider_not_sent_the_referral_gets_404(request, commissioner_northshire, lot, oakfield_place):
    from procurement.services.referrals import referral_send

    from .factories import make_referral

    referral = referral_send(
        referral=make_referral(commissioner_northshire, lot), actor=commissioner_northshire
    )
    url = reverse("procurement:fps_received_detail", args=[referral.pk])
    assert_access(request, url, only({"provider_oakfield": 200, "provider_riverside": 404}))


def test_a_draft_referral_is_not_seen_by_providers(request, commissioner_northshire, lot, oakfield_place):
    from .factories import make_referral

    referral = make_referral(commissioner_northshire, lot)
    url = reverse("procurement:fps_received_detail", args=[referral.pk])
    assert client_for(request, "provider_oakfield").get(url).status_code == 404


def test_an_ipa_is_seen_by_its_authority_and_its_provider_only(request, ipa, commissioner_eastmoor):
    for name in ("fps_ipa_detail", "fps_ipa_pdf"):
        url = reverse(f"procurement:{name}", args=[ipa.pk])
        table = only(
            {
                "commissioner_northshire": 200,
                "lead_northshire": 200,
                "commissioner_southvale": 404,
                "provider_oakfield": 200,
                "provider_riverside": 404,
            }
        )
        assert_access(request, url, table)
        assert client_for(request, "commissioner_eastmoor").get(url).status_code == 404


def test_ipa_create_is_for_the_referring_authority(
    request, referral, provider_oakfield, commissioner_northshire
):
    from procurement.services.referrals import referral_select

    from .factories import answer

    response = answer(referral, provider_oakfield)
    referral_select(referral=referral, response=response, actor=commissioner_northshire)
    url = reverse("procurement:fps_ipa_create", args=[referral.pk])
    assert_access(
        request,
        url,
        only({"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 404}),
    )


def test_ipa_list_for_council_commissioners_and_providers(request, ipa, southvale_ipa):
    table = only({**{p: 200 for p in MEMBER_COMMISSIONERS}, **{p: 200 for p in PROVIDERS}})
    assert_access(request, reverse("procurement:fps_ipa_list"), table)
    northshire = client_for(request, "commissioner_northshire").get(reverse("procurement:fps_ipa_list"))
    assert ipa.reference in northshire.content.decode()
    assert southvale_ipa.reference not in northshire.content.decode()
    assert "SV-88123" not in northshire.content.decode()
    riverside = (
        client_for(request, "provider_riverside").get(reverse("procurement:fps_ipa_list")).content.decode()
    )
    assert southvale_ipa.reference in riverside and ipa.reference not in riverside


def test_northshire_never_sees_southvales_referral_in_its_list(request, referral, southvale_referral):
    page = client_for(request, "commissioner_northshire").get(reverse("procurement:fps_referral_list"))
    assert "NS-2026-0457" in page.content.decode() and "SV-88123" not in page.content.decode()
