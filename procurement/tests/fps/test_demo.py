"""The demo purchasing system: made once, believable, and safe to seed twice."""

import pytest
from django.urls import reverse

from accounts.models import User
from dashboard.demo import fps, people
from procurement.models import (
    FpsLot,
    IndividualPlacementAgreement,
    Membership,
    MembershipStatus,
    PurchasingSystem,
    Referral,
    ReferralStatus,
)
from procurement.selectors.fps import referrals_for_user


@pytest.mark.django_db
def test_the_demo_system_is_seeded_once_with_lots_places_referrals_and_an_ipa(client):
    people.seed(password="demo-password-long-enough")
    fps.seed()
    fps.seed()
    system = PurchasingSystem.objects.get()
    assert system.lead_authority.slug == "northshire"
    assert set(system.member_authorities.values_list("slug", flat=True)) == {"northshire", "southvale"}
    assert FpsLot.objects.count() == 6
    assert Membership.objects.filter(status=MembershipStatus.SUSPENDED).exclude(status_reason="").count() == 1
    assert not Membership.objects.filter(contract_accepted_at__isnull=True).exists()
    assert Referral.objects.filter(status=ReferralStatus.SENT, authority__slug="northshire").count() == 1
    assert IndividualPlacementAgreement.objects.count() == 1
    northshire = User.objects.get(email="commissioner@northshire.example")
    assert not referrals_for_user(northshire).filter(authority__slug="southvale").exists()
    assert Referral.objects.filter(authority__slug="southvale").count() == 1

    client.force_login(User.objects.get(email="lead@northshire.example"))
    assert client.get(reverse("procurement:fps_system_detail", args=[system.pk])).status_code == 200
    assert client.get(reverse("procurement:fps_list", args=[system.pk])).status_code == 200
