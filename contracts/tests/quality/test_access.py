"""Who reaches each QA page.

The authority's commissioners (commissioner and lead) do everything on their contracts. The contract's
provider reads issued reports, plans and actions, and posts on actions; it never sees a visit still to
happen. Another authority's or another provider's visit, plan or action answers 404, the same page as a
missing one. Evaluators, approvers, forum members and support staff are refused (403).
"""

import pytest
from django.urls import reverse

from tests.access import assert_access, client_for, only, same_page

COUNCIL = {"commissioner_northshire": 200, "lead_northshire": 200}
READERS = {**COUNCIL, "provider_oakfield": 200, "commissioner_southvale": 404, "provider_riverside": 404}
MANAGERS = {**COUNCIL, "commissioner_southvale": 404}
MISSING = 999999


def _assert_other_is_missing(
    request, name, other_pk, personas=("commissioner_northshire", "provider_oakfield")
):
    """Southvale's object, to Northshire and Oakfield, cannot be told apart from a missing one."""
    for persona in personas:
        client = client_for(request, persona)
        other = client.get(reverse(f"contracts:{name}", args=[other_pk]))
        missing = client.get(reverse(f"contracts:{name}", args=[MISSING]))
        if other.status_code == 403:
            continue
        assert other.status_code == missing.status_code == 404, persona
        assert same_page(other.content, missing.content), persona


def test_a_contracts_qa_page_is_for_its_council_and_its_provider(request, qa_northshire, qa_southvale):
    contract = qa_northshire.plan.contract
    assert_access(request, reverse("contracts:qa_contract", args=[contract.pk]), only(READERS))
    _assert_other_is_missing(request, "qa_contract", qa_southvale.plan.contract_id)


def test_the_visit_list_is_for_commissioners_and_providers(request, qa_northshire):
    table = only(
        {**COUNCIL, "commissioner_southvale": 200, "provider_oakfield": 200, "provider_riverside": 200}
    )
    assert_access(request, reverse("contracts:qa_visit_list"), table)


def test_the_overdue_list_is_for_commissioners(request, qa_northshire):
    table = only({**COUNCIL, "commissioner_southvale": 200})
    assert_access(request, reverse("contracts:qa_overdue_actions"), table)


@pytest.mark.parametrize("name", ["qa_visit_add", "qa_plan_create"])
def test_adding_to_a_contract_is_for_its_council(request, qa_northshire, qa_southvale, name):
    assert_access(
        request, reverse(f"contracts:{name}", args=[qa_northshire.plan.contract_id]), only(MANAGERS)
    )
    _assert_other_is_missing(request, name, qa_southvale.plan.contract_id)


@pytest.mark.parametrize("name", ["qa_visit_detail", "qa_visit_pdf"])
def test_an_issued_report_is_for_the_council_and_the_provider(request, qa_northshire, qa_southvale, name):
    assert_access(request, reverse(f"contracts:{name}", args=[qa_northshire.completed.pk]), only(READERS))
    _assert_other_is_missing(request, name, qa_southvale.completed.pk)


def test_a_visit_still_to_happen_is_the_councils_own(request, qa_northshire, qa_southvale):
    """The provider does not see a scheduled visit: it may be unannounced."""
    url = reverse("contracts:qa_visit_detail", args=[qa_northshire.scheduled.pk])
    assert_access(request, url, only({**READERS, "provider_oakfield": 404}))
    _assert_other_is_missing(request, "qa_visit_detail", qa_southvale.scheduled.pk)


def test_a_report_pdf_is_only_for_an_issued_report(request, qa_northshire):
    url = reverse("contracts:qa_visit_pdf", args=[qa_northshire.scheduled.pk])
    assert_access(request, url, only({**READERS, "provider_oakfield": 404, **{p: 404 for p in COUNCIL}}))


@pytest.mark.parametrize(
    "name", ["qa_visit_arrange", "qa_visit_cancel", "qa_visit_record", "qa_visit_complete"]
)
def test_moving_a_visit_is_for_its_council(request, qa_northshire, qa_southvale, name):
    assert_access(request, reverse(f"contracts:{name}", args=[qa_northshire.scheduled.pk]), only(MANAGERS))
    _assert_other_is_missing(request, name, qa_southvale.scheduled.pk)


def test_a_plan_from_a_report_is_for_its_council(request, qa_northshire, qa_southvale):
    """The report already has its plan, so the council is taken to it."""
    url = reverse("contracts:qa_plan_create_for_visit", args=[qa_northshire.completed.pk])
    assert_access(request, url, only({**MANAGERS, **{p: 302 for p in COUNCIL}}))
    _assert_other_is_missing(request, "qa_plan_create_for_visit", qa_southvale.completed.pk)


def test_a_plan_is_for_the_council_and_the_provider(request, qa_northshire, qa_southvale):
    assert_access(request, reverse("contracts:qa_plan_detail", args=[qa_northshire.plan.pk]), only(READERS))
    _assert_other_is_missing(request, "qa_plan_detail", qa_southvale.plan.pk)


def test_adding_an_action_is_for_the_council(request, qa_northshire, qa_southvale):
    assert_access(request, reverse("contracts:qa_action_add", args=[qa_northshire.plan.pk]), only(MANAGERS))
    _assert_other_is_missing(request, "qa_action_add", qa_southvale.plan.pk)


def test_an_action_is_for_the_council_and_the_provider(request, qa_northshire, qa_southvale):
    assert_access(
        request, reverse("contracts:qa_action_detail", args=[qa_northshire.action.pk]), only(READERS)
    )
    _assert_other_is_missing(request, "qa_action_detail", qa_southvale.action.pk)


def test_posting_on_an_action_is_for_the_contracts_provider(request, qa_northshire, qa_southvale):
    url = reverse("contracts:qa_action_update", args=[qa_northshire.action.pk])
    assert_access(request, url, only({"provider_oakfield": 200, "provider_riverside": 404}))
    _assert_other_is_missing(
        request, "qa_action_update", qa_southvale.action.pk, personas=("provider_oakfield",)
    )


@pytest.mark.parametrize("name", ["qa_action_verify", "qa_action_return"])
def test_verifying_and_returning_are_for_the_council(request, qa_northshire, qa_southvale, name):
    assert_access(request, reverse(f"contracts:{name}", args=[qa_northshire.action.pk]), only(MANAGERS))
    _assert_other_is_missing(request, name, qa_southvale.action.pk)


def test_evidence_is_for_the_council_and_the_provider(request, qa_northshire, qa_southvale):
    url = reverse("contracts:qa_evidence_download", args=[qa_northshire.update.pk])
    assert_access(request, url, only(READERS))
    _assert_other_is_missing(request, "qa_evidence_download", qa_southvale.update.pk)
