"""Decommissioning through its pages: each form's messages in the error summary, confirmations after
each step, the actions offered to each person, and what the provider sees (status and dates only)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import ContractStatus, Decommissioning, DecommissioningStatus
from contracts.services import decommissioning as services

from . import helpers

D = DecommissioningStatus
pytestmark = pytest.mark.django_db


def date_fields(name, value: datetime.date) -> dict:
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def test_an_empty_proposal_shows_both_messages(client, ns_contract, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(reverse("contracts:decommissioning_start", args=[ns_contract.pk]), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Select why the contract is being decommissioned" in page
    assert "Enter the detail of why the contract is being decommissioned" in page


def test_proposing_through_the_page(client, ns_contract, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(
        reverse("contracts:decommissioning_start", args=[ns_contract.pk]),
        {"reason": "no_longer_needed", "reason_detail": "Demand has moved to the new resource base."},
        follow=True,
    )
    decommissioning = Decommissioning.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "contracts:decommissioning_detail", args=[decommissioning.pk]
    )
    page = response.content.decode()
    assert "has been proposed. Another commissioner must approve it." in page
    assert "You proposed this decommissioning, so another commissioner must approve it." in page
    assert reverse("contracts:decommissioning_approve", args=[decommissioning.pk]) not in page


def test_starting_again_goes_to_the_existing_decommissioning(
    client, ns_proposed, ns_contract, commissioner_northshire
):
    client.force_login(commissioner_northshire)
    response = client.get(reverse("contracts:decommissioning_start", args=[ns_contract.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("contracts:decommissioning_detail", args=[ns_proposed.pk])


def test_the_proposer_is_refused_approval_with_a_clear_message(client, ns_proposed, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(reverse("contracts:decommissioning_approve", args=[ns_proposed.pk]), {})
    assert response.status_code == 400
    assert "You proposed this decommissioning, so you cannot approve it." in response.content.decode()
    ns_proposed.refresh_from_db()
    assert ns_proposed.status == D.PROPOSED


def test_a_second_commissioner_approves(client, ns_proposed, second_commissioner_northshire):
    client.force_login(second_commissioner_northshire)
    page = client.get(reverse("contracts:decommissioning_detail", args=[ns_proposed.pk])).content.decode()
    assert reverse("contracts:decommissioning_approve", args=[ns_proposed.pk]) in page
    response = client.post(
        reverse("contracts:decommissioning_approve", args=[ns_proposed.pk]), {}, follow=True
    )
    assert "has been approved. Priya Shah has been told." in response.content.decode()


def test_notice_form_messages(client, ns_approved, commissioner_northshire):
    client.force_login(commissioner_northshire)
    url = reverse("contracts:decommissioning_notice", args=[ns_approved.pk])
    response = client.post(url, {})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the date notice was served" in page and "Enter the date the service ends" in page
    today = timezone.localdate()
    response = client.post(
        url,
        {
            **date_fields("notice_served_on", today),
            **date_fields("end_on", today + datetime.timedelta(days=30)),
        },
    )
    assert response.status_code == 400
    assert "The contract&#x27;s notice period is 6 months" in response.content.decode()


def test_serving_notice_through_the_page(client, ns_approved, ns_contract, commissioner_northshire):
    client.force_login(commissioner_northshire)
    notice, end = helpers.notice_dates()
    response = client.post(
        reverse("contracts:decommissioning_notice", args=[ns_approved.pk]),
        {**date_fields("notice_served_on", notice), **date_fields("end_on", end)},
        follow=True,
    )
    page = response.content.decode()
    assert "Notice has been recorded" in page and "The exit plan has 0 children" in page
    ns_contract.refresh_from_db()
    assert ns_contract.status == ContractStatus.DECOMMISSIONING


def test_adding_a_child_refuses_a_name(client, ns_served, commissioner_northshire):
    client.force_login(commissioner_northshire)
    url = reverse("contracts:decommissioning_row_add", args=[ns_served.pk])
    page = client.get(url).content.decode()
    assert "Never enter a child's name." in page.replace("&#x27;", "'")
    response = client.post(url, {"case_reference": "Jane Smith"})
    assert response.status_code == 400
    assert "Never a child&#x27;s name" in response.content.decode()
    assert not ns_served.exit_rows.exists()
    response = client.post(url, {"case_reference": "NS-CYP-0412"}, follow=True)
    assert "NS-CYP-0412 has been added to the exit plan." in response.content.decode()


def test_resolving_a_row_and_warning_when_it_is_after_the_end(client, ns_served, commissioner_northshire):
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-0001"
    )
    client.force_login(commissioner_northshire)
    url = reverse("contracts:decommissioning_row_edit", args=[ns_served.pk, row.pk])
    response = client.post(url, {"resolve": "on"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Select where the child goes next before resolving the row" in page
    assert "Enter the transition date before resolving the row" in page
    late = ns_served.end_on + datetime.timedelta(days=10)
    response = client.post(
        url, {"destination": "mainstream", **date_fields("transition_on", late), "resolve": "on"}, follow=True
    )
    page = response.content.decode()
    assert "The exit plan for NS-0001 has been resolved." in page
    assert "transition date is after the service ends" in page
    assert "After the service ends" in page
    row.refresh_from_db()
    assert row.resolved


def test_recording_a_communication(client, ns_served, commissioner_northshire):
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-0001"
    )
    client.force_login(commissioner_northshire)
    url = reverse("contracts:decommissioning_communication_add", args=[ns_served.pk])
    response = client.post(url, {})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the date the family was told" in page and "Select how the family was told" in page
    response = client.post(
        url,
        {
            "exit_row": row.pk,
            **date_fields("sent_on", timezone.localdate()),
            "method": "phone",
            "summary": "Explained the move and the transition visits.",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "The communication to NS-0001 has been recorded." in page
    assert "Explained the move and the transition visits." in page


def test_completing_with_unresolved_rows_names_how_many(client, ns_served, commissioner_northshire):
    services.exit_row_add(decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-0001")
    client.force_login(commissioner_northshire)
    response = client.post(
        reverse("contracts:decommissioning_complete", args=[ns_served.pk]), {"lessons": "Learnt a lot."}
    )
    assert response.status_code == 400
    assert "1 exit plan row is not resolved." in response.content.decode()


def test_completing_through_the_page(client, ns_served, ns_contract, commissioner_northshire):
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-0001"
    )
    helpers.resolve(row, commissioner_northshire)
    client.force_login(commissioner_northshire)
    url = reverse("contracts:decommissioning_complete", args=[ns_served.pk])
    response = client.post(url, {})
    assert "Enter what was learnt, as evidence for the next needs assessment" in response.content.decode()
    response = client.post(url, {"lessons": "Check attendance data monthly from the start."}, follow=True)
    page = response.content.decode()
    assert "is complete and the contract has ended." in page
    assert "Check attendance data monthly from the start." in page
    ns_contract.refresh_from_db()
    assert ns_contract.status == ContractStatus.ENDED


def test_cancelling_through_the_page(client, ns_served, ns_contract, commissioner_northshire):
    client.force_login(commissioner_northshire)
    url = reverse("contracts:decommissioning_cancel", args=[ns_served.pk])
    assert "Enter why the decommissioning is cancelled" in client.post(url, {}).content.decode()
    response = client.post(url, {"reason": "The improvement plan has worked."}, follow=True)
    page = response.content.decode()
    assert "has been cancelled." in page and "Propose again" in page
    ns_contract.refresh_from_db()
    assert ns_contract.status == ContractStatus.LIVE


def test_the_provider_sees_the_status_and_dates_only(
    client, ns_served, commissioner_northshire, provider_oakfield
):
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-0412"
    )
    services.communication_record(
        decommissioning=ns_served,
        actor=commissioner_northshire,
        sent_on=timezone.localdate(),
        method="letter",
        summary="A letter to the family.",
        exit_row=row,
    )
    client.force_login(provider_oakfield)
    page = client.get(reverse("contracts:decommissioning_detail", args=[ns_served.pk])).content.decode()
    assert "Notice served" in page
    assert f"{ns_served.end_on.day} {ns_served.end_on:%B %Y}" in page
    for hidden in (
        "NS-0412",
        "A letter to the family",
        "missed attendance targets",
        "Unsatisfactory",
        "Exit plan",
    ):
        assert hidden not in page


def test_the_list_paginates_and_has_an_empty_state(client, commissioner_northshire, northshire, oakfield):
    from contracts.tests.factories import make_contract

    client.force_login(commissioner_northshire)
    url = reverse("contracts:decommissioning_list")
    assert "Your council is not decommissioning any contract." in client.get(url).content.decode()
    for number in range(26):
        contract = make_contract(
            organisation=northshire,
            provider=oakfield,
            created_by=commissioner_northshire,
            reference=f"NS-L-{number}",
        )
        helpers.propose(contract, commissioner_northshire)
    page = client.get(url).content.decode()
    assert "26 decommissionings" in page and "govuk-pagination" in page
    assert client.get(url, {"page": 2}).status_code == 200


@pytest.mark.parametrize("count", [10, 200])
def test_the_list_does_not_grow_its_queries_with_rows(
    client, commissioner_northshire, northshire, oakfield, django_assert_max_num_queries, count
):
    """Made directly (the services are tested elsewhere): the list's queries stay the same for 10 or 200."""
    from contracts.tests.factories import make_contract

    Decommissioning.objects.bulk_create(
        Decommissioning(
            contract=make_contract(
                organisation=northshire,
                provider=oakfield,
                created_by=commissioner_northshire,
                reference=f"NS-Q-{n}",
            ),
            reason="no_longer_needed",
            reason_detail="Demand has moved.",
            proposed_by=commissioner_northshire,
        )
        for n in range(count)
    )
    client.force_login(commissioner_northshire)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("contracts:decommissioning_list")).status_code == 200


