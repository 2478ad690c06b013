"""The compliance pack in a real browser: a provider adds an insurance with its certificate and sees it
flagged as expiring; a council commissioner reads the pack. axe-core finds no serious or critical problem."""

import datetime

import pytest
from django.utils import timezone

from core.tests.test_uploads import pdf_bytes

from .conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, name: str) -> None:
    screenshot(page, name)
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


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
