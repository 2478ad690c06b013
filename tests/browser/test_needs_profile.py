"""The needs profile in a real browser: accessible with data and without, readable at 1200 and 320 pixels."""

import datetime

import pytest

from needs.models import Feedback, FeedbackSource, Sentiment
from needs.tests.factories import add_observations, make_area, make_dataset, obs, standard_areas
from needs.vocabulary import GeographicLevel

from .conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEED_SHARES = {
    "ASD": 0.27,
    "SEMH": 0.19,
    "SLCN": 0.2,
    "MLD": 0.11,
    "SLD": 0.05,
    "PD": 0.04,
    "SPLD": 0.03,
    "PMLD": 0.015,
    "HI": 0.014,
    "OTH": 0.012,
    "VI": 0.008,
    "MSI": 0.003,
}
PLACEMENTS = {
    "Mainstream - LA maintained": 0.2,
    "Mainstream - academy": 0.16,
    "Mainstream - academy (resourced provision)": 0.04,
    "Special - LA maintained": 0.2,
    "Special - Academy/free schools": 0.12,
    "Special - independent": 0.08,
    "FE - general FE and tertiary colleges": 0.1,
    "FE - specialist post-16 institutions": 0.03,
    "AP/PRU - total": 0.02,
    "Educated elsewhere - elective home education": 0.03,
    "Placement not recorded": 0.02,
}


def seed_profile(user):
    """Seven years of figures for Northshire, the North West and England, wards, and some feedback."""
    england, region, council = standard_areas()
    dataset = make_dataset(imported_by=user)
    rows = []
    sizes = {council: 2100, region: 52000, england: 430000}
    for year in range(2018, 2025):
        for area, base in sizes.items():
            plans = round(base * (1.09 ** (year - 2018)))
            rows.append(obs(area, year, "ehc_plans", plans))
            rows.append(obs(area, year, "new_ehc_plans", round(plans * 0.12)))
            rows.append(obs(area, year, "within_20_weeks_pct", 48 + (year % 5) * 3 + (area is council) * 4))
            if year == 2024:
                # Northshire has a little more autism and SEMH, and more special school places, than England.
                tilt = {council: 1.15, region: 1.0, england: 0.9}[area]
                rows += [
                    obs(
                        area,
                        year,
                        "ehc_plans",
                        round(plans * s * (tilt if n in ("ASD", "SEMH") else 1)),
                        primary_need=n,
                    )
                    for n, s in NEED_SHARES.items()
                ]
                rows += [
                    obs(
                        area,
                        year,
                        "ehc_plans",
                        round(plans * s * (tilt if p.startswith("Special") else 1)),
                        setting=p,
                    )
                    for p, s in PLACEMENTS.items()
                ]
                rows += [obs(area, year, "ehc_plans", round(plans * 0.007), age=(a, a)) for a in range(0, 5)]
                rows += [obs(area, year, "ehc_plans", round(plans * 0.05), age=(a, a)) for a in range(5, 11)]
                rows += [obs(area, year, "ehc_plans", round(plans * 0.06), age=(a, a)) for a in range(11, 16)]
                rows += [obs(area, year, "ehc_plans", round(plans * 0.04), age=(a, a)) for a in range(16, 20)]
                rows += [obs(area, year, "ehc_plans", round(plans * 0.01), age=(a, a)) for a in range(20, 26)]
            # About 1.1 people per plan at each age: 35 to 40 plans per 1,000, a little different by area.
            people = round(base * {council: 1.05, region: 1.1, england: 1.2}[area] * (1.01 ** (year - 2018)))
            rows += [obs(area, year, "population", people, age=(a, a)) for a in range(26)]
    rows.append(obs(council, 2024, "ehc_plans", None, primary_need="UNKNOWN", marker="x"))
    add_observations(dataset, rows)
    local = make_dataset(imported_by=user, organisation=user.organisation, source="local", series="wards")
    ward_rows = []
    for n, name in enumerate(
        ["Abbey", "Brookside", "Castle", "Dene Valley and Riverside", "Eastfield", "Fairholme"]
    ):
        ward = make_area(f"E0500000{n}", name, GeographicLevel.WARD, council)
        ward_rows.append(obs(ward, 2024, "ehc_plans", 620 - n * 70))
        ward_rows.append(obs(ward, 2024, "ehc_plans", 160 - n * 15, primary_need="ASD"))
        ward_rows.append(obs(ward, 2024, "ehc_plans", 110 - n * 9, primary_need="SEMH"))
    add_observations(local, ward_rows)
    for day, (area, sentiment, summary) in enumerate(
        [
            (
                "Speech and language therapy",
                Sentiment.NEGATIVE,
                "We waited eleven months for the assessment.",
            ),
            ("Speech and language therapy", Sentiment.POSITIVE, "The therapist really understood our son."),
            ("Short breaks", Sentiment.MIXED, "Good when it happens, but hard to book in the holidays."),
            ("Home to school transport", Sentiment.NEGATIVE, "The driver changed three times this term."),
        ],
        start=1,
    ):
        Feedback.objects.create(
            organisation=user.organisation,
            source=FeedbackSource.PARENT_CARER,
            received_on=datetime.date(2025, 2, day),
            service_area=area,
            summary=summary,
            sentiment=sentiment,
            recorded_by=user,
        )


def assert_no_page_scroll(page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width}px wide at {width}px"


def test_the_profile_with_data_is_accessible_and_readable(page, commissioner_northshire):
    seed_profile(commissioner_northshire)
    sign_in(page, commissioner_northshire)
    page.goto("/needs/")
    assert page.get_by_role("heading", name="Needs profile: Northshire", level=1).is_visible()
    assert page.get_by_role("img", name="EHC plans in Northshire, 2018/19 to 2024/25").is_visible()
    assert page.get_by_role("table", name="EHC plans by primary need, 2024/25: % of all plans").is_visible()
    screenshot(page, "needs-profile")
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/needs/")
    assert_no_page_scroll(page, 320)
    screenshot(page, "needs-profile-320")
    assert axe_violations(page) == []


def test_the_filters_work_by_keyboard(page, commissioner_northshire):
    seed_profile(commissioner_northshire)
    sign_in(page, commissioner_northshire)
    page.goto("/needs/")
    page.get_by_label("Primary need over time").select_option("ASD")
    page.get_by_role("button", name="Show figures").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/needs/?*need=ASD*")
    assert page.get_by_role(
        "img", name="EHC plans for autistic spectrum disorder in Northshire, 2024/25"
    ).is_visible()


def test_the_profile_with_no_data_is_accessible(page, commissioner_northshire):
    standard_areas()
    sign_in(page, commissioner_northshire)
    page.goto("/needs/")
    assert page.get_by_text("No EHC plan data has been imported for Northshire yet.").is_visible()
    assert page.get_by_role(
        "link", name="Import the DfE ‘Education, health and care plans’ files"
    ).first.is_visible()
    screenshot(page, "needs-profile-empty")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/needs/")
    assert_no_page_scroll(page, 320)
