"""Decommissioning a contract in a real browser: a Northshire commissioner proposes decommissioning
Oakfield's contract; a second Northshire commissioner approves it; notice is served and the exit plan
holds the child placed under a placement agreement; a child placed outside an agreement is added by case
reference; every row is resolved; a communication to families is recorded; the decommissioning is
completed and the contract ends. The provider then sees the status and dates only. axe-core finds no
serious or critical problem on any page."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_create
from conftest import PASSWORD
from contracts.models import ContractStatus, Decommissioning, DecommissioningStatus
from contracts.tests.factories import make_contract
from procurement.services import fps as fps_services
from procurement.services import referrals as referral_services
from procurement.tests.fps.factories import admit, make_referral, place

from .conftest import check, fill_date, sign_in, switch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def contract(northshire, oakfield, commissioner_northshire, lead_northshire, southvale, provider_oakfield):
    """Oakfield's contract with Northshire, started two years ago, and one child placed with Oakfield under
    a placement agreement."""
    today = timezone.localdate()
    contract = make_contract(
        organisation=northshire,
        provider=oakfield,
        created_by=commissioner_northshire,
        reference="NS-C-2025-014",
        title="Speech and language therapy for primary pupils",
        starts_on=today - datetime.timedelta(days=730),
        ends_on=today + datetime.timedelta(days=730),
    )
    system = fps_services.purchasing_system_create(
        actor=lead_northshire,
        name="North West SEND Flexible Purchasing System",
        overarching_contract_title="Overarching agreement for SEND placements",
        overarching_contract_terms="1. The provider keeps its registration.",
        starts_on=datetime.date(2024, 4, 1),
    )
    lot = fps_services.fps_lot_add(
        system=system, actor=lead_northshire, code="L1", title="0–16 day", age_from=0, age_to=16
    )
    admit(lot, provider_oakfield, lead_northshire)
    referral = make_referral(commissioner_northshire, lot, case_reference="NS-2026-0457")
    referral = referral_services.referral_send(referral=referral, actor=commissioner_northshire)
    place(referral, commissioner_northshire, provider_oakfield)
    return contract


@pytest.fixture
def second_commissioner(northshire):
    return user_create(
        email="second@northshire.test",
        full_name="Ruth Osei",
        organisation=northshire,
        roles=[Role.COMMISSIONER],
        password=PASSWORD,
    )


def resolve_row(page, reference: str, destination: str, when: datetime.date, name: str) -> None:
    page.get_by_role("link", name=f"Update {reference}").click()
    page.wait_for_load_state()
    check(page, f"decommissioning-row-{name}")
    page.get_by_label(destination).check()
    fill_date(page, "transition_on", when)
    page.get_by_label("The child's move is agreed: mark this row resolved").check()
    page.get_by_role("button", name="Save exit plan row").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"The exit plan for {reference} has been resolved.").is_visible()


def test_decommissioning_journey(
    page, contract, commissioner_northshire, second_commissioner, provider_oakfield
):
    today = timezone.localdate()
    notice_on = today - datetime.timedelta(days=240)
    end_on = today - datetime.timedelta(days=1)

    # Propose.
    sign_in(page, commissioner_northshire)
    page.goto("/contracts/decommissioning/")
    assert page.get_by_text("Your council is not decommissioning any contract.").is_visible()
    check(page, "decommissioning-list-empty")
    page.goto(f"/contracts/{contract.pk}/decommission/")
    page.get_by_role("button", name="Propose decommissioning").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    check(page, "decommissioning-propose-errors")
    page.get_by_label("Unsatisfactory performance or quality").check()
    page.get_by_label("Detail").fill("Attendance below target for three quarters; the QA visit found gaps.")
    page.get_by_role("button", name="Propose decommissioning").click()
    page.wait_for_load_state()
    assert page.get_by_text("Another commissioner must approve it.").first.is_visible()
    assert page.get_by_role("button", name="Approve decommissioning").count() == 0
    check(page, "decommissioning-detail-proposed")
    decommissioning = Decommissioning.objects.get(contract=contract)

    # Approve, as a second commissioner.
    switch(page, second_commissioner)
    page.goto(f"/contracts/decommissioning/{decommissioning.pk}/")
    page.get_by_role("button", name="Approve decommissioning").click()
    page.wait_for_load_state()
    check(page, "decommissioning-approve")
    page.get_by_role("button", name="Approve decommissioning").click()
    page.wait_for_load_state()
    assert page.get_by_text("Priya Shah has been told.").is_visible()

    # Serve notice: the exit plan holds the child placed under the agreement.
    page.get_by_role("button", name="Record notice served").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Record notice served").click()
    page.wait_for_load_state()
    assert page.get_by_text("Enter the date notice was served").first.is_visible()
    check(page, "decommissioning-notice-errors")
    fill_date(page, "notice_served_on", notice_on)
    fill_date(page, "end_on", end_on)
    page.get_by_role("button", name="Record notice served").click()
    page.wait_for_load_state()
    assert page.get_by_text("The exit plan has 1 child from placement agreements.").is_visible()
    assert page.get_by_role("cell", name="NS-2026-0457", exact=True).is_visible()
    check(page, "decommissioning-detail-notice")

    # A child placed outside an agreement, by case reference only.
    page.get_by_role("link", name="Add a child placed outside a placement agreement").click()
    page.wait_for_load_state()
    page.get_by_label("Case reference").fill("Jane Smith")
    page.get_by_role("button", name="Add to the exit plan").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    check(page, "decommissioning-row-add-errors")
    page.get_by_label("Case reference").fill("NS-CYP-0412")
    page.get_by_role("button", name="Add to the exit plan").click()
    page.wait_for_load_state()
    assert page.get_by_text("2 children in the plan").is_visible()

    # Resolve each row.
    resolve_row(page, "NS-2026-0457", "State-funded special school", end_on, "ipa")
    resolve_row(page, "NS-CYP-0412", "Mainstream school", end_on - datetime.timedelta(days=7), "manual")
    assert page.get_by_text("all resolved").is_visible()

    # A communication to every family.
    page.get_by_role("link", name="Record a communication").click()
    page.wait_for_load_state()
    check(page, "decommissioning-communication")
    page.get_by_label("Who was told?").select_option(label="All families")
    fill_date(page, "sent_on", notice_on + datetime.timedelta(days=2))
    page.get_by_label("Letter").check()
    page.get_by_label("Summary of what was said").fill(
        "A letter to every family explaining the service ends."
    )
    page.get_by_role("button", name="Record communication").click()
    page.wait_for_load_state()
    assert page.get_by_text("The communication to all families has been recorded.").is_visible()

    # Complete.
    page.get_by_role("button", name="Complete decommissioning").click()
    page.wait_for_load_state()
    check(page, "decommissioning-complete")
    page.get_by_label("What was learnt?").fill("Check attendance monthly from the first term; visit sooner.")
    page.get_by_role("button", name="Complete decommissioning").click()
    page.wait_for_load_state()
    assert page.get_by_text("is complete and the contract has ended.").is_visible()
    check(page, "decommissioning-detail-completed")
    decommissioning.refresh_from_db()
    contract.refresh_from_db()
    assert decommissioning.status == DecommissioningStatus.COMPLETED
    assert contract.status == ContractStatus.ENDED
    page.goto("/contracts/decommissioning/")
    check(page, "decommissioning-list")

    # The provider sees the status and the dates, not the exit plan.
    switch(page, provider_oakfield)
    page.goto(f"/contracts/decommissioning/{decommissioning.pk}/")
    assert page.get_by_text("Completed").first.is_visible()
    assert page.get_by_text("NS-CYP-0412").count() == 0
    check(page, "decommissioning-provider")
