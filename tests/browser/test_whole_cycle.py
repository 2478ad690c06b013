"""The whole commissioning cycle in one real browser, through the pages alone, switching people.

A Northshire commissioner imports two published EES files (the demo's slices of DfE's releases), runs a
projection and finds a shortfall of places; starts a commissioning intention from that gap; writes a
business case that Finance, Legal and Cabinet approve; writes a specification that the parent carer forum
comments on in a consultation, reads "You said, we did", and sees the change made in an approved second
version; the council tenders against the approved case and version; two providers bid; an evaluator
scores, the commissioner moderates and awards; the contract is made from the award; the provider submits
a performance return that the council accepts; a QA visit finds staff training wanting and an
improvement action is set; the contract is decommissioned with an exit plan; and the contract's evidence
chain leads back to the gap.

Everything a person does is done in the browser. Two steps are the clock's, not a person's, and are done
as the beat schedule does them, after moving the date in the database (see "The clock" below):
- the tender closes at its submission deadline (the close_due_tenders task);
- the standstill period ends (the notify_standstill_ended task), after which the commissioner awards.
The consultation is closed early by the commissioner on its page, and the decommissioning's notice dates
are entered on its form, so neither needs the clock. A screenshot of every step is saved under
test-output/screenshots/ (whole-cycle-*.png); axe-core checks five key pages.
"""

import datetime
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from contracts.models import Contract, PerformanceReturn, QAArea, ReturnStatus
from procurement.models import Tender, TenderStatus
from procurement.tasks import close_due_tenders, notify_standstill_ended

from .conftest import check, fill_date, screenshot, sign_in, switch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = Path(__file__).resolve().parents[2] / "dashboard" / "demo" / "data"
EES_FILES = ("ehcp2025_sen_needs_all_plans.csv", "ehcp2022_sen2_age_caseload.csv")


def step(page, name: str) -> None:
    """Wait for the page and save its screenshot as the journey's next step."""
    page.wait_for_load_state()
    screenshot(page, f"whole-cycle-{name}")


def click(page, role: str, name, **options) -> None:
    page.get_by_role(role, name=name, **options).first.click()
    page.wait_for_load_state()


def import_ees(page, name: str) -> None:
    page.goto("/needs/data/upload/")
    page.get_by_label("Data file", exact=True).set_input_files(str(DEMO / name))
    click(page, "button", "Upload and check")
    assert page.get_by_role("heading", name="Check the data before importing").is_visible()
    click(page, "button", "Import this data")
    assert page.get_by_text("Imported", exact=True).first.is_visible()


