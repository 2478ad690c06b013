"""The compliance pack's pages: a provider keeps its schools and settings, insurances and policies with
their documents; commissioners download those documents and record financial checks. Everyone else is
refused, and another provider's item answers 404 exactly like a missing one."""

import datetime
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_events_for
from core.documents import document_remove, document_store
from core.models import AuditAction, Document
from core.tests.test_uploads import pdf_bytes
from procurement.models import (
    FinancialCheck,
    Insurance,
    InsuranceKind,
    Judgement,
    Policy,
    PolicyKind,
    ProviderProfile,
    ProviderSetting,
)
from procurement.services import compliance as services
from tests.access import assert_access, client_for, only, same_page

pytestmark = pytest.mark.django_db

COUNCIL_COMMISSIONERS = ["commissioner_northshire", "lead_northshire", "commissioner_southvale"]
NOT_PROVIDERS = [
    "commissioner_northshire",
    "lead_northshire",
    "commissioner_southvale",
    "evaluator_northshire",
    "finance_northshire",
    "legal_northshire",
    "forum_member",
    "staff_admin",
]
SVG_AS_PDF = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'></svg>"


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def pdf(name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def disguised(name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SVG_AS_PDF, content_type="application/pdf")


def date_fields(prefix: str, value: datetime.date | None) -> dict:
    if value is None:
        return {f"{prefix}_0": "", f"{prefix}_1": "", f"{prefix}_2": ""}
    return {f"{prefix}_0": str(value.day), f"{prefix}_1": str(value.month), f"{prefix}_2": str(value.year)}


def stored_files() -> int:
    root = Path(storages["private"].location)
    return sum(1 for path in root.rglob("*") if path.is_file()) if root.exists() else 0


def counts() -> tuple:
    return (
        ProviderProfile.objects.count(),
        ProviderSetting.objects.count(),
        Insurance.objects.count(),
        Policy.objects.count(),
        Document.objects.count(),
        stored_files(),
    )


def store(user, title: str = "A document") -> Document:
    return document_store(organisation=user.organisation, uploaded_by=user, uploaded_file=pdf(), title=title)


def make_pack(user) -> dict:
    """A pack with one of each item, every document uploaded."""
    profile = services.provider_profile_get_or_create(organisation=user.organisation)
    setting = services.setting_add(
        actor=user,
        profile=profile,
        name=f"{user.organisation.name} School",
        urn="100001",
        judgement=Judgement.GOOD,
        judgement_date=today() - days(100),
        registration_certificate=store(user, "Registration certificate"),
        statement_of_purpose=store(user, "Statement of purpose"),
    )
    insurance = services.insurance_add(
        actor=user,
        profile=profile,
        kind=InsuranceKind.PUBLIC_LIABILITY,
        insurer="Zurich Municipal",
        cover_pounds=5_000_000,
        expires_on=today() + days(200),
        certificate=store(user, "Certificate"),
    )
    policy = services.policy_add(
        actor=user,
        profile=profile,
        kind=PolicyKind.SAFEGUARDING,
        review_on=today() + days(200),
        document=store(user, "Safeguarding policy"),
    )
    return {"profile": profile, "setting": setting, "insurance": insurance, "policy": policy}


@pytest.fixture
def oak(provider_oakfield):
    return make_pack(provider_oakfield)


@pytest.fixture
def river(provider_riverside):
    return make_pack(provider_riverside)


def setting_form(**overrides) -> dict:
    data = {
        "name": "Oakfield Lodge",
        "regulator": "ofsted",
        "urn": "147832",
        "dfe_number": "931/6012",
        "judgement": "good",
        **date_fields("judgement_date", today() - days(30)),
        "registration_certificate": pdf("registration.pdf"),
        "statement_of_purpose": pdf("statement.pdf"),
        "services_overview": "Day places for 20 pupils aged 7 to 16 with autism.",
        "working_with_parents": "A key worker for each family.",
        "learner_voice": "A school council.",
    }
    data.update(overrides)
    return data


def policy_form(**overrides) -> dict:
    data = {
        "kind": "safeguarding",
        "name": "",
        **date_fields("review_on", today() + days(300)),
        "document": pdf("safeguarding.pdf"),
    }
    data.update(overrides)
    return data


def insurance_form(**overrides) -> dict:
    data = {
        "kind": "public_liability",
        "insurer": "Aviva",
        "cover_pounds": "£6,000,000",
        **date_fields("expires_on", today() + days(365)),
        "certificate": "",
    }
    data.update(overrides)
    return data


# Who may reach each page -----------------------------------------------------------------------------

ITEM_PAGES = [
    ("procurement:setting_change", "setting"),
    ("procurement:setting_remove", "setting"),
    ("procurement:insurance_change", "insurance"),
    ("procurement:insurance_remove", "insurance"),
    ("procurement:policy_change", "policy"),
    ("procurement:policy_remove", "policy"),
]
DOCUMENT_PAGES = [
    ("procurement:setting_certificate", "setting"),
    ("procurement:setting_statement", "setting"),
    ("procurement:insurance_certificate", "insurance"),
    ("procurement:policy_document", "policy"),
]


@pytest.mark.parametrize("name", ["procurement:setting_add", "procurement:policy_add"])
def test_add_pages_are_for_provider_users_only(request, name):
    assert_access(request, reverse(name), only({"provider_oakfield": 200, "provider_riverside": 200}))


@pytest.mark.parametrize(("name", "key"), ITEM_PAGES)
def test_change_and_remove_pages_are_for_the_owning_provider_only(request, oak, river, name, key):
    """The owner gets the page; the other provider gets 404, the same page as a missing item; council
    staff, forum members and the service team are refused; signed-out visitors go to sign in."""
    url = reverse(name, args=[oak[key].pk])
    assert_access(request, url, only({"provider_oakfield": 200, "provider_riverside": 404}))
    client = client_for(request, "provider_riverside")
    other = client.get(url)
    missing = client.get(reverse(name, args=[999999]))
    assert missing.status_code == 404 and same_page(other.content, missing.content)
    assert (
        client_for(request, "provider_riverside").get(reverse(name, args=[river[key].pk])).status_code == 200
    )


@pytest.mark.parametrize(("name", "key"), ITEM_PAGES)
def test_a_commissioner_cannot_post_provider_forms(request, oak, name, key):
    """Read-only for councils: a commissioner's POST is refused and nothing changes."""
    before = counts()
    for persona in COUNCIL_COMMISSIONERS:
        response = client_for(request, persona).post(reverse(name, args=[oak[key].pk]), {})
        assert response.status_code == 403, persona
    assert counts() == before
    assert type(oak[key]).objects.get(pk=oak[key].pk).removed_at is None


@pytest.mark.parametrize(("name", "key"), DOCUMENT_PAGES)
def test_pack_documents_download_for_the_provider_and_council_commissioners(request, oak, name, key):
    """The provider's own users and any council's commissioners download; anyone else gets 404."""
    url = reverse(name, args=[oak[key].pk])
    allowed = {"provider_oakfield": 200, **{p: 200 for p in COUNCIL_COMMISSIONERS}}
    assert_access(request, url, only(allowed, others=404))


def test_a_download_is_an_attachment_and_audited(request, oak, commissioner_southvale):
    document = oak["insurance"].certificate
    response = client_for(request, "commissioner_southvale").get(
        reverse("procurement:insurance_certificate", args=[oak["insurance"].pk])
    )
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == pdf_bytes()
    event = audit_events_for(document).filter(action=AuditAction.DOWNLOAD).get()
    assert event.actor_id == commissioner_southvale.pk


def test_another_providers_document_answers_404_like_a_missing_one(request, oak, river):
    client = client_for(request, "provider_oakfield")
    other = client.get(reverse("procurement:policy_document", args=[river["policy"].pk]))
    missing = client.get(reverse("procurement:policy_document", args=[999999]))
    assert other.status_code == missing.status_code == 404
    assert same_page(other.content, missing.content)
    assert not audit_events_for(river["policy"].document).filter(action=AuditAction.DOWNLOAD).exists()


def test_no_document_a_removed_item_or_a_removed_document_answers_404(request, provider_oakfield, oak):
    client = client_for(request, "commissioner_northshire")
    profile = oak["profile"]
    bare = services.policy_add(
        actor=provider_oakfield, profile=profile, kind=PolicyKind.EQUALITY, review_on=today() + days(9)
    )
    assert client.get(reverse("procurement:policy_document", args=[bare.pk])).status_code == 404
    services.pack_item_remove(actor=provider_oakfield, item=oak["insurance"])
    assert (
        client.get(reverse("procurement:insurance_certificate", args=[oak["insurance"].pk])).status_code
        == 404
    )
    document_remove(document=oak["policy"].document, removed_by=provider_oakfield)
    assert client.get(reverse("procurement:policy_document", args=[oak["policy"].pk])).status_code == 404


def test_the_pack_links_each_document(request, oak):
    """Both the provider's pack and the commissioner's read-only copy link every document; only the
    provider's has change and remove links."""
    own = client_for(request, "provider_oakfield").get(reverse("procurement:own_pack")).content.decode()
    seen = (
        client_for(request, "commissioner_northshire")
        .get(reverse("procurement:pack_detail", args=[oak["profile"].pk]))
        .content.decode()
    )
    for name, key in DOCUMENT_PAGES:
        url = reverse(name, args=[oak[key].pk])
        assert url in own and url in seen
    for name, key in ITEM_PAGES:
        url = reverse(name, args=[oak[key].pk])
        assert url in own and url not in seen


# Reading never writes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "procurement:own_pack",
        "procurement:insurance_add",
        "procurement:setting_add",
        "procurement:policy_add",
    ],
)
def test_reading_the_pack_or_a_form_creates_no_profile(request, oakfield, name):
    """A provider with nothing in its pack yet sees an empty pack; no profile is created by a GET."""
    response = client_for(request, "provider_oakfield").get(reverse(name))
    assert response.status_code == 200
    assert not ProviderProfile.objects.exists()


