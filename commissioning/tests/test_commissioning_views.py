"""Pages for intentions and business cases: who may open each (the access matrix), and what they do."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from commissioning.models import BusinessCase, BusinessCaseStatus, DecisionStep
from commissioning.services import business_cases as services
from commissioning.tests.test_business_cases import CABINET_DATE, CONTENT, case_for
from commissioning.tests.test_intentions import capacity_for, intention_for, run_for
from core.models import AuditAction, AuditEvent
from tests.access import ObjectCase, assert_access, assert_object_access, only

S = BusinessCaseStatus
STAFF = {
    "commissioner_northshire": 200,
    "lead_northshire": 200,
    "evaluator_northshire": 200,
    "finance_northshire": 200,
    "legal_northshire": 200,
    "commissioner_southvale": 200,
}
COMMISSIONERS = {"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 200}
NORTHSHIRE_STAFF = [p for p in STAFF if p != "commissioner_southvale"]
NORTHSHIRE_COMMISSIONERS = ["commissioner_northshire", "lead_northshire"]


@pytest.fixture
def objects(commissioner_northshire, commissioner_southvale, lead_northshire, finance_northshire):
    """A draft and a submitted case and an intention in each council (so each council has one of each)."""
    made = {}
    for council, author in (("northshire", commissioner_northshire), ("southvale", commissioner_southvale)):
        intention = intention_for(author)
        draft = case_for(author, intention=intention, title=f"Draft case {council}")
        submitted = case_for(author, title=f"Submitted case {council}")
        services.business_case_submit(case=submitted, actor=author)
        made[council] = {"intention": intention, "draft": draft, "submitted": submitted}
    return made


def own(objects, key):
    return lambda persona: objects["southvale" if persona.endswith("southvale") else "northshire"][key]


def check_object_route(request, objects, key, url_for, statuses: dict[str, int]):
    """Northshire staff against Southvale's object, and Southvale's commissioner against Northshire's."""
    missing = url_for(type("Missing", (), {"pk": 999999})())
    permitted = [persona for persona in NORTHSHIRE_STAFF if statuses.get(persona)]
    assert_object_access(
        request,
        url_for=url_for,
        own_object_for=own(objects, key),
        other_object=objects["southvale"][key],
        missing_url=missing,
        cases=[ObjectCase(persona, statuses[persona]) for persona in permitted],
    )
    if statuses.get("commissioner_southvale"):
        assert_object_access(
            request,
            url_for=url_for,
            own_object_for=own(objects, key),
            other_object=objects["northshire"][key],
            missing_url=missing,
            cases=[ObjectCase("commissioner_southvale", statuses["commissioner_southvale"])],
        )
    # Everyone else is refused outright (403), whatever the object; anonymous people are sent to sign in.
    url = url_for(objects["northshire"][key])
    expected = only({persona: statuses[persona] for persona in permitted})
    expected["commissioner_southvale"] = 404  # Northshire's object, to another council: as if missing
    assert_access(request, url, expected)


# ---------------------------------------------------------------------------------------------------------
# The access matrix


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("commissioning:intention_list", STAFF),
        ("commissioning:case_list", STAFF),
        ("commissioning:approval_queue", STAFF),
        ("commissioning:intention_create", COMMISSIONERS),
        ("commissioning:case_create", COMMISSIONERS),
    ],
)
def test_list_and_create_pages(request, name, allowed):
    assert_access(request, reverse(name), only(allowed))


def test_intention_detail_access(request, objects):
    check_object_route(
        request, objects, "intention", lambda o: reverse("commissioning:intention_detail", args=[o.pk]), STAFF
    )


def test_intention_edit_access(request, objects):
    check_object_route(
        request,
        objects,
        "intention",
        lambda o: reverse("commissioning:intention_edit", args=[o.pk]),
        COMMISSIONERS,
    )


@pytest.mark.parametrize("route", ["case_detail", "case_pdf"])
def test_case_reading_access(request, objects, route):
    check_object_route(
        request, objects, "submitted", lambda o: reverse(f"commissioning:{route}", args=[o.pk]), STAFF
    )


def test_case_version_access(request, objects):
    check_object_route(
        request, objects, "submitted", lambda o: reverse("commissioning:case_version", args=[o.pk, 1]), STAFF
    )


