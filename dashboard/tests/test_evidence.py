"""The evidence chain: a contract or placement traced back to the gap it meets, a gap traced forward to
the contracts that followed, and what Review has learnt, read from the needs side."""

import datetime

import pytest
from django.urls import reverse

from contracts.models import Decommissioning, QAFinding, QAVisit
from tests.access import assert_access, only

from .factories import (
    make_admission_contract,
    make_chain,
    make_ipa,
    make_membership,
    make_system,
)

pytestmark = pytest.mark.django_db

COMMISSIONERS = {"commissioner_northshire": 200, "lead_northshire": 200}


@pytest.fixture
def chain(commissioner_northshire, oakfield):
    return make_chain(commissioner_northshire, oakfield)


@pytest.fixture
def southvale_chain(commissioner_southvale, riverside):
    return make_chain(commissioner_southvale, riverside, tag="S")


def test_a_contracts_chain_runs_back_to_the_gap(client, commissioner_northshire, chain):
    client.force_login(commissioner_northshire)
    response = client.get(reverse("dashboard:contract_evidence", args=[chain.contract.pk]))
    assert response.status_code == 200
    page = response.text
    for url in (
        reverse("procurement:tender_detail", args=[chain.tender.pk]),
        reverse("commissioning:spec_version", args=[chain.specification.pk, 1]),
        reverse("commissioning:case_detail", args=[chain.business_case.pk]),
        reverse("commissioning:intention_detail", args=[chain.intention.pk]),
        reverse("needs:gap_detail", args=["5-10", "ASD"]),
    ):
        assert f'href="{url}"' in page
    assert "Winning bidder" in page and "Oakfield" in page
    # In order, from the contract back to the need.
    order = ["Award", "Tender", "Service specification", "Business case", "Commissioning intention", "Gap"]
    positions = [page.index(f'govuk-caption-s">{kind}') for kind in order]
    assert positions == sorted(positions)


def test_the_chain_pages_are_for_the_authoritys_commissioners_only(request, chain):
    url = reverse("dashboard:contract_evidence", args=[chain.contract.pk])
    assert_access(request, url, only({**COMMISSIONERS, "commissioner_southvale": 404}))


def test_another_authoritys_contract_answers_404_like_a_missing_one(client, commissioner_southvale, chain):
    client.force_login(commissioner_southvale)
    other = client.get(reverse("dashboard:contract_evidence", args=[chain.contract.pk]))
    missing = client.get(reverse("dashboard:contract_evidence", args=[999999]))
    assert other.status_code == missing.status_code == 404


def test_an_admission_contract_runs_through_its_membership_and_round(
    client, lead_northshire, commissioner_southvale, oakfield, chain
):
    """An admission round run by the lead authority shows to a member authority without a link."""
    system, lot = make_system(lead_northshire)
    system.member_authorities.add(commissioner_southvale.organisation)
    membership = make_membership(lot, oakfield, lead_northshire, admission_tender=chain.tender)
    own = make_admission_contract(lead_northshire, membership)
    member = make_admission_contract(commissioner_southvale, membership, reference="SV-FPS-1")
    client.force_login(lead_northshire)
    page = client.get(reverse("dashboard:contract_evidence", args=[own.pk])).text
    assert f'href="{reverse("procurement:fps_membership_detail", args=[membership.pk])}"' in page
    assert f'href="{reverse("procurement:tender_detail", args=[chain.tender.pk])}"' in page
    assert f'href="{reverse("needs:gap_detail", args=["5-10", "ASD"])}"' in page
    client.force_login(commissioner_southvale)
    page = client.get(reverse("dashboard:contract_evidence", args=[member.pk])).text
    assert f'href="{reverse("procurement:fps_system_detail", args=[system.pk])}"' in page
    assert reverse("procurement:tender_detail", args=[chain.tender.pk]) not in page
    assert "not available to you" in page
    assert chain.business_case.title not in page  # Northshire's plan stays Northshire's


def test_a_spot_purchase_says_why_there_was_no_tender(client, commissioner_northshire, oakfield):
    from contracts.tests.factories import make_contract

    contract = make_contract(
        organisation=commissioner_northshire.organisation,
        provider=oakfield,
        created_by=commissioner_northshire,
    )
    client.force_login(commissioner_northshire)
    page = client.get(reverse("dashboard:contract_evidence", args=[contract.pk])).text
    assert "Spot purchase" in page and "An urgent placement" in page


def test_a_placements_chain_runs_to_its_referral_lot_and_system(
    request, client, lead_northshire, commissioner_southvale, oakfield
):
    system, lot = make_system(lead_northshire)
    ipa = make_ipa(lead_northshire, lot, oakfield)
    url = reverse("dashboard:ipa_evidence", args=[ipa.pk])
    client.force_login(lead_northshire)
    page = client.get(url).text
    assert f'href="{reverse("procurement:fps_referral_detail", args=[ipa.referral.pk])}"' in page
    assert f'href="{reverse("procurement:fps_system_detail", args=[system.pk])}"' in page
    assert "L1: 0–16 day" in page
    # The placing authority only: another authority, even a member of the system, gets 404.
    system.member_authorities.add(commissioner_southvale.organisation)
    assert_access(request, url, only({**COMMISSIONERS, "commissioner_southvale": 404}))


