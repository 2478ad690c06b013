"""The annual provider check in a real browser: the run asks Oakfield for evidence; Oakfield's user first
sends an empty form (and is told what is missing), then sends its statements and documents; the lead
commissioner sees the warning about insurance running out, verifies the check; a member authority's
commissioner sees its status only. axe-core finds no serious or critical problem on any page."""

import datetime

import pytest
from django.utils import timezone

from contracts.models import ProviderCheck, ProviderCheckStatus
from contracts.services import checks as services
from core.tests.test_uploads import pdf_bytes
from procurement.services import fps as fps_services

from .conftest import check, fill_date, sign_in, switch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def asked(lead_northshire, southvale, oakfield, riverside, provider_oakfield, provider_riverside):
    """A system whose check date has come; Oakfield and Riverside have been asked for evidence today."""
    today = timezone.localdate()
    system = fps_services.purchasing_system_create(
        actor=lead_northshire,
        name="North West SEND Flexible Purchasing System",
        overarching_contract_title="Overarching agreement for SEND placements",
        overarching_contract_terms="1. The provider keeps its registration.",
        starts_on=datetime.date(today.year - 1, 1, 1),
        annual_check_month=1,
        annual_check_day=1,
    )
    fps_services.purchasing_system_member_add(system=system, actor=lead_northshire, authority=southvale)
    lot = fps_services.fps_lot_add(
        system=system, actor=lead_northshire, code="L1", title="0–16 day", age_from=0, age_to=16
    )
    for provider in (oakfield, riverside):
        fps_services.membership_admit(
            lot=lot, provider=provider, actor=lead_northshire, reason="Moved across"
        )
    services.annual_checks_run(today=today)
    return ProviderCheck.objects.get(provider=oakfield)


def test_a_provider_sends_evidence_and_the_lead_verifies_it(
    page, tmp_path, asked, provider_oakfield, lead_northshire, commissioner_southvale
):
    documents = {}
    for name in ("registration", "insurance", "accounts"):
        documents[name] = tmp_path / f"{name}.pdf"
        documents[name].write_bytes(pdf_bytes())
    today = timezone.localdate()

    sign_in(page, provider_oakfield)
    page.goto("/contracts/annual-checks/yours/")
    check(page, "checks-provider-list")
    page.get_by_role("link", name="North West SEND Flexible Purchasing System").click()
    page.wait_for_load_state()
    check(page, "checks-provider-detail")
    page.get_by_role("button", name="Send your evidence").click()
    page.wait_for_load_state()
    check(page, "checks-evidence-form")
    page.get_by_role("button", name="Send evidence").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Enter the registrations you hold").is_visible()
    check(page, "checks-evidence-errors")

    page.get_by_label("Registrations you hold").fill("Ofsted URN 148812, DfE 931/6012. No change this year.")
    page.get_by_label("Good").check()
    fill_date(page, "ofsted_judgement_on", datetime.date(today.year - 1, 11, 4))
    page.get_by_label("Registration evidence").set_input_files(str(documents["registration"]))
    page.get_by_label("Insurance cover, in pounds").fill("£5,000,000")
    fill_date(page, "insurance_expires_on", datetime.date(today.year, 12, 31))  # before next check
    page.get_by_label("Insurance certificate").set_input_files(str(documents["insurance"]))
    page.get_by_label("Financial standing").fill("Accounts to 31 August: turnover £4.2m, surplus £180k.")
    page.get_by_label("Financial evidence").set_input_files(str(documents["accounts"]))
    page.get_by_role("button", name="Send evidence").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your evidence for the").is_visible()
    check(page, "checks-provider-sent")
    asked.refresh_from_db()
    assert asked.status == ProviderCheckStatus.SUBMITTED

    switch(page, lead_northshire)
    page.goto("/contracts/annual-checks/")
    check(page, "checks-lead-list")
    page.get_by_label("Status").select_option("submitted")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.get_by_text("1 check", exact=True).is_visible()
    page.get_by_role("link", name="Oakfield School Ltd").click()
    page.wait_for_load_state()
    assert page.get_by_text("The insurance expires on").is_visible()
    check(page, "checks-lead-detail")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    check(page, "checks-lead-verify")
    page.get_by_label("Notes (optional)").fill("Renewal promised before expiry; certificates seen.")
    page.get_by_role("button", name="Verify check").click()
    page.wait_for_load_state()
    assert page.get_by_text("is verified").is_visible()
    check(page, "checks-lead-verified")
    asked.refresh_from_db()
    assert asked.status == ProviderCheckStatus.VERIFIED

    switch(page, commissioner_southvale)
    page.goto(f"/contracts/annual-checks/{asked.pk}/")
    assert page.get_by_text("Verified", exact=True).first.is_visible()
    assert page.get_by_text("Accounts to 31 August").count() == 0
    check(page, "checks-member-detail")


def test_the_lead_fails_a_check_with_a_reason(page, asked, provider_oakfield, lead_northshire):
    from contracts.tests.checks.helpers import submit

    submit(asked, provider_oakfield)
    sign_in(page, lead_northshire)
    page.goto(f"/contracts/annual-checks/{asked.pk}/")
    page.get_by_role("button", name="Fail").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Fail check").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Enter why the check has failed").is_visible()
    check(page, "checks-lead-fail-errors")
    page.get_by_label("Why has the check failed?").fill("The insurance certificate is for another company.")
    page.get_by_role("button", name="Fail check").click()
    page.wait_for_load_state()
    assert page.get_by_text("Its active places on the system are suspended").is_visible()
    check(page, "checks-lead-failed")
