"""The purchasing system's pages do what they say: forms save through the services and explain their
errors, POST-only actions refuse everyone but the lead or the referring authority, and list pages read a
fixed number of queries however many rows they show."""

import pytest
from django.urls import reverse

from procurement.models import FpsLot, Membership, PurchasingSystem, ReferralStatus
from procurement.services import referrals as referral_services
from tests.access import assert_access, client_for, only

from .factories import answer, make_referral, place


def test_the_lead_creates_a_system_through_the_form(request):
    client = client_for(request, "lead_northshire")
    url = reverse("procurement:fps_system_create")
    refused = client.post(url, {"name": ""})
    assert (
        refused.status_code == 400 and "Enter the name of the purchasing system" in refused.content.decode()
    )
    response = client.post(
        url,
        {
            "kind": "fps",
            "name": "Test FPS",
            "overarching_contract_title": "Agreement",
            "overarching_contract_terms": "Terms",
            "annual_check_month": "4",
            "annual_check_day": "1",
            "starts_on_0": "1",
            "starts_on_1": "4",
            "starts_on_2": "2026",
        },
    )
    system = PurchasingSystem.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/fps/{system.pk}/")


def test_the_lead_adds_a_lot_a_member_and_a_provider_through_the_forms(request, system, eastmoor, oakfield):
    client = client_for(request, "lead_northshire")
    refused = client.post(
        reverse("procurement:fps_lot_add", args=[system.pk]), {"code": "L1", "age_from": "9", "age_to": "3"}
    )
    assert refused.status_code == 400
    client.post(
        reverse("procurement:fps_lot_add", args=[system.pk]),
        {"code": "L1", "title": "0–16 day", "age_from": "0", "age_to": "16"},
    )
    lot = FpsLot.objects.get(system=system)
    client.post(reverse("procurement:fps_member_add", args=[system.pk]), {"authority": eastmoor.pk})
    assert system.member_authorities.filter(pk=eastmoor.pk).exists()
    client.post(
        reverse("procurement:fps_membership_admit", args=[system.pk]),
        {"lot": lot.pk, "provider": oakfield.pk, "reason": "On the old list"},
    )
    assert Membership.objects.filter(lot=lot, provider=oakfield, contract_accepted_at__isnull=True).exists()


@pytest.mark.parametrize("name", ["fps_member_remove", "fps_admit_from_round"])
def test_post_only_system_actions_refuse_everyone_but_the_lead(
    request, system, southvale, name, lead_southvale
):
    url = reverse(f"procurement:{name}", args=[system.pk, southvale.pk])
    table = only({"lead_northshire": 404 if name == "fps_admit_from_round" else 302}, others=403)
    # Southvale is a member, not a tender: admitting from it answers 404 to the lead.
    assert_access(request, url, table, method="post")
    assert client_for(request, "lead_southvale").post(url).status_code == 404
    assert client_for(request, "lead_northshire").get(url).status_code == 405


def test_sending_a_referral_is_for_its_own_authority(request, commissioner_northshire, lot, oakfield_place):
    referral = make_referral(commissioner_northshire, lot)
    url = reverse("procurement:fps_referral_send", args=[referral.pk])
    table = only({"commissioner_southvale": 404})
    table["commissioner_northshire"] = 302
    table["lead_northshire"] = 302  # the second POST is told the referral was already sent
    assert_access(request, url, table, method="post")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT and referral.responses.count() == 1