def test_an_empty_pack_says_everything_is_missing(request, oakfield):
    page = client_for(request, "provider_oakfield").get(reverse("procurement:own_pack")).content.decode()
    assert "0 of 7 items in place" in page and "No schools or settings yet." in page
    assert "No insurances yet." in page and "No policies yet." in page and "Not checked yet." in page


def test_the_first_item_creates_the_profile(request, oakfield):
    client_for(request, "provider_oakfield").post(reverse("procurement:policy_add"), policy_form())
    assert ProviderProfile.objects.get().organisation == oakfield


# Schools and settings ----------------------------------------------------------------------------------


def test_a_provider_adds_a_setting_with_both_documents(request, oakfield, provider_oakfield):
    response = client_for(request, "provider_oakfield").post(
        reverse("procurement:setting_add"), setting_form(), follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("procurement:own_pack")
    assert "Oakfield Lodge has been added to your compliance pack." in page
    setting = ProviderSetting.objects.get()
    assert (setting.urn, setting.judgement, setting.judgement_date) == ("147832", "good", today() - days(30))
    assert setting.registration_certificate.organisation == oakfield
    assert setting.statement_of_purpose.title == "Statement of purpose: Oakfield Lodge"
    assert reverse("procurement:setting_statement", args=[setting.pk]) in page
    assert "A school council." in page
    (event,) = audit_events_for(setting)
    assert event.action == AuditAction.CREATE and event.actor_id == provider_oakfield.pk


def test_a_setting_not_yet_inspected_keeps_no_judgement_date(request, oakfield):
    data = setting_form(judgement="not_yet_inspected", **date_fields("judgement_date", today() - days(3)))
    client_for(request, "provider_oakfield").post(reverse("procurement:setting_add"), data)
    assert ProviderSetting.objects.get().judgement_date is None


def test_a_setting_may_be_added_without_its_documents_and_the_pack_says_they_are_missing(request, oakfield):
    data = setting_form(registration_certificate="", statement_of_purpose="")
    page = (
        client_for(request, "provider_oakfield")
        .post(reverse("procurement:setting_add"), data, follow=True)
        .content.decode()
    )
    assert "Not uploaded" in page
    assert "A registration certificate and statement of purpose for every setting" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter the name of the school or setting"),
        ({"urn": ""}, "Enter the unique reference number"),
        ({"judgement": ""}, "Select the latest inspection judgement"),
        (date_fields("judgement_date", None), "Enter the date of the latest judgement"),
        (
            date_fields("judgement_date", datetime.date.today() + datetime.timedelta(days=5)),
            "Date of the latest judgement must be today or in the past",
        ),
        ({"judgement_date_1": "13"}, "Date of the latest judgement must be a real date"),
        ({"registration_certificate": disguised()}, "The selected file is not a real PDF"),
        ({"statement_of_purpose": disguised()}, "The selected file is not a real PDF"),
    ],
    ids=[
        "no name",
        "no URN",
        "no judgement",
        "judgement without date",
        "date in future",
        "no such month",
        "SVG as PDF certificate",
        "SVG as PDF statement, after a good certificate",
    ],
)
def test_bad_setting_answers_are_refused_and_nothing_is_stored(request, oakfield, overrides, message):
    """The form answers 400 with the GOV.UK error summary, and nothing is half-written: no profile, no
    setting, no document row and no file, even when the first of two files had already been stored."""
    before = counts()
    response = client_for(request, "provider_oakfield").post(
        reverse("procurement:setting_add"), setting_form(**overrides)
    )
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page and message in page
    assert counts() == before


