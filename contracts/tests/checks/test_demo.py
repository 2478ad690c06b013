"""The demo annual checks: one in each state, made once, and safe to seed twice."""

import pytest
from django.urls import reverse

from accounts.models import User
from contracts.models import ProviderCheck, ProviderCheckEvidence, ProviderCheckStatus
from core.models import Document, Notification
from dashboard.demo import checks, fps, people
from procurement.models import Membership, MembershipStatus


@pytest.mark.django_db
def test_the_demo_has_a_check_in_each_state_and_seeding_twice_adds_nothing(client):
    people.seed(password="demo-password-long-enough")
    fps.seed()
    checks.seed()
    counts = (
        ProviderCheck.objects.count(),
        ProviderCheckEvidence.objects.count(),
        Document.objects.count(),
        Notification.objects.count(),
        Membership.objects.count(),
    )
    checks.seed()
    assert counts == (
        ProviderCheck.objects.count(),
        ProviderCheckEvidence.objects.count(),
        Document.objects.count(),
        Notification.objects.count(),
        Membership.objects.count(),
    )
    by_provider = dict(ProviderCheck.objects.values_list("provider__slug", "status"))
    assert by_provider == {
        "oakfield": ProviderCheckStatus.SUBMITTED,
        "riverside": ProviderCheckStatus.VERIFIED,
        "cedar-house": ProviderCheckStatus.FAILED,
        "willowmere": ProviderCheckStatus.OVERDUE,
        "brookside": ProviderCheckStatus.REQUESTED,
    }
    for slug in ("cedar-house", "willowmere"):
        assert set(Membership.objects.filter(provider__slug=slug).values_list("status", flat=True)) == {
            MembershipStatus.SUSPENDED
        }
    assert Membership.objects.get(provider__slug="brookside").status == MembershipStatus.ACTIVE

    client.force_login(User.objects.get(email="lead@northshire.example"))
    page = client.get(reverse("contracts:check_list")).content.decode()
    assert "5 checks" in page
    oakfield = ProviderCheck.objects.get(provider__slug="oakfield")
    verify = client.get(reverse("contracts:check_verify", args=[oakfield.pk])).content.decode()
    assert "The insurance expires on" in verify
    client.force_login(User.objects.get(email="provider@brookside.example"))
    assert "Evidence requested" in client.get(reverse("contracts:my_check_list")).content.decode()
