"""Evaluation in a real browser: an evaluator declares no conflict and scores a bid; the commissioner
moderates, checks compliance, recommends the award and starts standstill; each bidder downloads only its
own award letter. axe-core finds no serious or critical problem on any page."""

import datetime
import re
from contextlib import contextmanager
from unittest import mock

import pytest
from django.utils import timezone

from procurement.models import ConflictDeclaration, PanelMember, Score, TenderStatus
from procurement.services import awards
from procurement.tests.evaluation.conftest import make_bid, make_tender, marked

from .conftest import check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextmanager
def awards_clock(day: datetime.date):
    """The award services' clock set to 10am on `day` (the server's clock, in the live server's thread
    too), leaving sign-in sessions and everything else on the real one."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    clock = mock.Mock(now=lambda: moment, localdate=lambda value=None: timezone.localdate(value or moment))
    with mock.patch.object(awards, "timezone", clock):
        yield


def fill_marks(page, tender, marks, text_label):
    for criterion, value in zip(marked(tender), marks, strict=True):
        page.get_by_label(f"{criterion.title}: marks out of {criterion.max_marks}").fill(str(value))
        page.get_by_label(f"{text_label} for {criterion.title}").fill(
            f"{value} marks: the evidence is clear."
        )


def test_a_tender_is_evaluated_and_each_bidder_reads_only_its_own_letter(
    page,
    northshire,
    oakfield,
    riverside,
    commissioner_northshire,
    evaluator_northshire,
    provider_oakfield,
    provider_riverside,
):
    tender = make_tender(organisation=northshire, created_by=commissioner_northshire)
    oak = make_bid(tender=tender, provider=oakfield, created_by=provider_oakfield, price="100000.00")
    river = make_bid(tender=tender, provider=riverside, created_by=provider_riverside, price="80000.00")
    PanelMember.objects.create(
        tender=tender, evaluator=evaluator_northshire, added_by=commissioner_northshire
    )

    # The evaluator declares no conflict, then scores Oakfield's bid.
    sign_in(page, evaluator_northshire)
    page.goto("/procurement/evaluation/")
    check(page, "evaluation-list-evaluator")
    page.get_by_role("link", name=re.compile("NS-2026-101")).click()
    assert page.get_by_text("Declare any conflict of interest before you can see the bids.").is_visible()
    assert page.get_by_role("link", name=re.compile("Read and score")).count() == 0
    check(page, "evaluation-tender-undeclared")
    page.get_by_role("link", name="Declare conflicts of interest").click()
    page.get_by_role("button", name="Make my declaration").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Select whether you have a conflict of interest").is_visible()
    check(page, "evaluation-declaration-errors")
    page.get_by_label("No, I have no conflict of interest").check()
    page.get_by_role("button", name="Make my declaration").click()
    page.wait_for_load_state()
    assert ConflictDeclaration.objects.filter(evaluator=evaluator_northshire).exists()
    check(page, "evaluation-tender-declared")
    page.get_by_role("link", name="Read and score Oakfield School Ltd's bid for lot 1").click()
    assert page.get_by_text("Oakfield School Ltd answers Meeting needs.").is_visible()
    fill_marks(page, tender, [4, 3, 7], "Justification")
    check(page, "evaluation-bid-scoring")
    page.get_by_role("button", name="Save my scores").click()
    page.wait_for_load_state()
    assert Score.objects.filter(evaluator=evaluator_northshire, submission=oak).count() == 3
    assert page.get_by_text("Grace Kowalski").first.is_visible()
    check(page, "evaluation-bid-scored")

    # The commissioner moderates both bids, checks compliance, recommends and starts standstill.
    page.context.clear_cookies()
    sign_in(page, commissioner_northshire)
    page.goto(f"/procurement/evaluation/{tender.pk}/")
    check(page, "evaluation-tender-commissioner")
    for bid, marks in ((oak, [4, 3, 7]), (river, [3, 4, 6])):
        page.goto(f"/procurement/evaluation/{tender.pk}/bids/{bid.pk}/moderate/")
        fill_marks(page, tender, marks, "Rationale")
        if bid == oak:
            check(page, "evaluation-moderate")
        page.get_by_role("button", name="Save the moderated scores").click()
        page.wait_for_load_state()
        page.goto(f"/procurement/evaluation/{tender.pk}/bids/{bid.pk}/compliance/")
        for kind in ("registration", "insurance", "policies", "financial"):
            page.locator(f"input[name={kind}_passed][value=pass]").check()
            page.locator(f"textarea[name={kind}_evidence]").fill("Checked against the compliance pack.")
        if bid == oak:
            check(page, "evaluation-compliance")
        page.get_by_role("button", name="Save the compliance checks").click()
        page.wait_for_load_state()
    page.get_by_role("link", name="See the scores").click()
    assert page.get_by_text(
        "Price score = (lowest compliant price ÷ this bid's price) × price weight"
    ).is_visible()
    assert page.get_by_role("cell", name="80.00").is_visible()
    check(page, "evaluation-scores")
    page.goto(f"/procurement/evaluation/{tender.pk}/recommend/")
    check(page, "evaluation-recommend")
    page.get_by_label("Reasons for lot 1 (optional)").fill("Best value for money on the published criteria.")
    page.get_by_role("button", name="Recommend the award").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Issue letters and start standstill").click()
    check(page, "evaluation-standstill")
    # Letters issued on Thursday 21 December 2028: 8 working days later, past Christmas Day, Boxing Day,
    # New Year's Day and two weekends, is Friday 5 January 2029.
    with awards_clock(datetime.date(2028, 12, 21)):
        page.get_by_role("button", name="Issue the letters and start standstill").click()
        page.wait_for_load_state()
    tender.refresh_from_db()
    assert tender.status == TenderStatus.STANDSTILL
    assert tender.standstill_end_on == datetime.date(2029, 1, 5)
    assert page.get_by_text("5 January 2029 (award possible from the next day)").is_visible()
    check(page, "evaluation-tender-standstill")
    with awards_clock(datetime.date(2029, 1, 5)):
        page.get_by_role("link", name="Award the contract").click()
        page.get_by_role("button", name="Award the contract").click()
        page.wait_for_load_state()
        assert page.get_by_role("link", name=re.compile("The standstill period ends on")).is_visible()
    check(page, "evaluation-award-refused")
    tender.refresh_from_db()
    assert tender.status == TenderStatus.STANDSTILL

    # Each bidder reads only its own letter.
    for user, own, other in ((provider_oakfield, oak, river), (provider_riverside, river, oak)):
        page.context.clear_cookies()
        sign_in(page, user)
        page.goto("/procurement/my-letters/")
        check(page, f"evaluation-outcomes-{user.organisation.slug}")
        link = page.get_by_role("link", name=re.compile("Download"))
        assert link.count() == 1
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename.endswith(".pdf")
        assert page.context.request.get(f"/procurement/award-letters/{own.pk}/").body().startswith(b"%PDF")
        assert page.goto(f"/procurement/award-letters/{other.pk}/").status == 404

    # The day after standstill ends, the commissioner awards the contract.
    page.context.clear_cookies()
    sign_in(page, commissioner_northshire)
    page.goto(f"/procurement/evaluation/{tender.pk}/")
    with awards_clock(datetime.date(2029, 1, 6)):
        page.get_by_role("link", name="Award the contract").click()
        page.get_by_role("button", name="Award the contract").click()
        page.wait_for_load_state()
    tender.refresh_from_db()
    assert tender.status == TenderStatus.AWARDED
    check(page, "evaluation-awarded")


def test_a_commissioner_sets_up_the_panel_and_an_evaluator_adds_a_conflict_found_later(
    page,
    northshire,
    oakfield,
    riverside,
    commissioner_northshire,
    evaluator_northshire,
    provider_oakfield,
    provider_riverside,
):
    tender = make_tender(organisation=northshire, created_by=commissioner_northshire)
    make_bid(tender=tender, provider=oakfield, created_by=provider_oakfield)
    river = make_bid(tender=tender, provider=riverside, created_by=provider_riverside)

    sign_in(page, commissioner_northshire)
    page.goto(f"/procurement/evaluation/{tender.pk}/panel/")
    check(page, "evaluation-panel-empty")
    page.get_by_role("button", name="Add to the panel").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Choose an evaluator").is_visible()
    check(page, "evaluation-panel-errors")
    page.get_by_label("Evaluator").select_option(label="Grace Kowalski")
    page.get_by_label("Make them the panel's moderator").check()
    page.get_by_role("button", name="Add to the panel").click()
    page.wait_for_load_state()
    assert PanelMember.objects.get(tender=tender).is_moderator
    check(page, "evaluation-panel-with-moderator")

    page.context.clear_cookies()
    sign_in(page, evaluator_northshire)
    page.goto(f"/procurement/evaluation/{tender.pk}/declaration/")
    page.get_by_label("No, I have no conflict of interest").check()
    page.get_by_role("button", name="Make my declaration").click()
    page.wait_for_load_state()
    assert page.get_by_role(
        "link", name="Read and score Riverside Learning Trust's bid for lot 1"
    ).is_visible()
    page.get_by_role("link", name="Your declaration").click()
    check(page, "evaluation-declaration-made")
    page.get_by_label("Riverside Learning Trust").check()
    page.get_by_label("The nature of the conflict").fill("My partner has just joined its board.")
    page.get_by_role("button", name="Add this conflict").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name=re.compile("Riverside Learning Trust")).count() == 0
    assert page.get_by_text("1 bid you can see").is_visible()
    check(page, "evaluation-tender-after-conflict")
    assert page.goto(f"/procurement/evaluation/{tender.pk}/bids/{river.pk}/").status == 404