def test_a_provider_changes_a_setting_and_keeps_its_documents(request, oak, provider_oakfield):
    setting = oak["setting"]
    certificate, statement = setting.registration_certificate_id, setting.statement_of_purpose_id
    data = setting_form(
        name="Oakfield School",
        judgement="outstanding",
        registration_certificate="",
        statement_of_purpose=pdf("statement-2026.pdf"),
    )
    response = client_for(request, "provider_oakfield").post(
        reverse("procurement:setting_change", args=[setting.pk]), data, follow=True
    )
    assert "Oakfield School has been changed." in response.content.decode()
    setting.refresh_from_db()
    assert setting.judgement == "outstanding"
    assert setting.registration_certificate_id == certificate
    assert setting.statement_of_purpose_id != statement
    assert setting.statement_of_purpose.original_name == "statement-2026.pdf"
    assert audit_events_for(setting).first().action == AuditAction.UPDATE


def test_the_setting_change_form_is_filled_in_with_the_current_answers(request, oak):
    page = (
        client_for(request, "provider_oakfield")
        .get(reverse("procurement:setting_change", args=[oak["setting"].pk]))
        .content.decode()
    )
    assert 'value="100001"' in page and "Leave this empty to keep the current file" in page


def test_a_disguised_replacement_changes_nothing(request, oak):
    setting = oak["setting"]
    before = counts()
    response = client_for(request, "provider_oakfield").post(
        reverse("procurement:setting_change", args=[setting.pk]),
        setting_form(name="Renamed", registration_certificate=disguised()),
    )
    assert response.status_code == 400
    assert counts() == before
    setting.refresh_from_db()
    assert setting.name != "Renamed"


