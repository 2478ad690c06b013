"""Gaps: projected demand minus commissioned capacity, by need and age band, with stable addresses."""

import pytest
from django.urls import reverse

from needs.analysis.gaps import (
    ALL,
    capacity_year_for,
    check_gap_codes,
    compute_gaps,
    gap_analysis_for,
    gap_detail_for,
    gap_statement,
    whole,
)
from needs.models import CommissionedCapacity, ProjectionRun

RESULTS = [
    {"year": 2025, "primary_need": "ASD", "age_band": "5-10", "value": 120.4},
    {"year": 2025, "primary_need": "SEMH", "age_band": "5-10", "value": 40.5},
    {"year": 2025, "primary_need": "ASD", "age_band": "11-15", "value": 30.0},
    {"year": 2026, "primary_need": "ASD", "age_band": "5-10", "value": 130.0},
    {"year": 2026, "primary_need": "SEMH", "age_band": "5-10", "value": 44.0},
    {"year": 2026, "primary_need": "ASD", "age_band": "11-15", "value": 31.0},
]


def rows_by_key(rows):
    return {(row.age_band, row.need): row for row in rows}


# ---------------------------------------------------------------------------------------------------------
# The computation (pure)


def test_gap_is_projected_demand_minus_places_by_need_and_band():
    capacity = {("ASD", "5-10"): 100, ("SEMH", "5-10"): 50, ("", "5-10"): 15, ("MLD", "11-15"): 4}
    rows = rows_by_key(compute_gaps(results=RESULTS, target_year=2025, capacity=capacity))
    asd = rows[("5-10", "ASD")]
    assert (asd.projected_whole, asd.capacity, asd.gap) == (120, 100, 20)
    assert asd.is_shortfall and asd.status == "Shortfall" and asd.gap_text == "+20"
    semh = rows[("5-10", "SEMH")]
    assert (semh.projected_whole, semh.capacity, semh.gap) == (41, 50, -9)  # 40.5 rounds half up
    assert semh.is_surplus and semh.spare == 9 and semh.gap_text == "-9"
    # The band's total: demand 160.9 -> 161; places 100 + 50 + 15 any-need places.
    total = rows[("5-10", ALL)]
    assert (total.projected_whole, total.capacity, total.any_need_capacity, total.gap) == (161, 165, 15, -4)
    # Any-need places are never assigned to a need.
    assert ("5-10", "") not in rows
    # Places for a need with no projected demand still show, with no gap worked out.
    mld = rows[("11-15", "MLD")]
    assert (mld.projected, mld.capacity, mld.gap, mld.status) == (None, 4, None, "No projection")
    assert rows[("11-15", ALL)].capacity == 4
    # Bands with neither demand nor places are left out.
    assert not [key for key in rows if key[0] in ("0-4", "16-19", "20-25")]


def test_each_gap_has_a_stable_address():
    row = compute_gaps(results=RESULTS, target_year=2025, capacity={})[0]
    assert row.url == "/needs/gaps/5-10/ASD/"
    assert row.reference == "5-10/ASD"
    assert reverse("needs:gap_detail", args=["5-10", "all"]) == "/needs/gaps/5-10/all/"


@pytest.mark.parametrize(("value", "expected"), [(2.5, 3), (3.5, 4), (2.49, 2), (0.5, 1), (None, None)])
def test_figures_round_to_whole_children_halves_up(value, expected):
    assert whole(value) == expected


@pytest.mark.parametrize(("band", "need"), [("5-9", "ASD"), ("5-10", "XYZ"), ("all", "ASD"), ("5-10", "")])
def test_bad_codes_are_not_gaps(band, need):
    from django.http import Http404

    with pytest.raises(Http404):
        check_gap_codes(band, need)


def test_the_statement_explains_capacity_and_any_need_places():
    statement = gap_statement(
        area_name="Northshire", run_label="‘Trend’ (run 1)", target_year=2026, capacity_year=2024
    )
    assert statement.startswith(
        "Gap = projected demand minus commissioned capacity, for Northshire in 2026/27"
    )
    assert "No capacity is recorded for 2026/27, so the places recorded for 2024/25" in statement
    assert "Places recorded with no primary need are ‘any need’ places" in statement
    assert "not towards any one need" in statement
    none = gap_statement(area_name="Northshire", run_label="x", target_year=2026, capacity_year=None)
    assert "No commissioned capacity has been recorded for 2026/27 or any year before it" in none