def test_the_comparison_page_selects_through_a_confirmation(request, referral, provider_oakfield):
    response = answer(referral, provider_oakfield)
    client = client_for(request, "commissioner_northshire")
    url = reverse("procurement:fps_referral_select", args=[referral.pk, response.pk])
    assert "1 provider has not answered yet" in client.get(url).content.decode()
    redirect = client.post(url)
    assert redirect.status_code == 302 and redirect["Location"].endswith(
        f"/referrals/{referral.pk}/agreement/"
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PLACED


def test_the_direct_award_page_needs_a_justification(request, referral, riverside):
    client = client_for(request, "commissioner_northshire")
    url = reverse("procurement:fps_referral_direct_award", args=[referral.pk])
    assert "Riverside Learning Trust" in client.get(url).content.decode()
    refused = client.post(url, {"provider": riverside.pk})
    assert refused.status_code == 400 and "Enter why a direct award is justified" in refused.content.decode()
    client.post(url, {"provider": riverside.pk, "justification": "Sibling placed there"})
    referral.refresh_from_db()
    assert referral.placement_route == "direct_award"


def test_the_cancel_page_needs_a_reason_and_a_cancelled_referral_stays_cancelled(request, referral):
    client = client_for(request, "commissioner_northshire")
    url = reverse("procurement:fps_referral_cancel", args=[referral.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    client.post(url, {"reason": "Family moved away"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED
    again = client.post(url, {"reason": "Again"})
    assert again.status_code == 400 and "cannot become cancelled" in again.content.decode()


def test_a_placed_referral_links_to_its_agreement(request, ipa, referral):
    page = client_for(request, "commissioner_northshire").get(
        reverse("procurement:fps_referral_detail", args=[referral.pk])
    )
    assert ipa.reference in page.content.decode()
    agreement = client_for(request, "commissioner_northshire").get(
        reverse("procurement:fps_ipa_create", args=[referral.pk])
    )
    assert agreement.status_code == 302 and agreement["Location"].endswith(f"/agreements/{ipa.pk}/")


def test_the_provider_selected_sees_the_agreement_from_the_referral(request, ipa, referral):
    page = client_for(request, "provider_oakfield").get(
        reverse("procurement:fps_received_detail", args=[referral.pk])
    )
    assert ipa.reference in page.content.decode()
    other = client_for(request, "provider_riverside").get(
        reverse("procurement:fps_received_detail", args=[referral.pk])
    )
    assert ipa.reference not in other.content.decode() and "Not selected" in other.content.decode()


def test_the_agreement_pdf_download_is_audited(request, ipa):
    from core.models import AuditEvent

    client_for(request, "commissioner_northshire").get(reverse("procurement:fps_ipa_pdf", args=[ipa.pk]))
    assert AuditEvent.objects.filter(action="download", target_id=str(ipa.pk)).exists()


def _referrals(count, commissioner, lot):
    referrals = []
    for number in range(count):
        referral = make_referral(commissioner, lot, case_reference=f"NS-2026-{number:04d}")
        referrals.append(referral_services.referral_send(referral=referral, actor=commissioner))
    return referrals


@pytest.mark.parametrize("count", [2, 20])
def test_referral_pages_read_a_fixed_number_of_queries(
    request,
    count,
    commissioner_northshire,
    lot,
    oakfield_place,
    riverside_place,
    django_assert_max_num_queries,
):
    _referrals(count, commissioner_northshire, lot)
    commissioner = client_for(request, "commissioner_northshire")
    provider = client_for(request, "provider_oakfield")
    with django_assert_max_num_queries(12):
        listed = commissioner.get(reverse("procurement:fps_referral_list"))
    assert listed.context["page"].paginator.count == count
    with django_assert_max_num_queries(12):
        received = provider.get(reverse("procurement:fps_received_list"))
    assert received.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [2, 20])
def test_agreement_and_places_lists_read_a_fixed_number_of_queries(
    request,
    count,
    commissioner_northshire,
    provider_oakfield,
    lot,
    oakfield_place,
    riverside_place,
    django_assert_max_num_queries,
):
    for referral in _referrals(count, commissioner_northshire, lot):
        place(referral, commissioner_northshire, provider_oakfield)
    client = client_for(request, "provider_oakfield")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("procurement:fps_ipa_list"))
    assert page.context["page"].paginator.count == count
    with django_assert_max_num_queries(12):
        assert client.get(reverse("procurement:fps_my_memberships")).status_code == 200


def test_an_authority_that_left_the_system_can_no_longer_refer_but_keeps_its_referrals(
    request, southvale_referral, lot, lead_northshire, southvale, commissioner_southvale
):
    from django.core.exceptions import PermissionDenied

    from procurement.services.fps import purchasing_system_member_remove

    purchasing_system_member_remove(system=lot.system, actor=lead_northshire, authority=southvale)
    with pytest.raises(PermissionDenied):
        make_referral(commissioner_southvale, lot, case_reference="SV-2")
    page = client_for(request, "commissioner_southvale").get(reverse("procurement:fps_referral_create"))
    assert "cannot refer a child yet" in page.content.decode()
    detail = reverse("procurement:fps_referral_detail", args=[southvale_referral.pk])
    assert client_for(request, "commissioner_southvale").get(detail).status_code == 200
