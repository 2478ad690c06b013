import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from procurement.models import Insurance, Policy, ProviderProfile
from procurement.selectors.compliance import pack_expiry_flags


@pytest.mark.django_db
def test_seed_demo_gives_both_providers_a_believable_pack_once():
    """Oakfield has an insurance expiring within 30 days, Riverside a policy review that has passed; running
    seed_demo again adds nothing."""
    call_command("seed_demo", "--quiet")
    counts = (ProviderProfile.objects.count(), Insurance.objects.count(), Policy.objects.count())
    call_command("seed_demo", "--quiet")
    assert (ProviderProfile.objects.count(), Insurance.objects.count(), Policy.objects.count()) == counts
    today = timezone.localdate()
    oakfield = ProviderProfile.objects.get(organisation__name="Oakfield School Ltd")
    riverside = ProviderProfile.objects.get(organisation__name="Riverside Learning Trust")
    assert any(f.urgent and not f.expired for f in pack_expiry_flags(oakfield, today=today))
    assert any(f.expired and "policy" in f.label for f in pack_expiry_flags(riverside, today=today))
    assert oakfield.insurances.filter(expires_on__lte=today + datetime.timedelta(days=30)).count() == 1