def test_acting_on_a_cancelled_decommissioning_through_the_pages_is_refused(
    client, ns_served, commissioner_northshire, second_commissioner_northshire
):
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-0001"
    )
    services.decommissioning_cancel(
        decommissioning=ns_served, actor=commissioner_northshire, reason="Improved"
    )
    client.force_login(second_commissioner_northshire)
    pk = ns_served.pk
    attempts = [
        ("decommissioning_approve", [pk], {}),
        ("decommissioning_complete", [pk], {"lessons": "x"}),
        ("decommissioning_cancel", [pk], {"reason": "x"}),
        ("decommissioning_row_add", [pk], {"case_reference": "NS-0002"}),
        ("decommissioning_row_edit", [pk, row.pk], {"destination": "mainstream"}),
    ]
    for name, args, data in attempts:
        response = client.post(reverse(f"contracts:{name}", args=args), data)
        assert response.status_code == 400, name
        assert "govuk-error-summary" in response.content.decode(), name
    ns_served.refresh_from_db()
    assert ns_served.status == D.CANCELLED
    assert ns_served.exit_rows.count() == 1


def test_the_provider_is_told_a_withdrawn_notice(
    client, ns_served, commissioner_northshire, provider_oakfield
):
    services.decommissioning_cancel(
        decommissioning=ns_served, actor=commissioner_northshire, reason="Improved"
    )
    client.force_login(provider_oakfield)
    page = client.get(reverse("contracts:decommissioning_detail", args=[ns_served.pk])).content.decode()
    assert "The council has withdrawn its notice. The contract continues." in page
    assert "Improved" not in page