# Insurances ----------------------------------------------------------------------------------------


def test_a_provider_changes_an_insurance_keeping_its_certificate(request, oak):
    insurance = oak["insurance"]
    certificate = insurance.certificate_id
    response = client_for(request, "provider_oakfield").post(
        reverse("procurement:insurance_change", args=[insurance.pk]), insurance_form(), follow=True
    )
    assert "Public liability insurance has been changed." in response.content.decode()
    insurance.refresh_from_db()
    assert (insurance.insurer, insurance.cover_pounds) == ("Aviva", 6_000_000)
    assert insurance.certificate_id == certificate
    assert audit_events_for(insurance).first().action == AuditAction.UPDATE


def test_an_insurance_without_a_certificate_can_be_changed_without_one(request, oak, provider_oakfield):
    """An insurance added before certificates were asked for is changed without forcing an upload."""
    insurance = services.insurance_add(
        actor=provider_oakfield, profile=oak["profile"], kind=InsuranceKind.EMPLOYERS_LIABILITY,
        insurer="Hiscox", cover_pounds=10_000_000, expires_on=today() + days(30),
    )  # fmt: skip
    url = reverse("procurement:insurance_change", args=[insurance.pk])
    client = client_for(request, "provider_oakfield")
    form = client.get(url).content.decode()
    assert "Save changes" in form and 'value="10,000,000"' in form
    response = client.post(url, insurance_form(kind="employers_liability", insurer="Hiscox UK"))
    assert response.status_code == 302
    insurance.refresh_from_db()
    assert insurance.insurer == "Hiscox UK" and insurance.certificate is None


