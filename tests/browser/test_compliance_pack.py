"""The compliance pack in a real browser: a provider adds an insurance with its certificate and sees it
flagged as expiring; a council commissioner reads the pack. axe-core finds no serious or critical problem."""

import datetime

import pytest
from django.utils import timezone

from core.tests.test_uploads import pdf_bytes

from .conftest import check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_provider_adds_an_insurance_and_a_commissioner_sees_it(
    page, provider_oakfield, commissioner_southvale, tmp_path
):
    sign_in(page, provider_oakfield)
    page.goto("/procurement/compliance-pack/")
    assert page.get_by_role("heading", name="Compliance pack").is_visible()
    check(page, "procurement-pack-empty")

    page.get_by_role("button", name="Add an insurance").click()
    page.get_by_role("button", name="Add insurance").click()  # the empty form
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Select which insurance it is").is_visible()
    assert page.get_by_role("link", name="Enter the cover in pounds").is_visible()
    check(page, "procurement-insurance-form-errors")

    certificate = tmp_path / "employers-liability.pdf"
    certificate.write_bytes(pdf_bytes())
    expires = timezone.localdate() + datetime.timedelta(days=25)
    page.get_by_label("Employer's liability").check()
    page.get_by_label("Insurer").fill("Zurich Municipal")
    page.get_by_label("Cover, in pounds").fill("£10,000,000")
    page.get_by_label("Day").fill(str(expires.day))
    page.get_by_label("Month").fill(str(expires.month))
    page.get_by_label("Year").fill(str(expires.year))
    page.get_by_label("Insurance certificate").set_input_files(str(certificate))
    page.get_by_role("button", name="Add insurance").click()
    page.wait_for_load_state()
    assert page.get_by_text(
        "Employer's liability insurance has been added to your compliance pack."
    ).is_visible()
    assert page.get_by_text("Expires in 25 days").first.is_visible()
    assert page.get_by_text("£10,000,000").is_visible()
    check(page, "procurement-pack-with-insurance")

    page.context.clear_cookies()
    sign_in(page, commissioner_southvale)
    page.goto("/procurement/providers/")
    check(page, "procurement-pack-list")
    page.get_by_role("link", name="Oakfield School Ltd").click()
    assert page.get_by_text("Expires in 25 days").first.is_visible()
    assert page.get_by_role("button", name="Add an insurance").count() == 0
    check(page, "procurement-pack-commissioner")


def fill_date(page, value: datetime.date) -> None:
    page.get_by_label("Day").fill(str(value.day))
    page.get_by_label("Month").fill(str(value.month))
    page.get_by_label("Year").fill(str(value.year))


def test_a_provider_keeps_its_pack_and_a_commissioner_checks_it(
    page, provider_oakfield, commissioner_southvale, tmp_path
):
    """A provider adds a setting with both documents and a policy, and changes an insurance; a council
    commissioner records a financial check and downloads the registration certificate."""
    from procurement.services.compliance import insurance_add, provider_profile_get_or_create

    today = timezone.localdate()
    insurance_add(
        actor=provider_oakfield,
        profile=provider_profile_get_or_create(organisation=provider_oakfield.organisation),
        kind="public_liability",
        insurer="Zurich Municipal",
        cover_pounds=5_000_000,
        expires_on=today + datetime.timedelta(days=200),
    )
    files = {}
    for name in ("registration", "statement", "behaviour-policy"):
        files[name] = tmp_path / f"{name}.pdf"
        files[name].write_bytes(pdf_bytes())

    sign_in(page, provider_oakfield)
    page.goto("/procurement/compliance-pack/")
    page.get_by_role("button", name="Add a school or setting").click()
    page.get_by_label("Name of the school or setting").fill("Oakfield Lodge")
    page.get_by_label("Good", exact=True).check()
    page.get_by_role("button", name="Add school or setting").click()  # a judgement without its date
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Enter the date of the latest judgement").is_visible()
    assert page.get_by_role("link", name="Enter the unique reference number").is_visible()
    check(page, "procurement-setting-form-errors")

    page.get_by_label("Unique reference number (URN)").fill("147832")
    page.get_by_label("DfE registration number (optional)").fill("931/6012")
    fill_date(page, today - datetime.timedelta(days=120))
    page.get_by_label("Registration certificate (optional)").set_input_files(str(files["registration"]))
    page.get_by_label("Statement of purpose (optional)").set_input_files(str(files["statement"]))
    page.get_by_label("Overview of services (optional)").fill("Day places for 20 pupils with autism.")
    page.get_by_label("How it works with parents (optional)").fill("A key worker for each family.")
    page.get_by_label("How it hears the learner's voice (optional)").fill("A school council.")
    page.get_by_role("button", name="Add school or setting").click()
    page.wait_for_load_state()
    assert page.get_by_text("Oakfield Lodge has been added to your compliance pack.").is_visible()
    assert page.get_by_role("link", name="Download the statement of purpose of Oakfield Lodge").is_visible()

    page.get_by_role("button", name="Add a policy").click()
    check(page, "procurement-policy-form")
    page.get_by_label("Other", exact=True).check()
    page.get_by_label("Name of the policy").fill("Positive behaviour support")
    fill_date(page, today + datetime.timedelta(days=20))
    page.get_by_label("Policy document").set_input_files(str(files["behaviour-policy"]))
    page.get_by_role("button", name="Add policy").click()
    page.wait_for_load_state()
    assert page.get_by_text("Positive behaviour support has been added to your compliance pack.").is_visible()
    assert page.get_by_text("Expires in 20 days").is_visible()

    page.get_by_role("link", name="Change Public liability insurance").click()
    check(page, "procurement-insurance-change")
    page.get_by_label("Insurer").fill("Aviva")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    assert page.get_by_text("Public liability insurance has been changed.").is_visible()
    assert page.get_by_role("cell", name="Aviva").is_visible()
    check(page, "procurement-pack-kept")

    page.get_by_role("link", name="Remove Positive behaviour support").click()
    assert page.get_by_role(
        "heading", name="Are you sure you want to remove Positive behaviour support?"
    ).is_visible()
    check(page, "procurement-policy-remove")
    page.get_by_role("link", name="Cancel").click()

    page.context.clear_cookies()
    sign_in(page, commissioner_southvale)
    page.goto("/procurement/providers/")
    page.get_by_role("link", name="Oakfield School Ltd").click()
    assert page.get_by_role("link", name="Change Public liability insurance").count() == 0
    page.get_by_label("Passed").check()
    fill_date(page, today + datetime.timedelta(days=2))
    page.get_by_role("button", name="Record financial check").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Date of the check must be today or in the past").is_visible()
    check(page, "procurement-financial-check-errors")

    fill_date(page, today - datetime.timedelta(days=1))
    page.get_by_label("Notes (optional)").fill("Accounts for 2025 read; no concerns.")
    page.get_by_role("button", name="Record financial check").click()
    page.wait_for_load_state()
    assert page.get_by_text("The financial check of Oakfield School Ltd has been recorded").is_visible()
    assert page.get_by_text(commissioner_southvale.full_name).first.is_visible()
    check(page, "procurement-pack-financial-check")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the registration certificate of Oakfield Lodge").click()
    assert download.value.suggested_filename.endswith(".pdf")