# ---------------------------------------------------------------------------------------------------------
# Reads


@pytest.fixture
def run(commissioner_northshire):
    return ProjectionRun.objects.create(
        organisation=commissioner_northshire.organisation,
        method="trend",
        base_year=2024,
        horizon=2,
        parameters={"base_year": 2024, "horizon": 2, "trend_years": 5},
        inputs={
            "area_code": "E06000998",
            "area_name": "Northshire",
            "base_year": 2024,
            "plans_by_need": {"ASD": {"5-10": 110, "11-15": 28}, "SEMH": {"5-10": 38}},
            "plans_history": {"5-10": {"2022": 130, "2024": 148}},
            "population_year": 2024,
            "population_by_band": {"5-10": 20000},
            "derived": {"shares": {"5-10": {"ASD": 0.75, "SEMH": 0.25}}},
        },
        results=RESULTS,
        method_statement="Trend extrapolation for Northshire.",
        created_by=commissioner_northshire,
    )


def places(user, year, band, places_, need="", setting="state_special"):
    return CommissionedCapacity.objects.create(
        organisation=user.organisation,
        year=year,
        age_band=band,
        primary_need=need,
        setting=setting,
        places=places_,
        entered_by=user,
    )


def test_capacity_is_the_target_years_or_else_the_latest_before_it(
    commissioner_northshire, commissioner_southvale
):
    places(commissioner_northshire, 2024, "5-10", 10, "ASD")
    places(commissioner_northshire, 2026, "5-10", 12, "ASD")
    places(commissioner_southvale, 2025, "5-10", 99, "ASD")  # another council's: never counted
    assert capacity_year_for(commissioner_northshire, 2025) == 2024
    assert capacity_year_for(commissioner_northshire, 2026) == 2026
    assert capacity_year_for(commissioner_northshire, 2023) is None


def test_the_analysis_defaults_to_the_latest_run_and_its_last_year(run, commissioner_northshire):
    places(commissioner_northshire, 2024, "5-10", 100, "ASD")
    places(commissioner_northshire, 2024, "5-10", 5, "ASD", setting="resourced")
    places(commissioner_northshire, 2024, "5-10", 15)
    analysis = gap_analysis_for(commissioner_northshire)
    assert analysis.run == run
    assert (analysis.target_year, analysis.capacity_year, analysis.years) == (2026, 2024, [2025, 2026])
    rows = rows_by_key(analysis.rows)
    assert (rows[("5-10", "ASD")].capacity, rows[("5-10", "ASD")].gap) == (105, 25)  # settings add up
    assert rows[("5-10", ALL)].capacity == 120
    assert [row.need for row in analysis.shortfalls] == ["ASD", "SEMH", "ASD"]
    # Another year of the run, asked for; a year it does not project falls back to its last.
    assert gap_analysis_for(commissioner_northshire, year="2025").target_year == 2025
    assert gap_analysis_for(commissioner_northshire, year="2031").target_year == 2026
    assert gap_analysis_for(commissioner_northshire, year="soon").target_year == 2026


def test_another_councils_run_is_not_found(run, commissioner_southvale):
    from django.http import Http404

    with pytest.raises(Http404):
        gap_analysis_for(commissioner_southvale, run_id=str(run.pk))
    with pytest.raises(Http404):
        gap_analysis_for(commissioner_southvale, run_id="abc")
    assert gap_analysis_for(commissioner_southvale).run is None


def test_a_gap_detail_carries_its_evidence_series_and_places(run, commissioner_northshire):
    counted = places(commissioner_northshire, 2024, "5-10", 100, "ASD")
    places(commissioner_northshire, 2024, "5-10", 30, "SEMH")
    places(commissioner_northshire, 2026, "5-10", 110, "ASD")
    detail = gap_detail_for(commissioner_northshire, age_band="5-10", need="ASD", year="2025")
    assert detail.row.gap == 20  # 120 projected, 100 places in 2024/25
    assert detail.capacity_rows == [counted]
    assert detail.series == [
        {"year": 2025, "label": "2025/26", "projected": 120.4, "capacity": 100},
        {"year": 2026, "label": "2026/27", "projected": 130.0, "capacity": 110},
    ]
    assert detail.evidence["base_plans"] == 110
    assert detail.evidence["share_pct"] == 75
    assert [point["plans"] for point in detail.evidence["history"]] == [130, 148]
    assert detail.intention_url == "/commissioning/intentions/new/?gap=5-10/ASD"
    all_needs = gap_detail_for(commissioner_northshire, age_band="5-10", need="all", year="2025")
    assert all_needs.evidence["base_plans"] == 148
    assert all_needs.row.capacity == 130