def test_the_whole_cycle_through_the_pages(
    page,
    northshire,
    commissioner_northshire,
    lead_northshire,
    finance_northshire,
    legal_northshire,
    evaluator_northshire,
    forum_member,
    provider_oakfield,
    provider_riverside,
):
    today = timezone.localdate()
    commissioner, colleague = commissioner_northshire, lead_northshire

    # ---- Understand: import the published figures, project demand, find the gap.
    sign_in(page, commissioner)
    for name in EES_FILES:
        import_ees(page, name)
    step(page, "01-imported")
    page.goto("/needs/projections/new/")
    page.get_by_role("radio", name="Trend extrapolation").check()
    page.get_by_label("Base year").select_option(label="2024/25")
    click(page, "button", "Run projection")
    assert page.get_by_text("The projection has been run.").is_visible()
    step(page, "02-projection")
    page.goto("/needs/gaps/")
    assert page.get_by_role(
        "heading", name="Gaps between projected demand and commissioned places"
    ).is_visible()
    check(page, "whole-cycle-03-gaps")
    click(page, "link", re.compile(r"^Autistic spectrum disorder\s*, age 5 to 10$"))
    assert page.get_by_role("heading", level=1, name="Autistic spectrum disorder, age 5 to 10").is_visible()
    assert page.get_by_text("Shortfall").first.is_visible()
    step(page, "04-gap")
    gap_url = page.url

    # ---- Plan: an intention from the gap, then its business case through Finance, Legal and Cabinet.
    click(page, "button", "Start a commissioning intention from this gap")
    fill_date(page, "target_date", today + datetime.timedelta(days=365))
    step(page, "05-intention-form")
    click(page, "button", "Save intention")
    assert page.get_by_text(
        "Intention ‘Places for autistic spectrum disorder, age 5 to 10’ saved"
    ).is_visible()
    assert page.get_by_text("The gap as it was when the intention was started").is_visible()
    step(page, "06-intention")

    click(page, "link", "Write a business case for this intention")
    page.get_by_label("The need").fill("Forty more autistic children aged 5 to 10 need a specialist place.")
    page.get_by_label("Option 1 name").fill("Spot purchase out of area")
    page.get_by_label("Option 1 cost (£)").fill("900000")
    page.get_by_label("Option 2 name").fill("Day places near home")
    page.get_by_label("Option 2 cost (£)").fill("650000")
    page.get_by_label("Recommended option").select_option(label="Option 2")
    page.get_by_label("Year 1: financial year").fill(f"{today.year}-{(today.year + 1) % 100:02d}")
    page.get_by_label("Year 1: cost (£)").fill("650000")
    page.get_by_label("Funding source 1", exact=True).select_option("high_needs_block")
    page.get_by_label("Funding source 1: amount (£)").fill("650000")
    page.get_by_label("Risk 1", exact=True).fill("Recruiting specialist staff")
    page.get_by_label("Outcomes sought").fill("Children educated nearer home.")
    step(page, "07-business-case-form")
    click(page, "button", "Save as draft")
    assert page.locator("#case-status").inner_text() == "Draft"
    click(page, "button", "Submit for approval")
    click(page, "button", "Submit for Finance approval")
    assert page.locator("#case-status").inner_text() == "Waiting for Finance"
    step(page, "08-business-case-submitted")
    case_url = page.url

    for approver, name, status in (
        (finance_northshire, "09-finance", "Waiting for Legal"),
        (legal_northshire, "10-legal", "Waiting for Cabinet"),
    ):
        switch(page, approver)
        page.goto("/commissioning/business-cases/waiting/")
        click(page, "link", "Places for autistic spectrum disorder, age 5 to 10")
        page.get_by_label("Approve", exact=True).check()
        click(page, "button", "Record decision")
        assert page.locator("#case-status").inner_text() == status
        step(page, name)

    # The author may not record Cabinet's decision on their own case: a colleague does.
    switch(page, colleague)
    page.goto(case_url)
    click(page, "button", "Record the Cabinet decision")
    page.get_by_label("Approve", exact=True).check()
    fill_date(page, "cabinet_date", today)
    page.get_by_label("Minute reference").fill("CAB/2026/77")
    click(page, "button", "Record decision")
    assert page.locator("#case-status").inner_text() == "Approved by Cabinet"
    step(page, "11-cabinet-approved")

    # ---- The specification, consulted on with the parent carer forum.
    switch(page, commissioner)
    page.goto("/commissioning/specifications/new/")
    page.get_by_label("Title", exact=True).fill("Autism day places near home")
    page.get_by_label("Commissioning intention (optional)").select_option(
        label="Places for autistic spectrum disorder, age 5 to 10"
    )
    page.get_by_label("Business case (optional)").select_option(
        label="Places for autistic spectrum disorder, age 5 to 10"
    )
    page.get_by_label("Aims and objectives").fill(
        "Autistic children aged 5 to 10 learn in a local day place."
    )
    page.get_by_label("Eligibility and referral route").fill("Children with an EHC plan naming autism.")
    step(page, "12-specification-form")
    click(page, "button", "Create specification")
    assert page.get_by_role("heading", level=1, name="Autism day places near home").is_visible()
    step(page, "13-specification")
    spec_url = page.url

    page.goto("/coproduction/new/")
    page.get_by_label("Specification").select_option(label="Autism day places near home")
    page.get_by_label("Opens on").fill(today.isoformat())
    page.get_by_label("Closes on").fill((today + datetime.timedelta(days=28)).isoformat())
    page.get_by_label("Northshire Parent Carer Forum").check()
    click(page, "button", "Open the consultation")
    assert page.get_by_text("The consultation is open and the invited forums have been told.").is_visible()
    step(page, "14-consultation-open")
    consultation_url = page.url

    switch(page, forum_member)
    page.goto("/coproduction/")
    click(page, "link", "Autism day places near home")
    page.get_by_label("Your comment on aims and objectives").fill("Please include holiday clubs.")
    click(page, "button", "Comment on aims and objectives")
    assert page.get_by_text("Your comment on aims and objectives has been added.").is_visible()
    check(page, "whole-cycle-15-forum-comment")

    switch(page, commissioner)
    page.goto(consultation_url)
    click(page, "link", "Respond to the comment by Helen Murray on aims and objectives")
    page.get_by_label("Accepted", exact=True).check()
    page.get_by_label("What you did, and why").fill("We added holiday clubs to the service.")
    page.get_by_label("Section that changed").select_option(label="Aims and objectives")
    click(page, "button", "Save the answer")
    click(page, "button", "Close early")
    click(page, "button", "Close the consultation now")
    click(page, "button", "Complete the consultation")
    click(page, "button", "Complete the consultation")
    assert page.get_by_text('"You said, we did" is final').is_visible()
    step(page, "16-consultation-complete")

    switch(page, forum_member)
    page.goto("/coproduction/")
    click(page, "link", "You said, we did")
    assert page.get_by_text("We added holiday clubs to the service.").is_visible()
    step(page, "17-you-said-we-did")

    # The council makes the change it promised in a new version, and approves that version.
    switch(page, commissioner)
    page.goto(spec_url)
    click(page, "button", "Create version 2")
    page.get_by_label("What has changed in this version").fill("Holiday clubs, as the forum asked")
    page.get_by_label("Aims and objectives").fill(
        "Autistic children aged 5 to 10 learn in a local day place, with holiday clubs."
    )
    click(page, "button", "Create version 2")
    assert page.get_by_text("Version 2 has been created.").is_visible()
    click(page, "button", "Approve version 2")
    click(page, "button", "Approve version 2")
    assert page.get_by_text("Version 2 has been approved and locked.").is_visible()
    step(page, "18-specification-approved")

    # ---- Do: the tender, against the approved business case and specification version.
    page.goto("/procurement/tenders/new/")
    page.get_by_label("Title", exact=True).fill("Autism day places near home")
    page.get_by_label("Reference", exact=True).fill("NS-2026-077")
    page.get_by_label("Open procedure").check()
    page.get_by_label("Estimated value, in pounds").fill("650000")
    page.get_by_label("Business case approved by Cabinet").select_option(
        label="Places for autistic spectrum disorder, age 5 to 10"
    )
    page.get_by_label("Approved specification version").select_option(label="Autism day places near home v2")
    step(page, "19-tender-details")
    click(page, "button", "Create draft")
    tender_url = page.url
    deadline = today + datetime.timedelta(days=21)
    click(page, "link", "Set the timetable")
    fill_date(page, "publish_on", today)
    fill_date(page, "clarification_date", deadline - datetime.timedelta(days=7))
    page.get_by_label("Clarification deadline time (24-hour)").fill("17:00")
    fill_date(page, "submission_date", deadline)
    page.get_by_label("Submission deadline time (24-hour)").fill("12:00")
    fill_date(page, "evaluation_end_on", deadline + datetime.timedelta(days=14))
    fill_date(page, "award_on", deadline + datetime.timedelta(days=28))
    click(page, "button", "Save timetable")
    page.goto(tender_url)
    click(page, "link", "Add a lot")
    page.get_by_label("Lot title").fill("Day places")
    click(page, "button", "Add lot")
    for kind, question, weight in (
        ("Quality question", "How will you meet each child's needs?", "60"),
        ("Price", "Price", "40"),
    ):
        page.goto(tender_url)
        click(page, "link", "Add an award criterion")
        page.get_by_label(kind, exact=True).check()
        page.get_by_label("Question", exact=True).fill(question)
        page.get_by_label("Weight, as a percentage of the total score").fill(weight)
        click(page, "button", "Add criterion")
    page.goto(tender_url)
    click(page, "link", "Record the conflicts of interest assessment")
    page.get_by_label("Conflicts of interest assessment").fill("Everyone involved declared no conflict.")
    click(page, "button", "Record the assessment")
    page.goto(tender_url)
    assert page.get_by_text("This tender is ready to publish.").is_visible()
    step(page, "20-tender-ready")
    click(page, "button", "Publish")
    click(page, "button", "Publish")
    assert page.get_by_text("NS-2026-077 is published and open for bids.").is_visible()
    step(page, "21-tender-published")

    # Two providers bid.
    for provider, price, name in (
        (provider_oakfield, "590000", "22-oakfield"),
        (provider_riverside, "640000", "23-riverside"),
    ):
        switch(page, provider)
        page.goto("/procurement/tenders/")
        click(page, "link", "Autism day places near home")
        click(page, "button", "Start a bid")
        page.get_by_label("Lot 1: Day places").check()
        click(page, "button", "Start a bid")
        page.get_by_label("Your total price, in pounds").fill(price)
        page.get_by_label("How will you meet each child's needs?").fill(
            f"{provider.organisation.name}: small classes, speech therapy and a key worker for every child."
        )
        click(page, "button", "Save answers")
        click(page, "button", "Submit bid")
        click(page, "button", "Submit bid")
        assert page.get_by_text("Your bid has been submitted. Receipt 1 is ready to download.").is_visible()
        step(page, f"{name}-bid-submitted")

    # The clock: the submission deadline passes. Not a person's step: the beat schedule's
    # close_due_tenders task closes tenders whose deadline has passed, so the deadline is moved into the
    # past and that same task is run.
    tender = Tender.objects.get(reference="NS-2026-077")
    Tender.objects.filter(pk=tender.pk).update(
        submission_deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert close_due_tenders() == 1

    # ---- Evaluation and award.
    switch(page, commissioner)
    page.goto(tender_url)
    assert page.get_by_text("2 bids submitted").is_visible()
    click(page, "button", "Open the sealed bids")
    click(page, "button", "Open the bids")
    assert page.get_by_text("The bids for NS-2026-077 are open.").is_visible()
    step(page, "24-bids-opened")
    click(page, "button", "Evaluation panel")
    page.get_by_label("Evaluator").select_option(label="Grace Kowalski")
    click(page, "button", "Add to the panel")

    question = "How will you meet each child's needs?"
    switch(page, evaluator_northshire)
    page.goto("/procurement/evaluation/")
    click(page, "link", re.compile("NS-2026-077"))
    click(page, "link", "Declare conflicts of interest")
    page.get_by_label("No, I have no conflict of interest").check()
    click(page, "button", "Make my declaration")
    for provider, marks in (("Oakfield School Ltd", "4"), ("Riverside Learning Trust", "3")):
        page.goto(f"/procurement/evaluation/{tender.pk}/")
        click(page, "link", f"Read and score {provider}'s bid for lot 1")
        page.get_by_label(f"{question}: marks out of 5").fill(marks)
        page.get_by_label(f"Justification for {question}").fill(f"{marks} marks: the evidence is clear.")
        click(page, "button", "Save my scores")
    step(page, "25-scored")

    switch(page, commissioner)
    page.goto(tender_url)
    click(page, "button", "Evaluation and award")
    evaluation_url = page.url
    for provider, marks in (("Oakfield School Ltd", "4"), ("Riverside Learning Trust", "3")):
        page.goto(evaluation_url)
        click(page, "link", f"Moderate {provider}'s bid for lot 1")
        page.get_by_label(f"{question}: marks out of 5").fill(marks)
        page.get_by_label(f"Rationale for {question}").fill("The panel agreed.")
        click(page, "button", "Save the moderated scores")
        page.goto(evaluation_url)
        click(page, "link", f"Compliance checks for {provider}'s bid for lot 1")
        for kind in ("registration", "insurance", "policies", "financial"):
            page.locator(f"input[name={kind}_passed][value=pass]").check()
            page.locator(f"textarea[name={kind}_evidence]").fill("Checked against the compliance pack.")
        click(page, "button", "Save the compliance checks")
    page.goto(evaluation_url)
    click(page, "link", "Recommend the award")
    page.get_by_label("Reasons for lot 1 (optional)").fill("Best value on the published criteria.")
    click(page, "button", "Recommend the award")
    click(page, "link", "Issue letters and start standstill")
    click(page, "button", "Issue the letters and start standstill")
    step(page, "26-standstill")

    # The clock: standstill ends. Not a person's step: the standstill is set to have ended yesterday and
    # the beat schedule's notify_standstill_ended task tells the commissioners the contract can be awarded.
    Tender.objects.filter(pk=tender.pk).update(standstill_end_on=today - datetime.timedelta(days=1))
    assert notify_standstill_ended() == 1
    page.goto(evaluation_url)
    click(page, "link", "Award the contract")
    click(page, "button", "Award the contract")
    tender.refresh_from_db()
    assert tender.status == TenderStatus.AWARDED
    step(page, "27-awarded")

    # ---- Review: the contract from the award, with a KPI.
    starts_on = today.replace(day=1) - relativedelta(months=3)
    page.goto("/contracts/")
    click(page, "button", "Create a contract")
    page.get_by_label("Award of a tender").check()
    click(page, "button", "Continue")
    page.get_by_label("NS-2026-077", exact=False).check()
    page.get_by_label("Contract reference").fill("NS-C-2026-077")
    fill_date(page, "starts_on", starts_on)
    fill_date(page, "ends_on", starts_on + relativedelta(years=3) - datetime.timedelta(days=1))
    page.get_by_label("Months of extension available").fill("12")
    click(page, "button", "Create contract")
    contract = Contract.objects.get(reference="NS-C-2026-077")
    assert page.get_by_role("heading", name=contract.title).is_visible()
    contract_url = page.url
    click(page, "button", "Add a KPI")
    page.get_by_label("KPI", exact=True).fill("Children attending every day")
    page.get_by_label("Unit (optional)").fill("%")
    page.get_by_label("Target", exact=True).fill("90")
    click(page, "button", "Add KPI")
    check(page, "whole-cycle-28-contract")

    # The provider submits a performance return; the council accepts it.
    switch(page, provider_oakfield)
    page.goto("/contracts/")
    click(page, "link", "NS-C-2026-077")
    click(page, "button", "Submit a performance return")
    fill_date(page, "period_start", starts_on)
    fill_date(page, "period_end", starts_on + relativedelta(months=1) - datetime.timedelta(days=1))
    page.locator(f'input[name="kpi_{contract.kpis.get().pk}_value"]').fill("93")
    click(page, "button", "Submit return")
    step(page, "29-return-submitted")
    return_url = page.url
    switch(page, commissioner)
    page.goto(return_url)
    click(page, "button", "Review this return")
    page.get_by_label("Accept the return").check()
    click(page, "button", "Save review")
    assert PerformanceReturn.objects.get().status == ReturnStatus.ACCEPTED
    step(page, "30-return-accepted")

    # A QA visit finds staff training wanting: an improvement plan with an action.
    page.goto(contract_url)
    click(page, "link", re.compile("^Quality assurance visits and improvement plans"))
    click(page, "link", "Add a visit")
    fill_date(page, "due_on", today + datetime.timedelta(days=7))
    fill_date(page, "planned_on", today)
    page.get_by_label("Lead officer").select_option(label=commissioner.full_name)
    page.get_by_label("No, an unannounced visit").check()
    click(page, "button", "Add the visit")
    click(page, "link", "Record the visit")
    fill_date(page, "visited_on", today)
    for area in QAArea.values:
        rating = "requires_improvement" if area == "staff" else "good"
        page.locator(f'input[name="rating_{area}"][value="{rating}"]').check()
        page.locator(f'textarea[name="findings_{area}"]').fill(f"What we found: {QAArea(area).label}.")
    page.locator('input[name="overall_rating"][value="good"]').check()
    page.get_by_label("Summary of the report").fill("A caring service; staff training needs attention.")
    click(page, "button", "Save the record")
    click(page, "link", "Issue the report")
    click(page, "button", "Issue the report")
    assert page.get_by_text("The report has been issued").is_visible()
    step(page, "31-qa-report")
    click(page, "link", "Create an improvement plan from this report")
    click(page, "button", "Create the improvement plan")
    click(page, "link", "Add an action")
    page.get_by_label("Area of the checklist").select_option("staff")
    page.get_by_label("What the provider must do").fill("Train every member of staff in autism awareness.")
    page.get_by_label("Person responsible at the provider").fill("Registered Manager")
    fill_date(page, "due_on", today + datetime.timedelta(days=60))
    click(page, "button", "Add the action")
    assert page.get_by_text("The action has been added").is_visible()
    step(page, "32-improvement-plan")

    # ---- Decommissioning with an exit plan: proposed, approved by a colleague, notice served.
    page.goto(contract_url)
    click(page, "link", "Decommission this contract")
    page.get_by_label("Unsatisfactory performance or quality").check()
    page.get_by_label("Detail").fill("Staff training was not put right; families asked for another provider.")
    click(page, "button", "Propose decommissioning")
    assert page.get_by_text("Another commissioner must approve it.").first.is_visible()
    decommissioning_url = page.url
    switch(page, colleague)
    page.goto(decommissioning_url)
    click(page, "button", "Approve decommissioning")
    click(page, "button", "Approve decommissioning")
    click(page, "button", "Record notice served")
    fill_date(page, "notice_served_on", today)
    fill_date(page, "end_on", today + relativedelta(months=7))
    click(page, "button", "Record notice served")
    click(page, "link", "Add a child placed outside a placement agreement")
    page.get_by_label("Case reference").fill("NS-CYP-0412")
    click(page, "button", "Add to the exit plan")
    click(page, "link", "Update NS-CYP-0412")
    page.get_by_label("Mainstream school").check()
    fill_date(page, "transition_on", today + relativedelta(months=6))
    page.get_by_label("The child's move is agreed: mark this row resolved").check()
    click(page, "button", "Save exit plan row")
    assert page.get_by_text("The exit plan for NS-CYP-0412 has been resolved.").is_visible()
    check(page, "whole-cycle-33-decommissioning")

    # ---- From the contract, the evidence chain back to the gap it was bought to close.
    page.goto(contract_url)
    click(page, "link", "Evidence chain: from this contract back to the gap in needs")
    for text in ("Places for autistic spectrum disorder, age 5 to 10", "Autism day places near home"):
        assert page.get_by_text(text).first.is_visible()
    gap_link = page.get_by_role("link", name="Autistic spectrum disorder, age 5 to 10", exact=True)
    assert gap_link.is_visible()
    check(page, "whole-cycle-34-evidence-chain")
    gap_link.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == urlsplit(gap_url).path == "/needs/gaps/5-10/ASD/"
    assert page.get_by_role("heading", level=1, name="Autistic spectrum disorder, age 5 to 10").is_visible()
    step(page, "35-back-at-the-gap")
