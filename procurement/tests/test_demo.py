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


@pytest.mark.django_db
def test_demo_packs_have_their_documents_and_the_pack_links_them(client):
    """Every demo school has its registration certificate and statement of purpose, and every insurance
    and policy its document: a demonstration PDF that passes the upload checks."""
    from django.urls import reverse

    from accounts.models import User
    from procurement.selectors.compliance import pack_completeness

    call_command("seed_demo", "--quiet")
    for profile in ProviderProfile.objects.all():
        setting = profile.settings.get()
        assert setting.registration_certificate.content_type == "application/pdf"
        assert setting.statement_of_purpose.organisation_id == profile.organisation_id
        assert all(insurance.certificate_id for insurance in profile.insurances.all())
        assert all(policy.document_id for policy in profile.policies.all())
        assert "A registration certificate and statement of purpose for every setting" not in (
            pack_completeness(profile).missing
        )
    client.force_login(User.objects.get(email="commissioner@northshire.example"))
    oakfield = ProviderProfile.objects.get(organisation__name="Oakfield School Ltd")
    url = reverse("procurement:setting_certificate", args=[oakfield.settings.get().pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
