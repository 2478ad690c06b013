"""The commissioners' list of provider documents expiring within 60 days: who may see it, and what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.models import Membership, MembershipStatus
from tests.access import assert_access, only

from .conftest import add_insurance, add_policy

pytestmark = pytest.mark.django_db


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def url() -> str:
    return reverse("contracts:expiring_documents")


def test_only_council_commissioners_see_the_page(request):
    assert_access(
        request,
        url(),
        only({"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 200}),
    )


def test_the_page_is_get_only(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    assert client.post(url()).status_code == 405


def test_an_empty_state_when_nothing_expires(client, commissioner_northshire, contract_northshire, oakfield):
    add_insurance(oakfield, in_days(61))
    client.force_login(commissioner_northshire)
    page = client.get(url()).text
    assert "Nothing expires in the next 60 days for the providers your council works with." in page


def test_a_council_sees_its_contracted_providers_and_never_another_councils(
    client,
    commissioner_northshire,
    commissioner_southvale,
    contract_northshire,
    contract_southvale,
    oakfield,
    riverside,
):
    add_insurance(oakfield, in_days(10))
    add_policy(riverside, in_days(20), kind="other", name="Restraint and positive handling")
    client.force_login(commissioner_northshire)
    page = client.get(url()).text
    assert "Oakfield School Ltd" in page
    assert "Public liability insurance" in page
    assert in_days(10).strftime("%-d %B %Y") in page
    assert "Riverside" not in page
    client.force_login(commissioner_southvale)
    page = client.get(url()).text
    assert "Restraint and positive handling" in page
    assert "Oakfield" not in page


def test_providers_on_the_councils_purchasing_systems_are_listed(
    client, commissioner_northshire, commissioner_southvale, system_with_riverside, riverside
):
    add_insurance(riverside, in_days(59))
    for commissioner in (commissioner_northshire, commissioner_southvale):
        client.force_login(commissioner)
        assert "Riverside Learning Trust" in client.get(url()).text
    # A provider removed from the system is no longer watched.
    Membership.objects.update(status=MembershipStatus.REMOVED)
    assert "Riverside Learning Trust" not in client.get(url()).text


def test_removed_items_and_those_further_off_are_not_listed(
    client, commissioner_northshire, contract_northshire, oakfield
):
    add_insurance(oakfield, in_days(5), removed_at=timezone.now())
    add_insurance(oakfield, in_days(61), insurer="Later Mutual")
    client.force_login(commissioner_northshire)
    assert "Nothing expires in the next 60 days" in client.get(url()).text


def test_the_list_is_paginated_soonest_first(client, commissioner_northshire, contract_northshire, oakfield):
    for offset in range(30):
        add_policy(oakfield, in_days(offset), kind="other", name=f"Policy {offset:02d}")
    client.force_login(commissioner_northshire)
    first = client.get(url()).text
    assert "30 items expiring" in first
    assert "Policy 00" in first and "Policy 24" in first and "Policy 25" not in first
    second = client.get(url(), {"page": 2}).text
    assert "Policy 25" in second and "Policy 29" in second and "Policy 00" not in second
