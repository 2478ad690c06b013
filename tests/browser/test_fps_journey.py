"""A referral through the Flexible Purchasing System in a real browser: a Northshire commissioner refers a
child to a lot and it goes to every active provider on it (not to a suspended one); Oakfield and Riverside
answer; the commissioner compares the answers and selects one; the Individual Placement Agreement is
written and its PDF downloaded. axe-core finds no serious or critical problem on any page."""

import datetime

import pytest
from django.utils import timezone

from procurement.models import IndividualPlacementAgreement, Referral, ReferralStatus
from procurement.services import fps as fps_services
from procurement.tests.fps.factories import admit

from .conftest import check, fill_date, sign_in, switch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fps_list(lead_northshire, southvale, provider_oakfield, provider_riverside):
    """The system with lot L1: Oakfield and Riverside active with the contract accepted, and a third
    provider suspended."""
    from accounts.models import OrganisationKind, Role
    from accounts.services import organisation_create, user_create

    system = fps_services.purchasing_system_create(
        actor=lead_northshire,
        name="North West SEND Flexible Purchasing System",
        overarching_contract_title="Overarching agreement for SEND placements",
        overarching_contract_terms="1. The provider keeps its registration.\n2. It answers every referral.",
        starts_on=datetime.date(2026, 4, 1),
    )
    fps_services.purchasing_system_member_add(system=system, actor=lead_northshire, authority=southvale)
    lot = fps_services.fps_lot_add(
        system=system, actor=lead_northshire, code="L1", title="0–16 day", age_from=0, age_to=16
    )
    admit(lot, provider_oakfield, lead_northshire, needs=("ASD", "SLCN"), area="Northshire", places=3)
    admit(lot, provider_riverside, lead_northshire, needs=("ASD", "SEMH"), area="Southvale", places=2)
    hillside = organisation_create(name="Hillside Care Ltd", slug="hillside", kind=OrganisationKind.PROVIDER)
    hillside_user = user_create(
        email="provider@hillside.test",
        full_name="Ali Khan",
        organisation=hillside,
        roles=[Role.PROVIDER_USER],
        password="a-long-enough-password",
    )
    suspended = admit(lot, hillside_user, lead_northshire)
    fps_services.membership_suspend(membership=suspended, actor=lead_northshire, reason="Insurance lapsed")
    return system, lot


def answer(page, referral_pk: int, fee: str, start: datetime.date, name: str) -> None:
    page.goto("/procurement/fps/received/")
    check(page, f"fps-received-list-{name}")
    page.get_by_role("link", name="NS-2026-0457").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="NS-2026-0457").is_visible()
    check(page, f"fps-received-detail-{name}")
    page.get_by_label("Yes").check()
    page.get_by_label("Weekly fee, in pounds").fill(fee)
    fill_date(page, "start_on", start)
    page.get_by_label("Notes").fill("A place in a class of 7.")
    page.get_by_role("button", name="Send answer").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your answer has been sent to the council.").is_visible()