def test_a_provider_replaces_an_insurance_certificate(request, oak):
    insurance = oak["insurance"]
    old = insurance.certificate_id
    client_for(request, "provider_oakfield").post(
        reverse("procurement:insurance_change", args=[insurance.pk]),
        insurance_form(certificate=pdf("renewal.pdf")),
    )
    insurance.refresh_from_db()
    assert insurance.certificate_id != old and insurance.certificate.original_name == "renewal.pdf"
    assert Document.objects.filter(pk=old).exists()  # the old certificate stays for the record


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"certificate": disguised()}, "The selected file is not a real PDF"),
        ({"cover_pounds": "0"}, "Cover must be more than £0"),
        ({"insurer": ""}, "Enter the name of the insurer"),
    ],
    ids=["SVG as PDF", "zero cover", "no insurer"],
)
def test_bad_insurance_changes_are_refused_and_nothing_changes(request, oak, overrides, message):
    insurance = oak["insurance"]
    before = counts()
    response = client_for(request, "provider_oakfield").post(
        reverse("procurement:insurance_change", args=[insurance.pk]), insurance_form(**overrides)
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert counts() == before
    insurance.refresh_from_db()
    assert insurance.insurer == "Zurich Municipal"


# Policies ------------------------------------------------------------------------------------------


def test_a_provider_adds_another_policy_with_its_name(request, oakfield):
    data = policy_form(kind="other", name="Positive behaviour support", document=pdf("pbs.pdf"))
    page = (
        client_for(request, "provider_oakfield")
        .post(reverse("procurement:policy_add"), data, follow=True)
        .content.decode()
    )
    assert "Positive behaviour support has been added to your compliance pack." in page
    policy = Policy.objects.get()
    assert policy.name == "Positive behaviour support" and policy.document.original_name == "pbs.pdf"


def test_a_policy_past_its_review_date_is_accepted_and_flagged_with_a_link_to_update_it(request, oakfield):
    data = policy_form(**date_fields("review_on", today() - days(2)))
    page = (
        client_for(request, "provider_oakfield")
        .post(reverse("procurement:policy_add"), data, follow=True)
        .content.decode()
    )
    assert "Safeguarding policy review" in page and "Expired" in page
    change = reverse("procurement:policy_change", args=[Policy.objects.get().pk])
    assert f'href="{change}">Update<span class="govuk-visually-hidden"> Safeguarding policy review' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": ""}, "Select which policy it is"),
        ({"kind": "other", "name": "  "}, "Enter the name of the policy"),
        (date_fields("review_on", None), "Enter the next review date"),
        ({"document": ""}, "Select the policy document"),
        ({"document": disguised()}, "The selected file is not a real PDF"),
        (
            {"document": SimpleUploadedFile("policy.csv", b"a,b\n1,2\n")},
            "The selected file must be a PDF, DOCX, ODT, PNG or JPEG",
        ),
    ],
    ids=["no kind", "other without name", "no review date", "no file", "SVG as PDF", "a spreadsheet"],
)
def test_bad_policy_answers_are_refused_and_nothing_is_stored(request, oakfield, overrides, message):
    before = counts()
    response = client_for(request, "provider_oakfield").post(
        reverse("procurement:policy_add"), policy_form(**overrides)
    )
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page and message in page
    assert counts() == before


