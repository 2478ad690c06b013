"""A business case from draft to Cabinet approval in a real browser: the commissioner writes and submits
it, Finance and Legal approve, another commissioner records Cabinet's decision, and the author's own
attempt to decide is refused. axe-core checks the list, the form with errors, the detail and decide pages."""

import pytest

from commissioning.models import BusinessCase, BusinessCaseStatus

from .conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out_and_in(page, user):
    page.context.clear_cookies()
    sign_in(page, user)


def decide(page, case_pk, outcome_label="Approve", **fields):
    page.goto(f"/commissioning/business-cases/{case_pk}/decide/")
    page.get_by_label(outcome_label, exact=True).check()
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()


def test_business_case_from_draft_to_cabinet_approval(
    page, commissioner_northshire, finance_northshire, legal_northshire, lead_northshire
):
    # The commissioner writes the case; a first attempt with mistakes shows GOV.UK errors.
    sign_in(page, commissioner_northshire)
    page.goto("/commissioning/business-cases/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Write a business case").click()
    page.get_by_label("Year 1: financial year").fill("2026")
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").filter(has_text="There is a problem").is_visible()
    assert page.get_by_role("link", name="Enter a title").is_visible()
    screenshot(page, "business-case-form-errors")
    assert axe_violations(page) == []

    page.get_by_label("Title", exact=True).fill("Autism resource bases")
    page.get_by_label("The need").fill("Forty more autistic children need a specialist place by 2027.")
    page.get_by_label("Option 1 name").fill("Spot purchase")
    page.get_by_label("Option 1 cost (£)").fill("900000")
    page.get_by_label("Option 2 name").fill("Two resource bases")
    page.get_by_label("Option 2 cost (£)").fill("650000")
    page.get_by_label("Recommended option").select_option(label="Option 2")
    page.get_by_label("Year 1: financial year").fill("2026-27")
    page.get_by_label("Year 1: cost (£)").fill("250000")
    page.get_by_label("Year 2: financial year").fill("2027-28")
    page.get_by_label("Year 2: cost (£)").fill("400000")
    page.get_by_label("Funding source 1", exact=True).select_option("high_needs_block")
    page.get_by_label("Funding source 1: amount (£)").fill("650000")
    page.get_by_label("Risk 1", exact=True).fill("Recruiting specialist staff")
    page.get_by_label("Outcomes sought").fill("Children educated nearer home.")
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Autism resource bases", level=1).is_visible()
    case = BusinessCase.objects.get()
    assert page.locator("#case-status").inner_text() == "Draft"

    page.get_by_role("button", name="Submit for approval").click()
    page.get_by_role("button", name="Submit for Finance approval").click()
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text() == "Waiting for Finance"
    assert page.get_by_role("definition").filter(has_text="Version 1, submitted by Priya Shah").is_visible()
    screenshot(page, "business-case-submitted")
    assert axe_violations(page) == []

    # Finance finds it in their queue, sees the version they decide on, and approves.
    sign_out_and_in(page, finance_northshire)
    page.goto("/commissioning/business-cases/waiting/")
    page.get_by_role("link", name="Autism resource bases").click()
    assert page.get_by_text("You are deciding on version 1").is_visible()
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Select whether you approve, return or reject").is_visible()
    screenshot(page, "business-case-decide-errors")
    assert axe_violations(page) == []
    decide(page, case.pk)
    assert page.locator("#case-status").inner_text() == "Waiting for Legal"

    sign_out_and_in(page, legal_northshire)
    decide(page, case.pk)
    assert page.locator("#case-status").inner_text() == "Waiting for Cabinet"

    # The author may record Cabinet decisions in general, but never on their own case.
    sign_out_and_in(page, commissioner_northshire)
    page.goto(f"/commissioning/business-cases/{case.pk}/")
    assert page.get_by_text("You wrote this business case, so someone else must decide it").is_visible()
    response = page.goto(f"/commissioning/business-cases/{case.pk}/decide/")
    assert response.status == 403
    assert page.get_by_role("heading", name="You cannot decide on this business case").is_visible()
    screenshot(page, "business-case-author-refused")

    # Another commissioner records Cabinet's decision with its date and minute reference.
    sign_out_and_in(page, lead_northshire)
    page.goto(f"/commissioning/business-cases/{case.pk}/")
    page.get_by_role("button", name="Record the Cabinet decision").click()
    assert page.get_by_role("heading", name="Record the Cabinet decision").is_visible()
    screenshot(page, "business-case-decide")
    assert axe_violations(page) == []
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_label("Minute reference").fill("CAB/2026/41")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()

    assert page.locator("#case-status").inner_text() == "Approved by Cabinet"
    history = page.get_by_role("table", name="Decision history")
    for text in ("Finance", "Legal", "Cabinet", "Martin Ellis", "Aisha Rahman", "Tom Adeyemi", "CAB/2026/41"):
        assert text in history.inner_text()
    screenshot(page, "business-case-approved")
    assert axe_violations(page) == []
    case.refresh_from_db()
    assert case.status == BusinessCaseStatus.CABINET_APPROVED