def test_a_gap_traces_forward_to_the_contracts_that_followed(
    client, commissioner_northshire, chain, southvale_chain
):
    url = reverse("dashboard:gap_evidence", args=["5-10", "ASD"])
    client.force_login(commissioner_northshire)
    page = client.get(url).text
    for href in (
        reverse("commissioning:intention_detail", args=[chain.intention.pk]),
        reverse("commissioning:case_detail", args=[chain.business_case.pk]),
        reverse("procurement:tender_detail", args=[chain.tender.pk]),
    ):
        assert f'href="{href}"' in page
    assert chain.contract.reference in page
    assert southvale_chain.contract.reference not in page  # another authority's work on the same gap
    assert southvale_chain.intention.title not in page
    empty = client.get(reverse("dashboard:gap_evidence", args=["0-4", "SEMH"])).text
    assert "No commissioning intention has been started from this gap yet." in empty


def test_the_gap_forward_page_makes_a_fixed_number_of_queries(
    client, commissioner_northshire, oakfield, django_assert_num_queries
):
    def count(n):
        for i in range(n):
            make_chain(commissioner_northshire, oakfield, tag=f"Q{n}-{i}")
        client.force_login(commissioner_northshire)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("dashboard:gap_evidence", args=["5-10", "ASD"])).status_code == 200
        return len(context)

    assert count(3) == count(27)


@pytest.mark.parametrize("url", ["/evidence/gaps/5-9/ASD/", "/evidence/gaps/5-10/XYZ/"])
def test_a_bad_gap_address_is_not_found(client, commissioner_northshire, url):
    client.force_login(commissioner_northshire)
    assert client.get(url).status_code == 404


def test_the_gap_forward_page_is_for_commissioners_only(request):
    url = reverse("dashboard:gap_evidence", args=["5-10", "ASD"])
    assert_access(request, url, only({**COMMISSIONERS, "commissioner_southvale": 200}))


# ---------------------------------------------------------------------------------------------------------
# What Review has learnt


def test_review_lessons_show_decommissionings_and_weak_qa_areas(
    client, commissioner_northshire, chain, southvale_chain
):
    Decommissioning.objects.create(
        contract=chain.contract,
        reason="unsatisfactory",
        reason_detail="Attendance fell below target for a year.",
        status="completed",
        proposed_by=commissioner_northshire,
        lessons="Commission smaller settings nearer home.",
        end_on=datetime.date(2027, 3, 31),
    )
    Decommissioning.objects.create(
        contract=southvale_chain.contract,
        reason="no_longer_needed",
        reason_detail="Southvale's secret reason.",
        proposed_by=southvale_chain.contract.created_by,
    )
    visit = QAVisit.objects.create(
        contract=chain.contract,
        status="completed",
        due_on=datetime.date(2026, 10, 1),
        visited_on=datetime.date(2026, 10, 5),
        overall_rating="requires_improvement",
        created_by=commissioner_northshire,
    )
    QAFinding.objects.create(visit=visit, area="premises", rating="inadequate", findings="Damp.")
    QAFinding.objects.create(visit=visit, area="staff", rating="good", findings="Well trained.")
    client.force_login(commissioner_northshire)
    page = client.get(reverse("dashboard:review_lessons")).text
    assert "Unsatisfactory performance or quality" in page
    assert "Commission smaller settings nearer home." in page
    assert "secret reason" not in page
    decommissioning = Decommissioning.objects.get(contract=chain.contract)
    assert f'href="{reverse("contracts:decommissioning_detail", args=[decommissioning.pk])}"' in page
    assert f'href="{reverse("dashboard:contract_evidence", args=[chain.contract.pk])}"' in page
    page = client.get(reverse("dashboard:review_lessons"), {"show": "visits"}).text
    assert "Requires improvement" in page
    assert "Inadequate:</strong> Premises" in page
    assert "Staff skills" not in page  # rated good: not a lesson
    assert f'href="{reverse("contracts:qa_visit_detail", args=[visit.pk])}"' in page


def test_review_lessons_are_for_commissioners_and_linked_from_the_needs_side(
    request, client, commissioner_northshire
):
    assert_access(
        request, reverse("dashboard:review_lessons"), only({**COMMISSIONERS, "commissioner_southvale": 200})
    )
    client.force_login(commissioner_northshire)
    lessons = reverse("dashboard:review_lessons")
    assert f'href="{lessons}"' in client.get(reverse("needs:profile")).text
    gap = client.get(reverse("needs:gap_detail", args=["5-10", "ASD"])).text
    assert f'href="{lessons}"' in gap
    assert f'href="{reverse("dashboard:gap_evidence", args=["5-10", "ASD"])}"' in gap


def test_the_gap_page_shows_no_evidence_links_to_finance(client, finance_northshire):
    client.force_login(finance_northshire)
    page = client.get(reverse("needs:gap_detail", args=["5-10", "ASD"])).text
    assert reverse("dashboard:review_lessons") not in page
