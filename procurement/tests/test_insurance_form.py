"""A provider adds an insurance with its certificate from the compliance pack's pages."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import Document
from core.tests.test_uploads import pdf_bytes
from procurement.models import Insurance
from tests.access import assert_access, client_for, only

URL = reverse("procurement:insurance_add")


def _form(expires_on: datetime.date, **overrides) -> dict:
    data = {
        "kind": "public_liability",
        "insurer": "Zurich Municipal",
        "cover_pounds": "£5,000,000",
        "expires_on_0": str(expires_on.day),
        "expires_on_1": str(expires_on.month),
        "expires_on_2": str(expires_on.year),
        "certificate": SimpleUploadedFile("certificate.pdf", pdf_bytes()),
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_only_provider_users_may_add_an_insurance(request, oakfield, riverside):
    assert_access(request, URL, only({"provider_oakfield": 200, "provider_riverside": 200}))
    soon = timezone.localdate() + datetime.timedelta(days=20)
    for persona in ["commissioner_northshire", "forum_member", "finance_northshire", "staff_admin"]:
        response = client_for(request, persona).post(URL, _form(soon))
        assert response.status_code == 403, persona
    assert not Insurance.objects.exists() and not Document.objects.exists()


@pytest.mark.django_db
def test_a_provider_adds_an_insurance_and_sees_it_flagged(request, oakfield):
    client = client_for(request, "provider_oakfield")
    soon = timezone.localdate() + datetime.timedelta(days=20)
    response = client.post(URL, _form(soon), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("procurement:own_pack")
    assert "Public liability insurance has been added to your compliance pack." in page
    assert "Expires in 20 days" in page and "£5,000,000" in page
    insurance = Insurance.objects.get()
    assert insurance.cover_pounds == 5_000_000 and insurance.profile.organisation == oakfield
    assert insurance.certificate.organisation == oakfield and insurance.certificate.sha256


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": ""}, "Select which insurance it is"),
        ({"insurer": ""}, "Enter the name of the insurer"),
        ({"cover_pounds": "0"}, "Cover must be more than £0"),
        ({"cover_pounds": "five million"}, "Cover must be a whole number of pounds"),
        ({"expires_on_1": "13"}, "Expiry date must be a real date"),
        ({"certificate": ""}, "Select the insurance certificate"),
        (
            {"certificate": SimpleUploadedFile("certificate.pdf", b"<svg onload=alert(1)></svg>")},
            "The selected file is not a real PDF",
        ),
        (
            {"certificate": SimpleUploadedFile("certificate.csv", b"kind,cover\npublic,5000000\n")},
            "The selected file must be a PDF, DOCX, ODT, PNG or JPEG",
        ),
    ],
    ids=[
        "no kind",
        "no insurer",
        "zero cover",
        "words for cover",
        "no such month",
        "no file",
        "SVG as PDF",
        "a spreadsheet",
    ],
)
def test_bad_answers_are_refused_with_a_message_and_nothing_is_stored(request, oakfield, overrides, message):
    client = client_for(request, "provider_oakfield")
    response = client.post(URL, _form(timezone.localdate(), **overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not Insurance.objects.exists() and not Document.objects.exists()


@pytest.mark.django_db
def test_an_expired_insurance_is_accepted_and_shown_as_expired(request, oakfield):
    client = client_for(request, "provider_oakfield")
    past = timezone.localdate() - datetime.timedelta(days=3)
    page = client.post(URL, _form(past), follow=True).content.decode()
    assert "Expired" in page


@pytest.mark.django_db
def test_only_the_pack_owner_sees_the_add_button(request, oakfield):
    own = client_for(request, "provider_oakfield").get(reverse("procurement:own_pack")).content.decode()
    assert URL in own
    from procurement.services.compliance import provider_profile_get_or_create

    profile = provider_profile_get_or_create(organisation=oakfield)
    seen = client_for(request, "commissioner_northshire").get(
        reverse("procurement:pack_detail", args=[profile.pk])
    )
    assert URL not in seen.content.decode()