def test_a_row_added_by_mistake_is_removed_after_a_confirmation(client, ns_served, commissioner_northshire):
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-9999"
    )
    client.force_login(commissioner_northshire)
    edit = client.get(reverse("contracts:decommissioning_row_edit", args=[ns_served.pk, row.pk])).text
    url = reverse("contracts:decommissioning_row_remove", args=[ns_served.pk, row.pk])
    assert url in edit
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Remove NS-9999 from the exit plan" in confirm.text
    pk = row.pk
    response = client.post(url, follow=True)
    assert "NS-9999 has been removed from the exit plan." in response.text
    assert not ns_served.exit_rows.filter(pk=pk).exists()


def test_a_row_with_communications_is_refused_with_the_reason(client, ns_served, commissioner_northshire):
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-0412"
    )
    services.communication_record(
        decommissioning=ns_served,
        actor=commissioner_northshire,
        sent_on=timezone.localdate(),
        method="letter",
        summary="A letter to the family.",
        exit_row=row,
    )
    client.force_login(commissioner_northshire)
    response = client.post(reverse("contracts:decommissioning_row_remove", args=[ns_served.pk, row.pk]))
    assert response.status_code == 400
    assert "cannot be removed" in response.text
    assert ns_served.exit_rows.filter(pk=row.pk).exists()