def test_a_provider_changes_a_policy_review_date_keeping_its_document(request, oak):
    policy = oak["policy"]
    document = policy.document_id
    data = policy_form(document="", **date_fields("review_on", today() + days(400)))
    response = client_for(request, "provider_oakfield").post(
        reverse("procurement:policy_change", args=[policy.pk]), data, follow=True
    )
    assert "Safeguarding policy has been changed." in response.content.decode()
    policy.refresh_from_db()
    assert policy.review_on == today() + days(400) and policy.document_id == document


def test_changing_a_policy_to_another_kind_needs_a_name(request, oak):
    policy = oak["policy"]
    response = client_for(request, "provider_oakfield").post(
        reverse("procurement:policy_change", args=[policy.pk]), policy_form(kind="other", document="")
    )
    assert response.status_code == 400 and "Enter the name of the policy" in response.content.decode()
    policy.refresh_from_db()
    assert policy.kind == PolicyKind.SAFEGUARDING


# Removing --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key", "button"),
    [
        ("procurement:setting_remove", "setting", "Remove school or setting"),
        ("procurement:insurance_remove", "insurance", "Remove insurance"),
        ("procurement:policy_remove", "policy", "Remove policy"),
    ],
)
def test_removal_is_confirmed_on_its_own_page_and_keeps_the_row(
    request, oak, provider_oakfield, name, key, button
):
    """GET asks for confirmation and changes nothing; POST takes the item out of the pack, keeps the row
    with removed_at, writes a delete event, and the item's pages then answer 404."""
    item = oak[key]
    client = client_for(request, "provider_oakfield")
    url = reverse(name, args=[item.pk])
    confirm = client.get(url).content.decode()
    assert f"Are you sure you want to remove {item}?" in confirm and button in confirm
    assert type(item).objects.get(pk=item.pk).removed_at is None

    response = client.post(url, follow=True)
    assert f"{item} has been removed from your compliance pack." in response.content.decode()
    item.refresh_from_db()
    assert item.removed_at is not None
    event = audit_events_for(item).first()
    assert event.action == AuditAction.DELETE and event.actor_id == provider_oakfield.pk
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_a_removed_item_leaves_the_pack(request, oak, provider_oakfield):
    services.pack_item_remove(actor=provider_oakfield, item=oak["setting"])
    page = client_for(request, "provider_oakfield").get(reverse("procurement:own_pack")).content.decode()
    assert oak["setting"].name not in page and "No schools or settings yet." in page


# Financial checks ------------------------------------------------------------------------------------


def check_form(**overrides) -> dict:
    data = {"result": "pass", **date_fields("checked_on", today() - days(1)), "notes": "Accounts 2025 read."}
    data.update(overrides)
    return data


def test_a_commissioner_records_a_financial_check_and_the_pack_shows_it(request, oak, commissioner_southvale):
    url = reverse("procurement:financial_check_record", args=[oak["profile"].pk])
    response = client_for(request, "commissioner_southvale").post(url, check_form(), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/providers/{oak['profile'].pk}/#financial-check")
    assert (
        "The financial check of Oakfield School Ltd has been recorded: passed on "
        f"{today() - days(1):%-d %B %Y}." in page
    )
    check = FinancialCheck.objects.get()
    assert (check.result, check.checked_by, check.council.name) == (
        "pass",
        commissioner_southvale,
        "Southvale Council",
    )
    assert "Passed" in page and commissioner_southvale.full_name in page and "Accounts 2025 read." in page
    assert audit_events_for(check).get().action == AuditAction.CREATE


def test_the_pack_lists_the_history_of_checks_and_the_provider_sees_the_latest_without_notes(
    request, oak, commissioner_northshire, commissioner_southvale
):
    profile = oak["profile"]
    services.financial_check_record(
        actor=commissioner_northshire, profile=profile, result="fail", checked_on=today() - days(400),
        notes="Late accounts.",
    )  # fmt: skip
    services.financial_check_record(
        actor=commissioner_southvale, profile=profile, result="pass", checked_on=today() - days(10)
    )
    council = client_for(request, "commissioner_northshire").get(
        reverse("procurement:pack_detail", args=[profile.pk])
    )
    page = council.content.decode()
    assert "History of financial checks" in page and "Failed" in page and "Late accounts." in page
    own = client_for(request, "provider_oakfield").get(reverse("procurement:own_pack")).content.decode()
    assert "Passed" in own and commissioner_southvale.full_name in own
    assert "Late accounts." not in own and "Record a financial check" not in own
    assert "5 of 7 items in place" in own  # a passed check counts; two insurances are missing


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"result": ""}, "Select the result of the financial check"),
        ({"result": "maybe"}, "Select a valid choice"),
        (date_fields("checked_on", None), "Enter the date of the check"),
        (
            date_fields("checked_on", datetime.date.today() + datetime.timedelta(days=3)),
            "Date of the check must be today or in the past",
        ),
    ],
    ids=["no result", "unknown result", "no date", "date in future"],
)
def test_bad_financial_checks_are_refused(request, oak, overrides, message):
    url = reverse("procurement:financial_check_record", args=[oak["profile"].pk])
    response = client_for(request, "commissioner_northshire").post(url, check_form(**overrides))
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page and message in page
    assert "Compliance pack" in page  # the pack page, with the form and its errors
    assert not FinancialCheck.objects.exists()