def test_contracted_places_replace_entered_ones_cell_by_cell(run, commissioner_northshire):
    """Places from contracts for a year replace the hand-entered places of the same need, age band and
    setting; other cells keep their entered places; a year with no contracted places uses entered ones."""
    places(commissioner_northshire, 2024, "5-10", 100, "ASD")
    places(commissioner_northshire, 2024, "5-10", 5, "ASD", setting="resourced")
    contracted = places(commissioner_northshire, 2026, "5-10", 60, "ASD")
    contracted.basis = "contracted"
    contracted.save()
    analysis = gap_analysis_for(commissioner_northshire)  # 2026: contracted places count
    asd = rows_by_key(analysis.rows)[("5-10", "ASD")]
    assert (asd.capacity, asd.contracted_capacity, asd.basis_text) == (65, 60, "60 from contracts, 5 entered")
    assert analysis.capacity_year == 2026
    assert "from contracts and placement agreements" in analysis.statement
    earlier = gap_analysis_for(commissioner_northshire, year="2025")  # no contracted places in 2025
    asd = rows_by_key(earlier.rows)[("5-10", "ASD")]
    assert (asd.capacity, asd.basis_text, earlier.capacity_year) == (105, "Entered", 2024)
    detail = gap_detail_for(commissioner_northshire, age_band="5-10", need="ASD")
    assert {(row.basis, row.places) for row in detail.capacity_rows} == {("contracted", 60), ("entered", 5)}
    assert [point["capacity"] for point in detail.series] == [105, 65]


def test_the_gap_detail_shows_where_places_come_from(client, run, commissioner_northshire):
    contracted = places(commissioner_northshire, 2026, "5-10", 60, "ASD")
    contracted.basis = "contracted"
    contracted.save()
    places(commissioner_northshire, 2024, "5-10", 5, "ASD", setting="resourced")
    client.force_login(commissioner_northshire)
    html = client.get("/needs/gaps/5-10/ASD/").content.decode()
    assert "From contracts" in html and "Entered" in html


# ---------------------------------------------------------------------------------------------------------
# Pages


@pytest.mark.parametrize("url", ["/needs/gaps/5-9/ASD/", "/needs/gaps/5-10/XYZ/", "/needs/gaps/5-10/asd/"])
def test_a_gap_with_a_bad_code_is_not_found(client, commissioner_northshire, run, url):
    client.force_login(commissioner_northshire)
    assert client.get(url).status_code == 404


def test_the_gap_list_shows_shortfalls_in_words(client, commissioner_northshire, run):
    places(commissioner_northshire, 2025, "5-10", 100, "ASD")
    client.force_login(commissioner_northshire)
    response = client.get(reverse("needs:gap_list"), {"run": run.pk, "year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Shortfall of 20" in html
    assert f'href="/needs/gaps/5-10/ASD/?run={run.pk}&amp;year=2025"' in html
    assert "Projected demand and places by age band, 2025/26" in html  # the chart and its table
    assert "3 shortfalls by need and age band" in html


def test_a_gap_links_to_starting_a_commissioning_intention_from_it(client, commissioner_northshire, run):
    """The gap's stable reference travels to the Plan stage, which starts an intention with its evidence."""
    client.force_login(commissioner_northshire)
    html = client.get("/needs/gaps/5-10/ASD/").content.decode()
    assert 'href="/commissioning/intentions/new/?gap=5-10/ASD"' in html
    assert "Start a commissioning intention from this gap" in html


def test_the_gap_detail_without_a_projection_says_so(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.get("/needs/gaps/0-4/all/")
    assert response.status_code == 200
    assert "No projection has been run yet" in response.content.decode()
