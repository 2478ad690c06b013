"""A quality assurance visit in a real browser: a Northshire commissioner adds a visit to a contract with
Oakfield, records it against all six areas of the checklist (after a mistake), issues the report and
downloads its PDF, and makes an improvement plan with an action; Oakfield reads the report, posts an update
with an evidence file reporting the action done; the commissioner verifies it. axe-core finds no serious or
critical problem on any page, for either role."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from contracts.models import ActionStatus, ImprovementAction, QAArea, QAVisit, QAVisitStatus
from contracts.services import quality as services
from contracts.tests.factories import make_contract

from .conftest import check, fill_date, sign_in, switch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def click(page, role: str, name: str) -> None:
    page.get_by_role(role, name=name).first.click()
    page.wait_for_load_state()


def test_a_visit_is_recorded_reported_and_its_action_verified(
    page, northshire, oakfield, commissioner_northshire, provider_oakfield
):
    today = timezone.localdate()
    contract = make_contract(
        organisation=northshire,
        provider=oakfield,
        created_by=commissioner_northshire,
        reference="NS-C-2026-031",
        starts_on=today - datetime.timedelta(days=200),
        ends_on=today + datetime.timedelta(days=900),
    )

    # The commissioner adds a visit to the contract and arranges it.
    sign_in(page, commissioner_northshire)
    page.goto(f"/contracts/{contract.pk}/qa/")
    assert page.get_by_role("heading", name="Quality assurance").is_visible()
    assert page.get_by_text("a visit every 12 months").is_visible()
    check(page, "qa-contract-empty")
    click(page, "link", "Add a visit")
    fill_date(page, "due_on", today + datetime.timedelta(days=7))
    fill_date(page, "planned_on", today)
    page.get_by_label("Lead officer").select_option(label=commissioner_northshire.full_name)
    page.get_by_label("No, an unannounced visit").check()
    check(page, "qa-visit-add")
    click(page, "button", "Add the visit")
    assert page.get_by_text("has been added").is_visible()
    check(page, "qa-visit-scheduled")

    # Recording: a rating without findings is refused with an error summary; then all six areas.
    click(page, "link", "Record the visit")
    check(page, "qa-visit-record")
    page.locator('input[name="rating_feedback"][value="good"]').check()
    click(page, "button", "Save the record")
    assert page.get_by_role("alert").filter(has_text="There is a problem").is_visible()
    check(page, "qa-visit-record-errors")
    fill_date(page, "visited_on", today)
    for area in QAArea.values:
        rating = "requires_improvement" if area == "staff" else "good"
        page.locator(f'input[name="rating_{area}"][value="{rating}"]').check()
        page.locator(f'textarea[name="findings_{area}"]').fill(f"What we found: {QAArea(area).label}.")
    page.locator('input[name="overall_rating"][value="good"]').check()
    page.get_by_label("Summary of the report").fill("A caring service; staff training needs attention.")
    click(page, "button", "Save the record")
    assert page.get_by_text("The visit's record has been saved.").is_visible()
    click(page, "link", "Issue the report")
    check(page, "qa-visit-issue")
    click(page, "button", "Issue the report")
    assert page.get_by_text("The report has been issued").is_visible()
    check(page, "qa-report")
    visit = QAVisit.objects.get(contract=contract, status=QAVisitStatus.COMPLETED)
    assert visit.findings.count() == 6
    assert QAVisit.objects.filter(contract=contract, status=QAVisitStatus.SCHEDULED).count() == 1

    # The report's PDF names the provider.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the report (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        content = pdf.read()
    assert content.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Oakfield School Ltd" in " ".join(text.split())

    # An improvement plan with one action; an older overdue action shows on the overdue list.
    click(page, "link", "Create an improvement plan from this report")
    check(page, "qa-plan-create")
    click(page, "button", "Create the improvement plan")
    click(page, "link", "Add an action")
    page.get_by_label("Area of the checklist").select_option("staff")
    page.get_by_label("What the provider must do").fill(
        "Complete safe-handling training for every member of staff."
    )
    page.get_by_label("Person responsible at the provider").fill("Jo Bloggs, Registered Manager")
    fill_date(page, "due_on", today + datetime.timedelta(days=60))
    check(page, "qa-action-add")
    click(page, "button", "Add the action")
    assert page.get_by_text("The action has been added").is_visible()
    plan = visit.improvement_plan
    services.improvement_action_add(
        plan=plan,
        actor=commissioner_northshire,
        description="Review the behaviour policy.",
        owner="Jo Bloggs",
        due_on=today - datetime.timedelta(days=3),
    )
    page.reload()
    assert page.locator(".govuk-tag--red", has_text="Overdue").count() == 1
    check(page, "qa-plan")
    page.goto("/contracts/qa/actions/overdue/")
    assert page.get_by_role("link", name="Review the behaviour policy.").is_visible()
    check(page, "qa-overdue-actions")
    page.goto("/contracts/qa/visits/")
    check(page, "qa-visit-list-council")

    # Oakfield reads the report and reports the action done with evidence.
    switch(page, provider_oakfield)
    page.goto(f"/contracts/{contract.pk}/qa/")
    assert page.get_by_role("heading", name="Quality assurance reports").is_visible()
    check(page, "qa-contract-provider")
    page.goto(f"/contracts/qa/visits/{visit.pk}/")
    check(page, "qa-report-provider")
    page.goto(f"/contracts/qa/improvement-plans/{plan.pk}/")
    check(page, "qa-plan-provider")
    click(page, "link", "Complete safe-handling training for every member of staff.")
    check(page, "qa-action-provider")
    click(page, "link", "Post an update")
    page.get_by_label("Progress made").fill("Every member of staff has now completed the course.")
    page.locator('input[name="evidence"]').set_input_files(
        files=[{"name": "training-register.csv", "mimeType": "text/csv", "buffer": b"name,done\nteam,yes\n"}]
    )
    page.get_by_label("The action is done: ask the council to verify it").check()
    check(page, "qa-action-update")
    click(page, "button", "Post the update")
    assert page.get_by_text("You have reported the action done").is_visible()
    assert page.get_by_role(
        "link", name="Download the evidence: Evidence for improvement action"
    ).is_visible()
    check(page, "qa-action-reported")
    page.goto("/contracts/qa/visits/")
    check(page, "qa-visit-list-provider")

    # The commissioner verifies it.
    action = ImprovementAction.objects.get(plan=plan, area="staff")
    switch(page, commissioner_northshire)
    page.goto(f"/contracts/qa/actions/{action.pk}/")
    check(page, "qa-action-council")
    click(page, "link", "Verify the action")
    page.get_by_label("Verification notes (optional)").fill("Seen the training register.")
    check(page, "qa-action-verify")
    click(page, "button", "Verify the action")
    assert page.get_by_text("The action has been verified").is_visible()
    check(page, "qa-action-verified")
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED
