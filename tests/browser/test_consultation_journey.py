"""A consultation in a real browser: a commissioner opens one on a specification, the forum member comments
on two sections, the commissioner answers both and completes it, and "You said, we did" shows both
answers. axe-core finds no serious or critical problem on any page, for either role."""

import datetime

import pytest
from django.utils import timezone

from commissioning.services.specifications import specification_create

from .conftest import check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(user):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, user)
        return page

    yield make
    for context in contexts:
        context.close()


def test_consultation_journey(new_page, commissioner_northshire, forum_member, northshire_pcf):
    specification_create(
        actor=commissioner_northshire,
        title="Short breaks for disabled children",
        sections={
            "aims": "Give families a break and children a good time.",
            "eligibility": "Children with an EHC plan aged 5 to 18.",
            "outcomes": [{"outcome": "Families feel supported", "measure": "Survey", "target": "80%"}],
        },
    )
    today = timezone.localdate()

    # The commissioner opens a consultation.
    council = new_page(commissioner_northshire)
    council.goto("/coproduction/")
    assert council.get_by_role("heading", name="Consultations with parent carer forums").is_visible()
    check(council, "consultation-list-commissioner")
    council.get_by_role("button", name="Open a consultation").click()
    council.get_by_role("button", name="Open the consultation").click()  # the empty form
    council.wait_for_load_state()
    assert council.get_by_role("link", name="Select a specification").is_visible()
    check(council, "consultation-form-errors")
    council.get_by_label("Specification").select_option(label="Short breaks for disabled children")
    council.get_by_label("Opens on").fill(today.isoformat())
    council.get_by_label("Closes on").fill((today + datetime.timedelta(days=28)).isoformat())
    council.get_by_label("Northshire Parent Carer Forum").check()
    council.get_by_role("button", name="Open the consultation").click()
    council.wait_for_load_state()
    assert council.get_by_text("The consultation is open and the invited forums have been told.").is_visible()
    detail_url = council.url
    check(council, "consultation-detail-commissioner-empty")

    # The forum member reads the plan and comments on two sections.
    forum = new_page(forum_member)
    forum.goto("/coproduction/")
    assert forum.get_by_role("heading", name="Consultations for your forum").is_visible()
    check(forum, "consultation-list-forum")
    forum.get_by_role("link", name="Short breaks for disabled children").click()
    forum.wait_for_load_state()
    assert forum.get_by_text("Give families a break and children a good time.").is_visible()
    check(forum, "consultation-forum-read")
    forum.get_by_role("button", name="Comment on aims and objectives").click()  # empty: an error
    forum.wait_for_load_state()
    assert forum.get_by_role("link", name="Enter your comment").is_visible()
    check(forum, "consultation-forum-comment-error")
    forum.get_by_label("Your comment on aims and objectives").fill("Please include weekends and holidays.")
    forum.get_by_role("button", name="Comment on aims and objectives").click()
    forum.wait_for_load_state()
    forum.get_by_label("Your comment on eligibility and referral route").fill(
        "Young people up to 25, please."
    )
    forum.get_by_role("button", name="Comment on eligibility and referral route").click()
    forum.wait_for_load_state()
    assert forum.get_by_text("Your comment on eligibility and referral route has been added.").is_visible()
    check(forum, "consultation-forum-commented")

    # The commissioner answers both, closes early and completes.
    council.goto(detail_url)
    check(council, "consultation-detail-commissioner-comments")
    council.get_by_role("link", name="Respond to the comment by Helen Murray on aims and objectives").click()
    council.wait_for_load_state()
    council.get_by_label("Accepted", exact=True).check()
    council.get_by_role("button", name="Save the answer").click()  # no explanation, no section: errors
    council.wait_for_load_state()
    assert council.get_by_role("link", name="Explain the decision").is_visible()
    assert council.get_by_role("link", name="Select the section that changed").is_visible()
    check(council, "consultation-respond-errors")
    council.get_by_label("Accepted", exact=True).check()
    council.get_by_label("What you did, and why").fill("We added Saturday and holiday sessions.")
    council.get_by_label("Section that changed").select_option(label="Aims and objectives")
    council.get_by_role("button", name="Save the answer").click()
    council.wait_for_load_state()
    council.get_by_role(
        "link", name="Respond to the comment by Helen Murray on eligibility and referral route"
    ).click()
    council.wait_for_load_state()
    council.get_by_label("Not accepted").check()
    council.get_by_label("What you did, and why").fill("Another service covers 19 to 25.")
    council.get_by_role("button", name="Save the answer").click()
    council.wait_for_load_state()
    check(council, "consultation-detail-commissioner-answered")
    council.get_by_role("button", name="Close early").click()
    council.wait_for_load_state()
    check(council, "consultation-close-confirm")
    council.get_by_role("button", name="Close the consultation now").click()
    council.wait_for_load_state()
    council.get_by_role("button", name="Complete the consultation").click()
    council.wait_for_load_state()
    check(council, "consultation-complete-confirm")
    council.get_by_role("button", name="Complete the consultation").click()
    council.wait_for_load_state()
    assert council.get_by_text('"You said, we did" is final').is_visible()
    council.get_by_role("link", name="You said, we did").click()
    council.wait_for_load_state()
    for text in ("We added Saturday and holiday sessions.", "Another service covers 19 to 25."):
        assert council.get_by_text(text).is_visible()
    check(council, "you-said-we-did-commissioner")

    # The forum member sees both answers and what changed.
    forum.goto("/coproduction/")
    assert forum.get_by_text("The council answered your comment on aims and objectives").is_visible()
    check(forum, "consultation-list-forum-changes")
    forum.get_by_role("link", name="You said, we did").click()
    forum.wait_for_load_state()
    for text in ("We added Saturday and holiday sessions.", "Another service covers 19 to 25."):
        assert forum.get_by_text(text).is_visible()
    assert forum.get_by_role("link", name='Download "You said, we did" (PDF)').is_visible()
    check(forum, "you-said-we-did-forum")
