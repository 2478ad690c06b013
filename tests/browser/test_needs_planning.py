"""The planning pages in a real browser: axe-core finds no serious or critical problem, and the journeys
(adding places, running a projection, recording feedback) work with the keyboard and labels alone."""

import re

import pytest

from needs.services import planning as services
from needs.tests.test_planning_views import capacity_for, feedback_for, seed_figures

from .conftest import check, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planning_data(commissioner_northshire):
    seed_figures(commissioner_northshire)
    run = services.projection_run_create(
        actor=commissioner_northshire, method="prevalence", base_year=2024, horizon=5, prevalence_change_pct=1
    )
    trend = services.projection_run_create(
        actor=commissioner_northshire, method="trend", base_year=2024, horizon=5, trend_years=5
    )
    capacity = capacity_for(
        commissioner_northshire, year=2024, age_band="5-10", primary_need="ASD", places=120
    )
    capacity_for(commissioner_northshire, year=2024, age_band="5-10", primary_need="", places=25)
    capacity_for(commissioner_northshire, year=2024, age_band="11-15", primary_need="SEMH", places=30)
    feedback = feedback_for(commissioner_northshire)
    feedback_for(
        commissioner_northshire,
        source="young_person",
        service_area="Post-16 transport",
        primary_need="",
        summary="The bus to college is always late, so I miss the start of lessons.",
        sentiment="negative",
    )
    return {"run": run, "trend": trend, "capacity": capacity, "feedback": feedback}


def test_the_capacity_pages_are_accessible(page, commissioner_northshire, planning_data):
    sign_in(page, commissioner_northshire)
    page.goto("/needs/capacity/")
    assert page.get_by_role("heading", name="Commissioned capacity").is_visible()
    check(page, "needs-capacity-list")

    page.get_by_role("button", name="Add places").click()
    page.get_by_role("button", name="Add places").click()  # submit the empty form
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Enter the number of places").is_visible()
    assert page.get_by_role("link", name="Select an age band").is_visible()
    check(page, "needs-capacity-form-errors")

    page.goto(f"/needs/capacity/{planning_data['capacity'].pk}/delete/")
    assert page.get_by_role("heading", name="Are you sure you want to delete these places?").is_visible()
    check(page, "needs-capacity-delete")


def test_adding_places_by_keyboard_and_labels(page, commissioner_northshire, planning_data):
    sign_in(page, commissioner_northshire)
    page.goto("/needs/capacity/add/")
    page.get_by_label("Academic year the places are for").fill("2025")
    page.get_by_label("Age 16 to 19").check()
    page.get_by_label("Primary need").select_option("SLCN")
    page.get_by_label("Setting").select_option("post_16")
    page.get_by_label("Number of places").fill("12")
    page.get_by_label("Number of places").press("Enter")
    page.wait_for_load_state()
    assert page.get_by_text("12 places added for 2025/26").is_visible()
    assert page.get_by_role("cell", name="Speech, language and communication needs").is_visible()


def test_the_projection_pages_are_accessible(page, commissioner_northshire, planning_data):
    sign_in(page, commissioner_northshire)
    page.goto("/needs/projections/")
    check(page, "needs-projection-list")

    page.goto("/needs/projections/new/")
    page.get_by_label("Years to project").fill("0")
    page.get_by_role("button", name="Run projection").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Years to project must be between 1 and 10").is_visible()
    check(page, "needs-projection-form-errors")

    page.goto(f"/needs/projections/{planning_data['run'].pk}/")
    assert page.get_by_role("heading", name="How this projection was worked out").is_visible()
    check(page, "needs-projection-detail-prevalence")

    page.goto(f"/needs/projections/{planning_data['trend'].pk}/")
    check(page, "needs-projection-detail-trend")

    page.get_by_role("button", name="Run again with these parameters").click()
    page.wait_for_load_state()
    assert page.get_by_role("radio", name="Trend extrapolation").is_checked()
    page.get_by_role("button", name="Run projection").click()
    page.wait_for_load_state()
    assert page.get_by_text("The projection has been run.").is_visible()


def test_the_gap_pages_are_accessible(page, commissioner_northshire, planning_data):
    sign_in(page, commissioner_northshire)
    page.goto(f"/needs/gaps/?run={planning_data['run'].pk}")
    assert page.get_by_role(
        "heading", name="Gaps between projected demand and commissioned places"
    ).is_visible()
    check(page, "needs-gap-list")

    # The band is in a visually hidden span, so the accessible name has a space before the comma.
    page.get_by_role("link", name=re.compile(r"^Autistic spectrum disorder\s*, age 5 to 10$")).click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Start a commissioning intention from this gap").is_visible()
    check(page, "needs-gap-detail")

    page.goto("/needs/gaps/11-15/all/")
    check(page, "needs-gap-detail-all-needs")


def test_the_feedback_pages_are_accessible(page, commissioner_northshire, planning_data):
    sign_in(page, commissioner_northshire)
    page.goto("/needs/feedback/")
    check(page, "needs-feedback-list")

    page.get_by_label("Primary need").select_option("ASD")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.get_by_text("We waited a year").is_visible()
    assert not page.get_by_text("The bus to college is always late").is_visible()
    assert page.get_by_text("1 item of feedback matching the filters").is_visible()

    page.goto("/needs/feedback/add/")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Save feedback").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Date received must be a real date").is_visible()
    assert page.get_by_role("link", name="Enter what was said").is_visible()
    check(page, "needs-feedback-form-errors")

    page.goto(f"/needs/feedback/{planning_data['feedback'].pk}/edit/")
    check(page, "needs-feedback-edit")


def test_the_empty_states_are_accessible(page, commissioner_southvale):
    sign_in(page, commissioner_southvale)
    for url, name in (
        ("/needs/capacity/", "capacity"),
        ("/needs/projections/", "projections"),
        ("/needs/projections/new/", "projection-form"),
        ("/needs/gaps/", "gaps"),
        ("/needs/feedback/", "feedback"),
    ):
        page.goto(url)
        check(page, f"needs-empty-{name}")


# Elements wider than the viewport that are not inside their own scrolling region (to say what overflowed).
WIDE_ELEMENTS_JS = (
    "Array.from(document.querySelectorAll('body *'))"
    ".filter(e => e.getBoundingClientRect().right > 322 && !e.closest('[role=region]'))"
    ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
)


def test_the_planning_pages_reflow_at_320_pixels(page, commissioner_northshire, planning_data):
    """Wide tables and charts scroll inside their own regions; the page itself never scrolls sideways."""
    sign_in(page, commissioner_northshire)
    page.set_viewport_size({"width": 320, "height": 800})
    for url in (
        "/needs/capacity/",
        "/needs/capacity/add/",
        "/needs/projections/",
        "/needs/projections/new/",
        f"/needs/projections/{planning_data['run'].pk}/",
        "/needs/gaps/",
        "/needs/gaps/5-10/ASD/",
        "/needs/feedback/",
        "/needs/feedback/add/",
    ):
        page.goto(url)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(WIDE_ELEMENTS_JS)
        assert scroll_width <= 320, f"{url} is {scroll_width}px wide: {wide}"
    screenshot(page, "needs-feedback-add-320")
