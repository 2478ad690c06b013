"""The annual check pages: who may open each, what another organisation's check answers, and the
journeys through them (the provider sends evidence, the lead commissioner verifies or fails)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from contracts.models import ProviderCheck, ProviderCheckEvidence, ProviderCheckStatus
from contracts.services import checks as services
from core.models import AuditEvent, Document
from core.tests.test_uploads import pdf_bytes
from procurement.models import Membership, MembershipStatus
from tests.access import ObjectCase, assert_access, assert_object_access, client_for, only

from .helpers import submit

pytestmark = pytest.mark.django_db

S = ProviderCheckStatus
COUNCILS = {"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 200}


@pytest.fixture
def submitted(checks, provider_oakfield):
    return submit(checks["oakfield"], provider_oakfield)


def _missing(name):
    return reverse(f"contracts:{name}", args=[999999])


def _post_form(day: datetime.date, **overrides):
    data = {
        "registration_statement": "Ofsted URN 123456",
        "ofsted_judgement": "good",
        "ofsted_judgement_on_0": "4",
        "ofsted_judgement_on_1": "11",
        "ofsted_judgement_on_2": "2025",
        "insurance_cover_pounds": "£5,000,000",
        "insurance_expires_on_0": str(day.day),
        "insurance_expires_on_1": str(day.month),
        "insurance_expires_on_2": str(day.year),
        "financial_statement": "Accounts to 31 August 2025",
    }
    for field in services.FILE_FIELDS.values():
        data[field] = SimpleUploadedFile(f"{field}.pdf", pdf_bytes())
    data.update(overrides)
    return data


# Access ---------------------------------------------------------------------------------------------


def test_the_list_is_for_council_commissioners(request, checks):
    assert_access(request, reverse("contracts:check_list"), only(COUNCILS))


def test_the_provider_s_list_is_for_provider_users(request, checks):
    assert_access(
        request,
        reverse("contracts:my_check_list"),
        only({"provider_oakfield": 200, "provider_riverside": 200}),
    )


def test_the_detail_answers_each_council_of_the_system_and_404_for_another_system(
    request, checks, other_check
):
    check = checks["oakfield"]
    assert_access(request, reverse("contracts:check_detail", args=[check.pk]), only(COUNCILS))
    assert_object_access(
        request,
        url_for=lambda c: reverse("contracts:check_detail", args=[c.pk]),
        own_object_for=lambda persona: check,
        other_object=other_check,
        missing_url=_missing("check_detail"),
        cases=[ObjectCase(persona, 200) for persona in COUNCILS],
    )


@pytest.mark.parametrize("name", ["check_verify", "check_fail"])
def test_only_the_lead_authority_s_lead_commissioner_opens_a_decision(request, submitted, other_check, name):
    assert_access(request, reverse(f"contracts:{name}", args=[submitted.pk]), only({"lead_northshire": 200}))
    assert_object_access(
        request,
        url_for=lambda c: reverse(f"contracts:{name}", args=[c.pk]),
        own_object_for=lambda persona: submitted,
        other_object=other_check,
        missing_url=_missing(name),
        cases=[ObjectCase("lead_northshire", 200)],
    )
    # A lead commissioner of a member (not lead) authority reaches nothing to decide.
    assert (
        client_for(request, "lead_southvale")
        .get(reverse(f"contracts:{name}", args=[submitted.pk]))
        .status_code
        == 404
    )


@pytest.mark.parametrize("name", ["my_check_detail", "my_check_submit"])
def test_a_provider_reaches_only_its_own_check(request, checks, other_check, name):
    table = only({"provider_oakfield": 200, "provider_riverside": 404})
    assert_access(request, reverse(f"contracts:{name}", args=[checks["oakfield"].pk]), table)
    assert_object_access(
        request,
        url_for=lambda c: reverse(f"contracts:{name}", args=[c.pk]),
        own_object_for=lambda persona: checks[persona.removeprefix("provider_")],
        other_object=other_check,
        missing_url=_missing(name),
        cases=[ObjectCase("provider_oakfield", 200), ObjectCase("provider_riverside", 200)],
    )


def test_evidence_is_downloaded_by_the_lead_and_the_provider_only_and_audited(request, submitted):
    evidence = ProviderCheckEvidence.objects.filter(provider_check=submitted).first()
    url = reverse("contracts:check_evidence_download", args=[evidence.pk])
    assert_access(
        request,
        url,
        only({"lead_northshire": 200, "provider_oakfield": 200, "provider_riverside": 404}),
    )
    response = client_for(request, "lead_northshire").get(url)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="download", target_id=str(evidence.document_id)).count() >= 3
    assert client_for(request, "lead_southvale").get(url).status_code == 404
    assert client_for(request, "lead_northshire").get(_missing("check_evidence_download")).status_code == 404


def test_a_member_authority_sees_the_status_but_not_the_evidence(request, submitted):
    url = reverse("contracts:check_detail", args=[submitted.pk])
    member = client_for(request, "commissioner_southvale").get(url).content.decode()
    assert "Evidence submitted" in member
    assert "Accounts to 31 August" not in member and "check_evidence_download" not in member
    assert (
        "/annual-checks/evidence/" not in member
        and reverse("contracts:check_verify", args=[submitted.pk]) not in member
    )
    lead = client_for(request, "lead_northshire").get(url).content.decode()
    assert "Accounts to 31 August" in lead and "/annual-checks/evidence/" in lead
    assert reverse("contracts:check_verify", args=[submitted.pk]) in lead


# Lists --------------------------------------------------------------------------------------------------


def test_the_list_filters_by_year_and_status_and_counts_each_status(request, checks, submitted):
    client = client_for(request, "lead_northshire")
    page = client.get(
        reverse("contracts:check_list"), {"year": "2026", "status": "submitted"}
    ).content.decode()
    assert "1 check" in page and "Oakfield School Ltd" in page and "Riverside Learning Trust" not in page
    assert "Clear filters" in page
    everything = client.get(reverse("contracts:check_list")).content.decode()
    assert "2 checks" in everything and "Riverside Learning Trust" in everything
    none = client.get(reverse("contracts:check_list"), {"status": "verified"}).content.decode()
    assert "No check matches these filters." in none


def test_the_lists_say_when_there_is_nothing_yet(request, places):
    assert (
        "There are no annual checks yet."
        in client_for(request, "lead_northshire").get(reverse("contracts:check_list")).content.decode()
    )
    assert (
        "You have no annual checks yet."
        in client_for(request, "provider_oakfield").get(reverse("contracts:my_check_list")).content.decode()
    )


def test_the_list_pages_at_25_with_a_fixed_number_of_queries(
    request, system, lead_northshire, django_assert_max_num_queries
):
    from accounts.models import OrganisationKind
    from accounts.services import organisation_create

    for n in range(30):
        provider = organisation_create(
            name=f"Provider {n:02d}", slug=f"provider-{n}", kind=OrganisationKind.PROVIDER
        )
        ProviderCheck.objects.create(
            system=system,
            provider=provider,
            year=2026,
            requested_on=datetime.date(2026, 4, 1),
            evidence_due_on=datetime.date(2026, 5, 13),
        )
    client = client_for(request, "lead_northshire")
    with django_assert_max_num_queries(15):
        first = client.get(reverse("contracts:check_list"))
    assert "30 checks" in first.content.decode() and "Page 1 of 2" in first.content.decode()
    assert "Provider 29" in client.get(reverse("contracts:check_list"), {"page": 2}).content.decode()


# Journeys -----------------------------------------------------------------------------------------------


def test_the_provider_sends_evidence_from_the_form(request, checks):
    client = client_for(request, "provider_oakfield")
    url = reverse("contracts:my_check_submit", args=[checks["oakfield"].pk])
    response = client.post(url, _post_form(datetime.date(2027, 6, 30)), follow=True)
    page = response.content.decode()
    assert "Your evidence for the 2026 check has been sent to Northshire Council." in page
    assert ProviderCheck.objects.get(pk=checks["oakfield"].pk).status == S.SUBMITTED
    assert "£5,000,000" in page and "30 June 2027" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"registration_statement": ""}, "Enter the registrations you hold"),
        (
            {"ofsted_judgement_on_0": "", "ofsted_judgement_on_1": "", "ofsted_judgement_on_2": ""},
            "Enter the date of the latest judgement",
        ),
        ({"insurance_cover_pounds": "lots"}, "Insurance cover must be a whole number of pounds"),
        ({"insurance_document": ""}, "Select the insurance certificate"),
        (
            {"insurance_document": SimpleUploadedFile("certificate.pdf", b"<html><script>1</script></html>")},
            "The selected file is not a real PDF",
        ),
        (
            {"financial_document": SimpleUploadedFile("accounts.csv", b"year,turnover\n2025,4200000\n")},
            "The selected file must be a PDF, DOCX, ODT, PNG or JPEG",
        ),
    ],
    ids=["no registrations", "no judgement date", "words for cover", "no certificate", "html as pdf", "csv"],
)
def test_bad_evidence_is_refused_with_a_message_and_nothing_is_stored(request, checks, overrides, message):
    client = client_for(request, "provider_oakfield")
    url = reverse("contracts:my_check_submit", args=[checks["oakfield"].pk])
    response = client.post(url, _post_form(datetime.date(2027, 6, 30), **overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not Document.objects.exists() and not ProviderCheckEvidence.objects.exists()
    assert ProviderCheck.objects.get(pk=checks["oakfield"].pk).status == S.REQUESTED


@override_settings(DOCUMENT_MAX_BYTES=1024)
def test_an_oversized_file_is_refused_and_nothing_is_stored(request, checks):
    client = client_for(request, "provider_oakfield")
    url = reverse("contracts:my_check_submit", args=[checks["oakfield"].pk])
    big = SimpleUploadedFile("accounts.pdf", pdf_bytes() + b"%" + b"x" * 4096)
    response = client.post(url, _post_form(datetime.date(2027, 6, 30), financial_document=big))
    assert response.status_code == 400 and "must be smaller than" in response.content.decode()
    assert not Document.objects.exists() and not ProviderCheckEvidence.objects.exists()


def test_the_lead_verifies_with_the_warnings_in_view(request, checks, provider_oakfield):
    check = submit(checks["oakfield"], provider_oakfield, insurance_expires_on=datetime.date(2026, 9, 30))
    client = client_for(request, "lead_northshire")
    url = reverse("contracts:check_verify", args=[check.pk])
    assert "The insurance expires on 30 September 2026" in client.get(url).content.decode()
    page = client.post(url, {"notes": "Renewal promised"}, follow=True).content.decode()
    assert "The 2026 check of Oakfield School Ltd is verified." in page
    assert ProviderCheck.objects.get(pk=check.pk).status == S.VERIFIED


def test_the_lead_fails_a_check_with_a_reason(request, submitted):
    client = client_for(request, "lead_northshire")
    url = reverse("contracts:check_fail", args=[submitted.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "Enter why the check has failed" in refused.content.decode()
    assert ProviderCheck.objects.get(pk=submitted.pk).status == S.SUBMITTED
    page = client.post(url, {"reason": "No insurance in force"}, follow=True).content.decode()
    assert "has failed. Its active places on the system are suspended" in page
    assert set(Membership.objects.filter(provider=submitted.provider).values_list("status", flat=True)) == {
        MembershipStatus.SUSPENDED
    }


@pytest.mark.parametrize(
    ("status", "name"),
    [(S.REQUESTED, "check_verify"), (S.VERIFIED, "check_verify"), (S.VERIFIED, "check_fail")],
)
def test_a_decision_on_a_check_not_waiting_for_one_is_refused(request, checks, status, name):
    check = checks["oakfield"]
    ProviderCheck.objects.filter(pk=check.pk).update(status=status)
    client = client_for(request, "lead_northshire")
    response = client.post(
        reverse(f"contracts:{name}", args=[check.pk]), {"notes": "", "reason": "x"}, follow=True
    )
    assert "there is nothing to decide" in response.content.decode()
    assert ProviderCheck.objects.get(pk=check.pk).status == status


def test_evidence_cannot_be_sent_twice(request, submitted):
    client = client_for(request, "provider_oakfield")
    response = client.post(
        reverse("contracts:my_check_submit", args=[submitted.pk]),
        _post_form(datetime.date(2027, 6, 30)),
        follow=True,
    )
    assert "evidence cannot be sent" in response.content.decode()
    assert ProviderCheckEvidence.objects.filter(provider_check=submitted).count() == 3


def test_posting_to_a_check_out_of_reach_changes_nothing(request, submitted, checks):
    """Another provider's evidence form, and a member authority's attempt to decide, change nothing."""
    other = client_for(request, "provider_riverside").post(
        reverse("contracts:my_check_submit", args=[checks["oakfield"].pk]),
        _post_form(datetime.date(2027, 6, 30)),
    )
    assert other.status_code == 404
    for persona, status in (
        ("commissioner_southvale", 403),
        ("lead_southvale", 404),
        ("commissioner_northshire", 403),
    ):
        client = client_for(request, persona)
        assert (
            client.post(reverse("contracts:check_verify", args=[submitted.pk]), {"notes": ""}).status_code
            == status
        )
        assert (
            client.post(reverse("contracts:check_fail", args=[submitted.pk]), {"reason": "x"}).status_code
            == status
        )
    assert ProviderCheck.objects.get(pk=submitted.pk).status == S.SUBMITTED
    assert ProviderCheckEvidence.objects.count() == 3
    assert set(Membership.objects.values_list("status", flat=True)) == {MembershipStatus.ACTIVE}