def test_a_referral_goes_to_every_active_provider_and_ends_in_a_placement_agreement(
    page, fps_list, commissioner_northshire, provider_oakfield, provider_riverside, lead_northshire
):
    system, lot = fps_list
    today = timezone.localdate()

    # The lead commissioner's view of the system and the electronic list.
    sign_in(page, lead_northshire)
    page.goto(f"/procurement/fps/{system.pk}/")
    assert page.get_by_role("heading", name=system.name).is_visible()
    check(page, "fps-system-detail")
    page.get_by_role("button", name="Search the electronic list").click()
    page.wait_for_load_state()
    page.get_by_label("Primary need").select_option("SEMH")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Riverside Learning Trust on L1").is_visible()
    assert page.get_by_role("link", name="Oakfield School Ltd on L1").count() == 0
    check(page, "fps-electronic-list")

    # A commissioner refers a child: mistakes first, then a good referral.
    switch(page, commissioner_northshire)
    page.goto("/procurement/fps/referrals/")
    check(page, "fps-referral-list-empty")
    page.get_by_role("button", name="Refer a child").click()
    page.wait_for_load_state()
    page.get_by_label("Case reference").fill("Jane Smith")
    page.get_by_role("button", name="Save referral").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").filter(has_text="There is a problem").is_visible()
    assert page.get_by_role("link", name="Select a lot").is_visible()
    check(page, "fps-referral-form-errors")
    page.get_by_label("Lot").select_option(str(lot.pk))
    page.get_by_label("Case reference").fill("NS-2026-0457")
    page.get_by_label("Year of birth").fill(str(today.year - 11))
    page.get_by_label("Primary need").select_option("ASD")
    page.get_by_label("Yes").check()
    page.get_by_label("Key requirements").fill(
        "Small classes, a quiet space, weekly speech and language therapy."
    )
    fill_date(page, "wanted_start_on", today + datetime.timedelta(days=40))
    fill_date(page, "respond_by", today + datetime.timedelta(days=7))
    page.get_by_role("button", name="Save referral").click()
    page.wait_for_load_state()
    assert page.get_by_text("Oakfield School Ltd").is_visible()
    assert page.get_by_text("Hillside Care Ltd").count() == 0
    check(page, "fps-referral-draft")
    page.get_by_role("button", name="Send to 2 providers").click()
    page.wait_for_load_state()
    assert page.get_by_text("The referral has been sent to 2 providers.").is_visible()
    referral = Referral.objects.get()
    assert set(referral.responses.values_list("provider__slug", flat=True)) == {"oakfield", "riverside"}
    check(page, "fps-referral-sent")

    # Both providers answer.
    switch(page, provider_oakfield)
    answer(page, referral.pk, "£3,400.00", today + datetime.timedelta(days=40), "oakfield")
    switch(page, provider_riverside)
    answer(page, referral.pk, "3100", today + datetime.timedelta(days=45), "riverside")

    # The commissioner compares them (cheapest first) and selects Riverside.
    switch(page, commissioner_northshire)
    page.goto(f"/procurement/fps/referrals/{referral.pk}/")
    table = page.get_by_role("table").filter(has_text="lowest weekly fee first")
    rows = table.get_by_role("row")
    assert "Riverside Learning Trust" in rows.nth(1).inner_text() and "£3,100.00" in rows.nth(1).inner_text()
    assert "Oakfield School Ltd" in rows.nth(2).inner_text() and "£3,400.00" in rows.nth(2).inner_text()
    check(page, "fps-referral-compare")
    page.get_by_role("link", name="Select Riverside Learning Trust").click()
    page.wait_for_load_state()
    check(page, "fps-referral-select")
    page.get_by_role("button", name="Select Riverside Learning Trust").click()
    page.wait_for_load_state()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PLACED

    # The placement agreement: the fee is filled in from the answer.
    assert page.get_by_role("heading", name="Write the Individual Placement Agreement").is_visible()
    assert page.get_by_label("Weekly fee, in pounds").input_value() == "3100.00"
    start = today + datetime.timedelta(days=45)
    fill_date(page, "start_on", start)
    fill_date(page, "end_on", start + datetime.timedelta(days=364))
    page.get_by_label("Additional service 1", exact=True).fill("1:1 support")
    page.get_by_label("Weekly cost of additional service 1, in pounds").fill("350")
    page.get_by_label("Additional service 2", exact=True).fill("Speech and language therapy")
    page.get_by_label("Weekly cost of additional service 2, in pounds").fill("95")
    fill_date(page, "review_1", start + datetime.timedelta(days=42))
    check(page, "fps-ipa-form")
    page.get_by_role("button", name="Create placement agreement").click()
    page.wait_for_load_state()
    ipa = IndividualPlacementAgreement.objects.get()
    assert page.get_by_role("heading", name=ipa.reference).is_visible()
    assert page.get_by_text("£3,545.00").is_visible()
    check(page, "fps-ipa-detail")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the agreement (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    pdf_response = page.request.get(f"/procurement/fps/agreements/{ipa.pk}/pdf/")
    assert pdf_response.headers["content-type"] == "application/pdf"

    # The chosen provider sees its agreement; the other sees it was not selected.
    switch(page, provider_riverside)
    page.goto("/procurement/fps/agreements/")
    assert page.get_by_role("link", name=ipa.reference).is_visible()
    check(page, "fps-ipa-list-provider")
    switch(page, provider_oakfield)
    page.goto(f"/procurement/fps/received/{referral.pk}/")
    assert page.get_by_text("Not selected").first.is_visible()
    assert page.goto(f"/procurement/fps/agreements/{ipa.pk}/").status == 404


def test_a_provider_accepts_the_overarching_contract(page, fps_list, lead_northshire, provider_oakfield):
    system, _lot = fps_list
    second = fps_services.fps_lot_add(
        system=system,
        actor=lead_northshire,
        code="L2",
        title="0–16 38-week residential",
        age_from=0,
        age_to=16,
    )
    membership = fps_services.membership_admit(
        lot=second, provider=provider_oakfield.organisation, actor=lead_northshire, reason="Old list"
    )
    sign_in(page, provider_oakfield)
    page.goto("/procurement/fps/places/")
    assert page.get_by_text("Awaiting acceptance").is_visible()
    check(page, "fps-my-places")
    page.get_by_role("link", name="L2: 0–16 38-week residential").click()
    page.wait_for_load_state()
    check(page, "fps-membership-awaiting")
    page.get_by_role("button", name="Read and accept the overarching contract").click()
    page.wait_for_load_state()
    assert page.get_by_text("It answers every referral.").is_visible()
    page.get_by_label("Your role at the provider").fill("")
    page.get_by_role("button", name="Accept the overarching contract").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").filter(has_text="There is a problem").is_visible()
    check(page, "fps-accept-errors")
    page.get_by_label("Your full name").fill("Daniel Okafor")
    page.get_by_label("Your role at the provider").fill("Head teacher")
    page.get_by_label("I have read the terms and accept them on behalf of the provider").check()
    page.get_by_role("button", name="Accept the overarching contract").click()
    page.wait_for_load_state()
    assert page.get_by_text("Accepted by Daniel Okafor (Head teacher)").is_visible()
    membership.refresh_from_db()
    assert membership.contract_accepted_at is not None
    page.get_by_role("button", name="Update your offer").click()
    page.wait_for_load_state()
    check(page, "fps-offer-form")
