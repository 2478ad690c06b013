"""The cycle on one page and the evidence chain in a real browser: each role's home page, a contract's
chain back to its gap (followed by clicking), a placement's chain, a gap's work forward, and what Review
has learnt. axe-core finds no serious or critical problem on any of them."""

import datetime

import pytest

from contracts.models import Decommissioning, QAFinding, QAVisit
from dashboard.tests.factories import make_chain, make_ipa, make_system

from .conftest import check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cycle(commissioner_northshire, lead_northshire, oakfield):
    chain = make_chain(commissioner_northshire, oakfield)
    _, lot = make_system(lead_northshire)
    ipa = make_ipa(commissioner_northshire, lot, oakfield)
    Decommissioning.objects.create(
        contract=chain.contract,
        reason="unsatisfactory",
        reason_detail="Attendance fell below target for a year.",
        status="completed",
        proposed_by=commissioner_northshire,
        lessons="Commission smaller settings nearer home.",
        end_on=datetime.date(2027, 3, 31),
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
    return chain, ipa


@pytest.mark.parametrize(
    "persona",
    [
        "commissioner_northshire",
        "lead_northshire",
        "finance_northshire",
        "evaluator_northshire",
        "forum_member",
        "provider_oakfield",
        "staff_admin",
    ],
)
def test_each_roles_home_page_is_accessible(request, page, persona, cycle):
    sign_in(page, request.getfixturevalue(persona))
    page.goto("/")
    assert page.get_by_role("heading", name="Review").is_visible()
    check(page, f"home-{persona}")


def test_a_commissioner_follows_a_contract_back_to_its_gap_and_the_gap_forward(
    page, commissioner_northshire, cycle
):
    chain, ipa = cycle
    sign_in(page, commissioner_northshire)
    page.goto(f"/evidence/contracts/{chain.contract.pk}/")
    assert page.get_by_role("heading", level=1, name=str(chain.contract)).is_visible()
    check(page, "evidence-contract")
    page.get_by_role("link", name="Autistic spectrum disorder, age 5 to 10").click()
    page.wait_for_load_state()
    assert "/needs/gaps/5-10/ASD/" in page.url
    page.get_by_role("link", name="What has been done about this gap").click()
    page.wait_for_load_state()
    assert page.get_by_text(chain.contract.reference).first.is_visible()
    check(page, "evidence-gap-forward")
    page.get_by_role("link", name="What Review has learnt").click()
    page.wait_for_load_state()
    assert page.get_by_text("Commission smaller settings nearer home.").is_visible()
    check(page, "review-lessons")
    page.get_by_role("link", name="Quality assurance visits").click()
    page.wait_for_load_state()
    assert page.get_by_text("Premises").first.is_visible()
    check(page, "review-lessons-visits")
    page.goto(f"/evidence/placements/{ipa.pk}/")
    assert page.get_by_role("link", name=f"Referral {ipa.case_reference}").is_visible()
    check(page, "evidence-placement")
