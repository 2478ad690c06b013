"""The contract pages: creating by each route, validation messages, the list's filters and its query
count, what the provider sees of a meeting, returns through the pages."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.models import Contract, PerformanceReturn, ReturnStatus
from contracts.tests.factories import add_kpi, make_contract

from .factories import make_award


def date_fields(name, value):
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def terms(**extra):
    return {
        "reference": "NS-C-2027-009",
        "description": "",
        **date_fields("starts_on", datetime.date(2027, 4, 1)),
        **date_fields("ends_on", datetime.date(2029, 3, 31)),
        "extension_options": "",
        "extension_months_available": "12",
        "notice_period_months": "6",
        **extra,
    }


def test_route_chooser_sends_to_the_routes_form(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(reverse("contracts:contract_create"), {"route": "spot"})
    assert response.url == reverse("contracts:contract_create_spot")
    response = client.post(reverse("contracts:contract_create"), {})
    assert response.status_code == 400
    assert "Select where the contract comes from" in response.content.decode()


def test_create_from_an_award_through_the_page(client, commissioner_northshire, award_northshire):
    client.force_login(commissioner_northshire)
    page = client.get(reverse("contracts:contract_create_award"))
    assert award_northshire.tender.reference in page.content.decode()
    response = client.post(reverse("contracts:contract_create_award"), terms(award=award_northshire.pk))
    contract = Contract.objects.get(award=award_northshire)
    assert response.url == reverse("contracts:contract_detail", args=[contract.pk])
    assert contract.value == award_northshire.value
    # The award is no longer offered.
    page = client.get(reverse("contracts:contract_create_award"))
    assert award_northshire.tender.reference not in page.content.decode()


def test_another_councils_award_is_not_offered(client, commissioner_northshire, award_southvale):
    client.force_login(commissioner_northshire)
    response = client.post(reverse("contracts:contract_create_award"), terms(award=award_southvale.pk))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Contract.objects.exists()


def test_spot_form_validation_messages(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(
        reverse("contracts:contract_create_spot"),
        {**terms(reference=""), **date_fields("ends_on", datetime.date(2027, 3, 1))},
    )
    body = response.content.decode()
    assert response.status_code == 400
    for message in (
        "Select the provider",
        "Enter why no tender or purchasing system was used",
        "Enter the contract reference",
        "Enter the contract title",
        "Enter the total value",
        "The end date must be after the start date",
    ):
        assert message in body, message


def test_spot_purchase_created(client, commissioner_northshire, riverside):
    client.force_login(commissioner_northshire)
    response = client.post(
        reverse("contracts:contract_create_spot"),
        terms(provider=riverside.pk, spot_justification="Urgent", title="Outreach", value="£12,500"),
    )
    contract = Contract.objects.get()
    assert response.url == reverse("contracts:contract_detail", args=[contract.pk])
    assert contract.value == Decimal("12500")


def test_list_filters_and_empty_state(client, commissioner_northshire, contract_northshire, riverside):
    client.force_login(commissioner_northshire)
    response = client.get(reverse("contracts:contract_list"), {"risk": "high"})
    assert "No contracts match these filters" in response.content.decode()
    response = client.get(reverse("contracts:contract_list"), {"risk": "medium", "origin": "spot"})
    assert contract_northshire.reference in response.content.decode()


def test_provider_sees_only_its_own_in_the_list(
    client, provider_riverside, contract_northshire, contract_southvale
):
    client.force_login(provider_riverside)
    body = client.get(reverse("contracts:contract_list")).content.decode()
    assert contract_southvale.reference in body and contract_northshire.reference not in body


def _list_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_rows(client, commissioner_northshire, northshire, oakfield, riverside):
    client.force_login(commissioner_northshire)
    url = reverse("contracts:contract_list")
    for number in range(3):
        make_contract(
            organisation=northshire,
            provider=oakfield,
            created_by=commissioner_northshire,
            reference=f"A{number}",
        )
    few = _list_queries(client, url)
    for number in range(27):
        make_contract(
            organisation=northshire,
            provider=riverside if number % 2 else oakfield,
            created_by=commissioner_northshire,
            reference=f"B{number}",
        )
    assert _list_queries(client, url) == few


def test_detail_queries_do_not_grow_with_returns(
    client, commissioner_northshire, contract_northshire, provider_oakfield
):
    from .conftest import submit_return

    client.force_login(commissioner_northshire)
    url = reverse("contracts:contract_detail", args=[contract_northshire.pk])
    submit_return(contract_northshire, provider_oakfield)
    few = _list_queries(client, url)
    add_kpi(contract_northshire, "Second")
    for month in range(2, 8):
        submit_return(
            contract_northshire,
            provider_oakfield,
            start=datetime.date(2026, 4, month),
            end=datetime.date(2026, 4, month + 1),
        )
    assert _list_queries(client, url) == few


def test_provider_sees_actions_not_notes(
    client, provider_oakfield, commissioner_northshire, action_northshire
):
    client.force_login(provider_oakfield)
    body = client.get(
        reverse("contracts:contract_detail", args=[action_northshire.meeting.contract_id])
    ).content.decode()
    assert "Send the staffing plan" in body
    assert "Internal view" not in body
    assert "Rate the risk" not in body and "Risk rating" not in body and "Medium risk" not in body
    listing = client.get(reverse("contracts:contract_list")).content.decode()
    assert 'name="risk"' not in listing and ">Risk<" not in listing
    client.force_login(commissioner_northshire)
    body = client.get(
        reverse("contracts:contract_detail", args=[action_northshire.meeting.contract_id])
    ).content.decode()
    assert "Internal view" in body and "Medium risk" in body


def test_support_admin_reads_contracts_but_cannot_change_them(
    client, staff_admin, commissioner_northshire, contract_northshire
):
    client.force_login(staff_admin)
    assert client.get("/support/contracts/contract/").status_code == 200
    change = client.get(f"/support/contracts/contract/{contract_northshire.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert client.get("/support/contracts/contract/add/").status_code == 403
    client.force_login(commissioner_northshire)
    assert client.get("/support/contracts/contract/").status_code == 403


def test_return_through_the_pages(client, provider_oakfield, commissioner_northshire, contract_northshire):
    kpi = contract_northshire.kpis.get()
    client.force_login(provider_oakfield)
    url = reverse("contracts:return_submit", args=[contract_northshire.pk])
    response = client.post(url, {**date_fields("period_start", datetime.date(2026, 4, 1))})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter the end of the period" in body and f"Enter the result for “{kpi.title}”" in body
    response = client.post(
        url,
        {
            **date_fields("period_start", datetime.date(2026, 4, 1)),
            **date_fields("period_end", datetime.date(2026, 6, 30)),
            f"kpi_{kpi.pk}_value": "85",
        },
    )
    performance_return = PerformanceReturn.objects.get()
    assert response.url == reverse("contracts:return_detail", args=[performance_return.pk])
    client.force_login(commissioner_northshire)
    review = reverse("contracts:return_review", args=[performance_return.pk])
    response = client.post(review, {"outcome": "query"})
    assert "Enter what the provider needs to change or explain" in response.content.decode()
    client.post(review, {"outcome": "accept"})
    performance_return.refresh_from_db()
    assert performance_return.status == ReturnStatus.ACCEPTED
    response = client.post(review, {"outcome": "query", "notes": "late"})
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()


def test_extend_beyond_months_available_through_the_page(
    client, commissioner_northshire, contract_northshire
):
    client.force_login(commissioner_northshire)
    response = client.post(
        reverse("contracts:review_decide", args=[contract_northshire.pk]),
        {"decision": "extend", "notes": "Good", **date_fields("new_ends_on", datetime.date(2029, 3, 31))},
    )
    assert response.status_code == 400
    assert "only 0 months of extension are available" in response.content.decode()
    response = client.post(
        reverse("contracts:review_decide", args=[contract_northshire.pk]), {"decision": "extend"}
    )
    body = response.content.decode()
    assert "Enter the new end date" in body and "Enter the notes for the decision" in body


def test_meeting_form_validates_action_rows(client, commissioner_northshire, contract_northshire):
    client.force_login(commissioner_northshire)
    url = reverse("contracts:meeting_add", args=[contract_northshire.pk])
    response = client.post(
        url,
        {
            **date_fields("held_on", datetime.date(2026, 5, 1)),
            "attendees": "A",
            "notes": "B",
            "action_0_description": "Do it",
        },
    )
    body = response.content.decode()
    assert "Select who owns action 1" in body and "Enter when action 1 is due" in body
    response = client.post(
        url,
        {
            **date_fields("held_on", datetime.date(2026, 5, 1)),
            "attendees": "A",
            "notes": "B",
            "action_0_description": "Do it",
            "action_0_owner": "provider",
            **date_fields("action_0_due_on", datetime.date(2026, 6, 1)),
        },
    )
    assert response.status_code == 302
    assert contract_northshire.meetings.get().actions.count() == 1


def test_kpi_and_capacity_pages(client, commissioner_northshire, contract_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(reverse("contracts:kpi_add", args=[contract_northshire.pk]), {"target": "x"})
    body = response.content.decode()
    assert "Enter the KPI" in body and "Target must be a number" in body
    client.post(
        reverse("contracts:kpi_add", args=[contract_northshire.pk]),
        {
            "title": "Referrals answered within 5 days",
            "unit": "%",
            "target": "95",
            "direction": "at_least",
            "frequency": "monthly",
        },
    )
    assert contract_northshire.kpis.count() == 2
    response = client.post(
        reverse("contracts:capacity_add", args=[contract_northshire.pk]),
        {"primary_need": "ASD", "age_band": "5-10", "setting": "independent_special", "places": "6"},
    )
    assert response.status_code == 302
    assert contract_northshire.capacity.get().places == 6
    body = client.get(reverse("contracts:contract_detail", args=[contract_northshire.pk])).content.decode()
    assert "Age 5 to 10" in body and "Referrals answered within 5 days" in body


def test_ended_contract_offers_no_changes(client, commissioner_northshire, northshire, oakfield):
    contract = make_contract(
        organisation=northshire, provider=oakfield, created_by=commissioner_northshire, status="ended"
    )
    client.force_login(commissioner_northshire)
    body = client.get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
    assert "Add a KPI" not in body and "Record decision" not in body
    response = client.post(
        reverse("contracts:review_decide", args=[contract.pk]), {"decision": "recommission", "notes": "x"}
    )
    assert response.status_code == 400
    assert "only be made for a live contract" in response.content.decode()


def test_award_in_standstill_is_not_offered(client, commissioner_northshire, northshire, provider_oakfield):
    award = make_award(northshire, commissioner_northshire, provider_oakfield, status="standstill")
    client.force_login(commissioner_northshire)
    response = client.post(reverse("contracts:contract_create_award"), terms(award=award.pk))
    assert response.status_code == 400


def test_changing_a_contracts_details(client, commissioner_northshire, contract_northshire):
    client.force_login(commissioner_northshire)
    url = reverse("contracts:contract_edit", args=[contract_northshire.pk])
    response = client.post(url, {"title": "", "notice_period_months": "40"})
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        "Enter the contract title" in body
        and "The notice period in months must be a whole number from 0 to 36" in body
    )
    response = client.post(
        url, {"title": "Short breaks", "notice_period_months": "3", "extension_options": "None"}
    )
    assert response.status_code == 302
    contract_northshire.refresh_from_db()
    assert (contract_northshire.title, contract_northshire.notice_period_months) == ("Short breaks", 3)
