"""Managing a contract in a real browser: a Northshire commissioner creates the contract from an awarded
tender and adds a KPI; Oakfield submits a performance return; the commissioner queries it, Oakfield
corrects and resubmits it, and the commissioner accepts it. axe-core finds no serious or critical problem
on any page, for each role."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from contracts.models import Contract, PerformanceReturn, ReturnStatus
from contracts.tests.contracts.factories import make_award

from .conftest import check, fill_date, sign_in, switch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_contract_from_award_to_an_accepted_return(
    page, northshire, commissioner_northshire, provider_oakfield, provider_riverside
):
    award = make_award(northshire, commissioner_northshire, provider_oakfield)
    starts_on = timezone.localdate().replace(day=1) - relativedelta(months=9)

    # The commissioner creates the contract from the award.
    sign_in(page, commissioner_northshire)
    page.goto("/contracts/")
    check(page, "contracts-list-empty-commissioner")
    page.get_by_role("button", name="Create a contract").click()
    page.wait_for_load_state()
    check(page, "contracts-create-route")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.get_by_text("Select where the contract comes from").first.is_visible()
    check(page, "contracts-create-route-error")
    page.get_by_label("Award of a tender").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    check(page, "contracts-create-award")
    page.get_by_label(award.tender.reference, exact=False).check()
    page.get_by_label("Contract reference").fill("NS-C-2026-031")
    fill_date(page, "starts_on", starts_on)
    fill_date(page, "ends_on", starts_on + relativedelta(years=3) - datetime.timedelta(days=1))
    page.get_by_label("Months of extension available").fill("12")
    page.get_by_role("button", name="Create contract").click()
    page.wait_for_load_state()
    contract = Contract.objects.get(reference="NS-C-2026-031")
    assert page.get_by_role("heading", name=contract.title).is_visible()
    check(page, "contracts-detail-commissioner")

    page.get_by_role("button", name="Add a KPI").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Add KPI").click()
    page.wait_for_load_state()
    check(page, "contracts-kpi-add-error")
    page.get_by_label("KPI", exact=True).fill("Children receiving every planned therapy session")
    page.get_by_label("Unit (optional)").fill("%")
    page.get_by_label("Target", exact=True).fill("90")
    page.get_by_role("button", name="Add KPI").click()
    page.wait_for_load_state()
    assert page.get_by_text("Children receiving every planned therapy session").first.is_visible()
    kpi = contract.kpis.get()

    for path, name in (
        (f"/contracts/{contract.pk}/risk/", "risk"),
        (f"/contracts/{contract.pk}/capacity/add/", "capacity"),
        (f"/contracts/{contract.pk}/meetings/new/", "meeting"),
        (f"/contracts/{contract.pk}/review/", "review-decision"),
        ("/contracts/new/spot/", "create-spot"),
        ("/contracts/new/fps/", "create-fps"),
    ):
        page.goto(path)
        check(page, f"contracts-{name}")

    # Oakfield submits a return.
    switch(page, provider_oakfield)
    page.goto("/contracts/")
    check(page, "contracts-list-provider")
    page.get_by_role("link", name="NS-C-2026-031").click()
    page.wait_for_load_state()
    check(page, "contracts-detail-provider")
    page.get_by_role("button", name="Submit a performance return").click()
    page.wait_for_load_state()
    check(page, "contracts-return-form")
    fill_date(page, "period_start", starts_on)
    fill_date(page, "period_end", starts_on + relativedelta(months=3) - datetime.timedelta(days=1))
    page.get_by_role("button", name="Submit return").click()
    page.wait_for_load_state()
    assert page.get_by_text("Enter the result for").first.is_visible()
    check(page, "contracts-return-form-error")
    page.locator(f'input[name="kpi_{kpi.pk}_value"]').fill("84")
    page.get_by_role("button", name="Submit return").click()
    page.wait_for_load_state()
    performance_return = PerformanceReturn.objects.get()
    check(page, "contracts-return-detail-provider")

    # The commissioner queries it.
    switch(page, commissioner_northshire)
    page.goto(f"/contracts/returns/{performance_return.pk}/")
    check(page, "contracts-return-detail-commissioner")
    page.get_by_role("button", name="Review this return").click()
    page.wait_for_load_state()
    check(page, "contracts-return-review")
    page.get_by_label("Return it to the provider with questions").check()
    page.get_by_label("Notes for the provider").fill(
        "84% is below target: which sessions were missed, and why?"
    )
    page.get_by_role("button", name="Save review").click()
    page.wait_for_load_state()
    performance_return.refresh_from_db()
    assert performance_return.status == ReturnStatus.QUERIED

    # Oakfield corrects and resubmits it.
    switch(page, provider_oakfield)
    page.goto(f"/contracts/returns/{performance_return.pk}/")
    check(page, "contracts-return-queried-provider")
    page.get_by_role("button", name="Correct and resubmit").click()
    page.wait_for_load_state()
    check(page, "contracts-return-resubmit")
    page.locator(f'textarea[name="kpi_{kpi.pk}_commentary"]').fill(
        "Two children were in hospital for 3 weeks."
    )
    page.get_by_role("button", name="Resubmit return").click()
    page.wait_for_load_state()
    performance_return.refresh_from_db()
    assert performance_return.status == ReturnStatus.SUBMITTED

    # The commissioner accepts it.
    switch(page, commissioner_northshire)
    page.goto(f"/contracts/returns/{performance_return.pk}/review/")
    page.get_by_label("Accept the return").check()
    page.get_by_role("button", name="Save review").click()
    page.wait_for_load_state()
    performance_return.refresh_from_db()
    assert performance_return.status == ReturnStatus.ACCEPTED
    check(page, "contracts-return-accepted")
    page.goto(f"/contracts/{contract.pk}/")
    assert page.get_by_text("Not met").first.is_visible()

    # Another provider never finds it.
    switch(page, provider_riverside)
    response = page.goto(f"/contracts/{contract.pk}/")
    assert response.status == 404