def test_only_council_commissioners_may_record_a_financial_check(request, oak):
    url = reverse("procurement:financial_check_record", args=[oak["profile"].pk])
    table = only({p: 302 for p in COUNCIL_COMMISSIONERS})
    assert_access(request, url, table, method="post", data=check_form())
    assert FinancialCheck.objects.count() == len(COUNCIL_COMMISSIONERS)
    missing = reverse("procurement:financial_check_record", args=[999999])
    assert client_for(request, "commissioner_northshire").post(missing, check_form()).status_code == 404
    assert client_for(request, "commissioner_northshire").get(url).status_code == 405


def test_the_financial_check_form_is_shown_to_commissioners_only(request, oak):
    url = reverse("procurement:pack_detail", args=[oak["profile"].pk])
    assert (
        "Record a financial check" in client_for(request, "commissioner_northshire").get(url).content.decode()
    )
    own = client_for(request, "provider_oakfield").get(reverse("procurement:own_pack")).content.decode()
    assert "Record a financial check" not in own


# Query counts ----------------------------------------------------------------------------------------


def test_the_pack_page_asks_the_same_number_of_queries_however_many_items(request, oak, provider_oakfield):
    """Items and their documents are read in one query per kind, not one per item."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(request, "provider_oakfield")
    url = reverse("procurement:own_pack")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    profile = oak["profile"]
    for number in range(19):
        make_item = number % 3
        if make_item == 0:
            services.setting_add(
                actor=provider_oakfield, profile=profile, name=f"Setting {number}", urn=str(number),
                registration_certificate=store(provider_oakfield),
                statement_of_purpose=store(provider_oakfield),
            )  # fmt: skip
        elif make_item == 1:
            services.insurance_add(
                actor=provider_oakfield, profile=profile, kind=InsuranceKind.EMPLOYERS_LIABILITY, insurer="X",
                cover_pounds=1, expires_on=today() + days(number), certificate=store(provider_oakfield),
            )  # fmt: skip
        else:
            services.policy_add(
                actor=provider_oakfield, profile=profile, kind=PolicyKind.COMPLAINTS,
                review_on=today() + days(number), document=store(provider_oakfield),
            )  # fmt: skip
    assert "Setting 18" in client.get(url).content.decode()
    assert queries() == few


def test_the_history_of_checks_asks_the_same_number_of_queries_however_many_checks(
    request, oak, commissioner_northshire
):
    """Who recorded each check and for which council come with the checks, not one query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(request, "commissioner_northshire")
    url = reverse("procurement:pack_detail", args=[oak["profile"].pk])

    def record(number: int) -> None:
        services.financial_check_record(
            actor=commissioner_northshire, profile=oak["profile"], result="pass",
            checked_on=today() - days(number),
        )  # fmt: skip

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    record(1)
    record(2)
    few = queries()
    for number in range(3, 21):
        record(number)
    assert queries() == few
