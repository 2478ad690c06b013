"""The home page: each role sees the four stages of the cycle and what they do in each."""

import pytest
from django.urls import reverse

from conftest import PERSONAS
from tests.access import assert_access, only

pytestmark = pytest.mark.django_db

# What each persona must read on their home page (one line per role that says what they do).
EXPECTED_TEXT = {
    "commissioner_northshire": "Needs data, trends, benchmarks, projections and gaps",
    "lead_northshire": "Admission rounds and membership of the Flexible Purchasing System",
    "evaluator_northshire": "Tenders whose evaluation panel you sit on",
    "finance_northshire": "Business cases waiting for the finance decision",
    "legal_northshire": "Business cases waiting for the legal decision",
    "commissioner_southvale": "Contracts, performance, quality assurance visits and decommissioning",
    "forum_member": "Draft service specifications open for your forum",
    "provider_oakfield": "Published tenders, your bids and placement referrals",
    "provider_riverside": "Your contracts, performance returns, quality assurance reports",
    "staff_admin": "Sealed bids stay sealed",
}


def test_every_signed_in_person_reaches_their_home_page(request):
    assert_access(request, reverse("dashboard:home"), only({}, others=200))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_home_page_shows_the_four_stages_for_each_role(request, client, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    page = client.get(reverse("dashboard:home")).text
    for number, stage in enumerate(["Understand", "Plan", "Do", "Review"], start=1):
        assert f"Stage {number}</span>" in page
        assert f">{stage}</h2>" in page
    assert EXPECTED_TEXT[persona] in page
    assert user.organisation.name in page


def test_an_empty_stage_says_so(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    page = client.get(reverse("dashboard:home")).text
    assert "No needs data has been imported yet." in page
    assert "There are no contracts yet." in page


def test_an_evaluator_sees_that_some_stages_are_not_theirs(client, evaluator_northshire):
    client.force_login(evaluator_northshire)
    assert "Nothing for your role at this stage." in client.get(reverse("dashboard:home")).text


def test_only_support_staff_see_the_audit_log_and_support_admin_links(
    client, staff_admin, commissioner_northshire
):
    client.force_login(commissioner_northshire)
    page = client.get(reverse("dashboard:home")).text
    assert "Audit log" not in page
    assert "Support admin" not in page
    client.force_login(staff_admin)
    page = client.get(reverse("dashboard:home")).text
    assert "Audit log" in page
    assert "Support admin" in page


def test_the_current_page_is_marked_in_the_navigation(client, provider_oakfield):
    client.force_login(provider_oakfield)
    page = client.get(reverse("core:document_list")).text
    assert 'href="/documents/" aria-current="page"' in page


def test_the_home_page_makes_a_fixed_number_of_queries(
    client, commissioner_northshire, django_assert_max_num_queries
):
    client.force_login(commissioner_northshire)
    # The four stages' figures: one query each (see dashboard/tests/test_home_figures.py for 3 vs 30 rows).
    with django_assert_max_num_queries(22):
        client.get(reverse("dashboard:home"))


def test_council_staff_see_their_needs_analysis_figures_as_links(
    client, commissioner_northshire, django_assert_max_num_queries
):
    from dashboard.demo import needs as demo_needs

    demo_needs.seed(
        organisations={"northshire": commissioner_northshire.organisation}, importer=commissioner_northshire
    )
    demo_needs.seed_planning(commissioner=commissioner_northshire)
    client.force_login(commissioner_northshire)
    with django_assert_max_num_queries(26):
        page = client.get(reverse("dashboard:home")).text
    assert '<a class="govuk-link" href="/needs/data/">4 datasets imported</a>' in page
    assert "shortfalls in places by 2029/30" in page
    assert "6 things families and partners said" in page
    assert "No needs data has been imported yet." not in page


def test_approvers_see_the_business_cases_waiting_for_their_decision(
    client, commissioner_northshire, finance_northshire
):
    from commissioning.services.business_cases import business_case_create, business_case_submit

    case = business_case_create(
        actor=commissioner_northshire,
        title="Local places",
        need="Children travel too far.",
        options=[{"name": "Commission places", "description": "", "pros": "", "cons": "", "cost": "1000"}],
        recommended_option="Commission places",
        whole_life_cost=[{"financial_year": "2026-27", "amount": "1000"}],
    )
    business_case_submit(case=case, actor=commissioner_northshire)
    client.force_login(finance_northshire)
    page = client.get(reverse("dashboard:home")).text
    link = '<a class="govuk-link" href="/commissioning/business-cases/waiting/">'
    assert f"{link}1 business case waiting for your decision</a>" in page
    client.force_login(commissioner_northshire)
    page = client.get(reverse("dashboard:home")).text
    assert "1 business case in approval" in page
    assert "waiting for your decision" not in page  # the author never decides their own case


@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("/", "Home"),
        ("/needs/gaps/", "Needs"),
        ("/commissioning/business-cases/", "Plan"),
        ("/documents/", "Documents"),
    ],
)
def test_the_service_navigation_marks_the_section_the_page_is_in(
    client, commissioner_northshire, url, current
):
    client.force_login(commissioner_northshire)
    page = client.get(url).text
    marked = page.split('aria-current="page"><strong class="govuk-service-navigation__active-fallback">')[1]
    assert marked.startswith(current + "<")


@pytest.mark.parametrize("url", ["/review/lessons/", "/evidence/gaps/5-10/ASD/"])
def test_pages_of_no_section_mark_no_entry_not_home(client, commissioner_northshire, url):
    client.force_login(commissioner_northshire)
    response = client.get(url)
    assert response.status_code == 200
    marked = 'aria-current="page"><strong class="govuk-service-navigation__active-fallback">'
    assert marked not in response.text


def test_forum_members_see_open_consultations_and_new_answers(client, commissioner_northshire, forum_member):
    from dashboard.demo import commissioning as demo_commissioning

    demo_commissioning.seed(commissioner=commissioner_northshire, forum_member=forum_member)
    client.force_login(forum_member)
    page = client.get(reverse("dashboard:home")).text
    assert '<a class="govuk-link" href="/coproduction/">1 consultation open now</a>' in page
    assert "3 new answers to your comments" in page
    assert "1 ‘You said, we did’ report" in page
    assert "business case" not in page.lower()  # no commercial data for the forum


@pytest.mark.parametrize(
    ("persona", "url", "current"),
    [
        ("commissioner_northshire", "/procurement/tenders/", "Tenders"),
        ("commissioner_northshire", "/procurement/providers/", "Provider compliance"),
        ("commissioner_northshire", "/procurement/fps/referrals/", "Purchasing systems"),
        ("commissioner_northshire", "/procurement/open-data/", "Tenders"),
        ("provider_oakfield", "/procurement/compliance-pack/", "Compliance pack"),
        ("provider_oakfield", "/procurement/bids/", "Tenders"),
        ("provider_oakfield", "/procurement/fps/received/", "Referrals"),
        ("evaluator_northshire", "/procurement/evaluation/", "Tender evaluation"),
        ("forum_member", "/procurement/open-data/", "Open data"),
    ],
)
def test_each_procurement_page_marks_its_own_entry_not_the_first_of_the_section(
    request, client, persona, url, current
):
    """Several entries share /procurement/: the one whose address the page is under is marked, and a page
    under none of them marks the stage's first entry."""
    client.force_login(request.getfixturevalue(persona))
    page = client.get(url).text
    marked = page.split('aria-current="page"><strong class="govuk-service-navigation__active-fallback">')[1]
    assert marked.startswith(current + "<")