@pytest.mark.parametrize("route", ["case_edit", "case_submit"])
def test_case_writing_access(request, objects, route):
    check_object_route(
        request, objects, "draft", lambda o: reverse(f"commissioning:{route}", args=[o.pk]), COMMISSIONERS
    )


def test_case_decide_access(request, objects):
    # Submitted, so at Finance: only Finance may decide. The author's own council colleagues are refused.
    check_object_route(
        request,
        objects,
        "submitted",
        lambda o: reverse("commissioning:case_decide", args=[o.pk]),
        {"finance_northshire": 200},
    )


# ---------------------------------------------------------------------------------------------------------
# Intentions


def test_intention_list_filters_and_empty_state(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    assert (
        "No commissioning intentions have been recorded yet"
        in client.get(reverse("commissioning:intention_list")).text
    )
    intention_for(commissioner_northshire, title="High one")
    intention_for(commissioner_northshire, title="Low one", priority="low")
    page = client.get(reverse("commissioning:intention_list"), {"priority": "low"}).text
    assert "Low one" in page and "High one" not in page
    assert (
        "No intentions match"
        in client.get(reverse("commissioning:intention_list"), {"status": "completed"}).text
    )


def test_intention_list_paginates(client, commissioner_northshire):
    for n in range(27):
        intention_for(commissioner_northshire, title=f"Intention {n}")
    client.force_login(commissioner_northshire)
    page = client.get(reverse("commissioning:intention_list"), {"page": 2}).text
    assert "Page 2 of 2" in page


def test_create_from_a_gap_shows_the_evidence_and_saves_it(client, commissioner_northshire):
    run = run_for(commissioner_northshire)
    capacity_for(commissioner_northshire)
    client.force_login(commissioner_northshire)
    url = reverse("commissioning:intention_create") + "?gap=5-10/ASD"
    page = client.get(url).text
    assert reverse("needs:gap_detail", args=["5-10", "ASD"]) in page
    assert "Projected demand" in page and ">52<" in page
    assert 'value="ASD" selected' in page
    response = client.post(
        url,
        {
            "title": "Autism places",
            "summary": "s",
            "priority": "high",
            "service_area": "Specialist places",
            "primary_need": "ASD",
            "age_band": "5-10",
            "target_date_0": "1",
            "target_date_1": "9",
            "target_date_2": "2027",
            "owner": commissioner_northshire.pk,
        },
    )
    assert response.status_code == 302
    intention = commissioner_northshire.organisation.intentions.get()
    assert intention.gap_reference == "5-10/ASD" and intention.projection == run
    assert intention.evidence["gap"] == 12
    detail = client.get(response.url).text
    assert "See the gap in the needs analysis" in detail


def test_create_by_hand_shows_errors(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(reverse("commissioning:intention_create"), {})
    assert response.status_code == 400
    assert "There is a problem" in response.text and "Enter a title" in response.text


def test_owner_select_lists_only_the_councils_staff(
    client, commissioner_northshire, commissioner_southvale, finance_northshire
):
    client.force_login(commissioner_northshire)
    page = client.get(reverse("commissioning:intention_create")).text
    assert finance_northshire.email in page and commissioner_southvale.email not in page


def test_edit_changes_the_status(client, commissioner_northshire):
    intention = intention_for(commissioner_northshire)
    client.force_login(commissioner_northshire)
    response = client.post(
        reverse("commissioning:intention_edit", args=[intention.pk]),
        {
            "title": "Changed",
            "summary": "s",
            "priority": "medium",
            "service_area": "Places",
            "primary_need": "",
            "age_band": "",
            "target_date_0": "1",
            "target_date_1": "9",
            "target_date_2": "2027",
            "owner": commissioner_northshire.pk,
            "status": "active",
        },
    )
    assert response.status_code == 302
    intention.refresh_from_db()
    assert (intention.title, intention.status) == ("Changed", "active")


def test_intention_detail_lists_its_business_cases(client, commissioner_northshire):
    intention = intention_for(commissioner_northshire)
    case_for(commissioner_northshire, intention=intention, title="Linked case")
    client.force_login(commissioner_northshire)
    assert "Linked case" in client.get(reverse("commissioning:intention_detail", args=[intention.pk])).text


# ---------------------------------------------------------------------------------------------------------
# Business cases


def case_form_data(**overrides):
    data = {
        "title": "Autism resource bases",
        "need": CONTENT["need"],
        "option_1_name": "Do nothing",
        "option_1_cost": "900000",
        "option_2_name": "New resource base",
        "option_2_description": "Two bases",
        "option_2_cost": "650000",
        "recommended_option": "2",
        "cost_1_year": "2026-27",
        "cost_1_amount": "250000",
        "cost_2_year": "2027-28",
        "cost_2_amount": "400000.50",
        "funding_1_source": "high_needs_block",
        "funding_1_amount": "650000.50",
        "risk_1_risk": "Recruitment",
        "risk_1_likelihood": "Medium",
        "risk_1_impact": "High",
        "outcomes": "Nearer home.",
    }
    data.update(overrides)
    return data


def test_create_a_case_through_the_form(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(reverse("commissioning:case_create"), case_form_data())
    assert response.status_code == 302
    case = BusinessCase.objects.get()
    assert case.recommended_option == "New resource base"
    assert case.whole_life_cost[1] == {"financial_year": "2027-28", "amount": "400000.50"}
    assert case.funding == [{"source": "high_needs_block", "amount": "650000.50"}]
    page = client.get(response.url).text
    assert "£650,000.50" in page and "Draft" in page


def test_case_form_shows_gov_uk_errors(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(
        reverse("commissioning:case_create"),
        case_form_data(title="", cost_1_year="2026", cost_2_amount="lots", recommended_option="3"),
    )
    assert response.status_code == 400
    for message in (
        "Enter a title",
        "Year 1: enter the financial year like 2026-27",
        "Year 2: cost (£) must be an amount in pounds",
        "Option 3 has no name",
    ):
        assert message in response.text


def test_create_from_an_intention_shows_its_evidence(client, commissioner_northshire):
    run_for(commissioner_northshire)
    intention = intention_for(commissioner_northshire, gap_reference="5-10/ASD")
    client.force_login(commissioner_northshire)
    page = client.get(reverse("commissioning:case_create"), {"intention": intention.pk}).text
    assert "Evidence from the intention" in page and "Projected demand" in page


def test_submitted_case_cannot_be_edited_and_shows_the_version(client, commissioner_northshire):
    case = case_for(commissioner_northshire)
    client.force_login(commissioner_northshire)
    response = client.post(reverse("commissioning:case_submit", args=[case.pk]), {})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.SUBMITTED
    response = client.post(
        reverse("commissioning:case_edit", args=[case.pk]), case_form_data(title="Changed")
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "Autism resource bases"
    page = client.get(reverse("commissioning:case_detail", args=[case.pk])).text
    assert "Version 1, submitted by" in page and "Waiting for Finance" in page
    assert "Change business case" not in page


def test_incomplete_case_submission_shows_what_is_missing(client, commissioner_northshire):
    case = services.business_case_create(actor=commissioner_northshire, title="Empty")
    client.force_login(commissioner_northshire)
    response = client.post(reverse("commissioning:case_submit", args=[case.pk]), {})
    assert response.status_code == 400
    assert "Enter the need before submitting" in response.text


@pytest.fixture
def submitted(commissioner_northshire):
    case = case_for(commissioner_northshire)
    services.business_case_submit(case=case, actor=commissioner_northshire)
    return case


def test_decide_needs_reasons_to_return(client, submitted, finance_northshire):
    client.force_login(finance_northshire)
    url = reverse("commissioning:case_decide", args=[submitted.pk])
    page = client.get(url).text
    assert "You are deciding on <strong>version 1</strong>" in page
    response = client.post(url, {"outcome": "returned", "comments": "", "seen_version": 1})
    assert response.status_code == 400
    assert "Enter the reasons for returning the business case" in response.text
    response = client.post(url, {"outcome": "approved", "comments": "", "seen_version": 1})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.FINANCE_APPROVED
    detail = client.get(response.url).text
    assert "Martin Ellis" in detail and "Version 1" in detail


def test_cabinet_decide_page_asks_for_date_and_minute(
    client, submitted, finance_northshire, legal_northshire, lead_northshire
):
    services.business_case_finance_decide(case=submitted, actor=finance_northshire, outcome="approved")
    services.business_case_legal_decide(case=submitted, actor=legal_northshire, outcome="approved")
    client.force_login(lead_northshire)
    url = reverse("commissioning:case_decide", args=[submitted.pk])
    response = client.post(url, {"outcome": "approved", "seen_version": 1})
    assert response.status_code == 400
    assert "Enter the date of the Cabinet meeting" in response.text
    assert "Enter the minute reference" in response.text
    response = client.post(
        url,
        {
            "outcome": "approved",
            "seen_version": 1,
            "cabinet_date_0": str(CABINET_DATE.day),
            "cabinet_date_1": str(CABINET_DATE.month),
            "cabinet_date_2": str(CABINET_DATE.year),
            "minute_reference": "CAB/2026/41",
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.CABINET_APPROVED
    assert "minute CAB/2026/41" in client.get(response.url).text


def test_the_author_is_refused_the_decide_page(
    client, submitted, finance_northshire, legal_northshire, commissioner_northshire
):
    services.business_case_finance_decide(case=submitted, actor=finance_northshire, outcome="approved")
    services.business_case_legal_decide(case=submitted, actor=legal_northshire, outcome="approved")
    client.force_login(commissioner_northshire)
    url = reverse("commissioning:case_decide", args=[submitted.pk])
    for response in (client.get(url), client.post(url, {"outcome": "approved", "minute_reference": "X"})):
        assert response.status_code == 403
        assert "You wrote this business case" in response.text
    submitted.refresh_from_db()
    assert submitted.status == S.LEGAL_APPROVED


def test_deciding_a_case_already_decided_says_so(client, submitted, finance_northshire, legal_northshire):
    client.force_login(finance_northshire)
    url = reverse("commissioning:case_decide", args=[submitted.pk])
    services.business_case_finance_decide(case=submitted, actor=finance_northshire, outcome="approved")
    response = client.post(url, {"outcome": "rejected", "comments": "No", "seen_version": 1}, follow=True)
    assert "is now ‘Waiting for Legal’, so it is not waiting for your decision" in response.text
    submitted.refresh_from_db()
    assert submitted.status == S.FINANCE_APPROVED


def test_approval_queue_shows_cases_at_my_step_but_not_my_own(
    client, submitted, finance_northshire, lead_northshire
):
    client.force_login(finance_northshire)
    assert "Autism resource bases" in client.get(reverse("commissioning:approval_queue")).text
    # A commissioner's queue holds cases at the Cabinet step only, and never their own.
    client.force_login(lead_northshire)
    assert "Nothing is waiting for your decision" in client.get(reverse("commissioning:approval_queue")).text


def test_case_list_filters_by_status(client, submitted, commissioner_northshire):
    case_for(commissioner_northshire, title="Still a draft")
    client.force_login(commissioner_northshire)
    page = client.get(reverse("commissioning:case_list"), {"status": "draft"}).text
    assert "Still a draft" in page and "Autism resource bases" not in page


def test_returned_case_is_edited_and_resubmitted_as_version_2(
    client, submitted, finance_northshire, commissioner_northshire
):
    services.business_case_finance_decide(
        case=submitted, actor=finance_northshire, outcome="returned", comments="Cost it again"
    )
    client.force_login(commissioner_northshire)
    response = client.post(
        reverse("commissioning:case_edit", args=[submitted.pk]), case_form_data(outcomes="Better.")
    )
    assert response.status_code == 302
    client.post(reverse("commissioning:case_submit", args=[submitted.pk]), {})
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED and submitted.versions.count() == 2
    page = client.get(reverse("commissioning:case_version", args=[submitted.pk, 1])).text
    assert "Cost it again" in page and "Nearer home." not in page


def test_pdf_renders_with_the_title_and_is_audited(client, submitted, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.get(reverse("commissioning:case_pdf", args=[submitted.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Autism resource bases" in text
    assert "Whole-life cost" in text and "650,000.50" in text and "Decision history" in text
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, target_id=str(submitted.pk)).exists()


def test_step_labels_match(submitted):
    assert services.step_for(submitted) == DecisionStep.FINANCE
