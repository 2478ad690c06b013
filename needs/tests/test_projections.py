"""Projections: the reads they start from, the maths (worked out by hand), and the method statements."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from needs.analysis.inputs import (
    InputsMissing,
    ProjectionInputs,
    available_base_years,
    projection_inputs_for,
    year_label,
)
from needs.analysis.projections import (
    PREVALENCE,
    TREND,
    linear_fit,
    prevalence_projection,
    project_population,
    run_projection,
    trend_projection,
)
from needs.models import Dataset
from needs.services.imports import dataset_import_file
from needs.vocabulary import AGE_BANDS

from .factories import add_observations, make_dataset, obs, standard_areas

DEMO = Path(__file__).resolve().parents[2] / "dashboard" / "demo" / "data"


def value_of(results, year, need, band):
    matches = [
        r["value"] for r in results if (r["year"], r["primary_need"], r["age_band"]) == (year, need, band)
    ]
    assert len(matches) == 1, f"{year} {need} {band}: {matches}"
    return matches[0]


def simple_inputs(**overrides) -> ProjectionInputs:
    """People aged a in mid-2024: 100 + a. So 0-4: 510, 5-10: 645, 11-15: 665, 16-19: 470, 20-25: 735."""
    population = {age: 100.0 + age for age in range(26)}
    fields = {
        "area_code": "E06000998",
        "area_name": "Northshire",
        "base_year": 2024,
        "plans_by_need": {"ASD": {"0-4": 51.0, "5-10": 129.0}, "SEMH": {"5-10": 64.5, "20-25": 73.5}},
        "plans_history": {band.code: {} for band in AGE_BANDS},
        "population_year": 2024,
        "population_by_age": population,
        "population_by_band": {"0-4": 510.0, "5-10": 645.0, "11-15": 665.0, "16-19": 470.0, "20-25": 735.0},
    }
    fields.update(overrides)
    return ProjectionInputs(**fields)


# ---------------------------------------------------------------------------------------------------------
# Prevalence * population (pure)


def test_cohort_ageing_moves_each_age_up_a_year_keeps_the_youngest_and_drops_those_past_25():
    population = project_population(simple_inputs(), last_year=2026)
    # 2025: age 0 keeps 100; ages 1-4 are last year's 0-3 (100, 101, 102, 103): 100+100+101+102+103.
    assert population.by_band[2025]["0-4"] == 506
    # 2026: 100, 100, 100, 101, 102.
    assert population.by_band[2026]["0-4"] == 503
    # 2025, 5-10: last year's ages 4-9 (104..109).
    assert population.by_band[2025]["5-10"] == 639
    # 2025, 20-25: last year's 19-24 (119..124); last year's 25-year-olds (125) have left.
    assert population.by_band[2025]["20-25"] == 729
    assert population.source == {2024: "published", 2025: "aged", 2026: "aged"}


def test_prevalence_times_projected_population_by_hand():
    projection = prevalence_projection(simple_inputs(), horizon=2)
    # ASD 0-4: prevalence 51 / 510 = 0.1; 2025 population 506 -> 50.6; 2026: 503 -> 50.3.
    assert value_of(projection.results, 2025, "ASD", "0-4") == pytest.approx(50.6)
    assert value_of(projection.results, 2026, "ASD", "0-4") == pytest.approx(50.3)
    # ASD 5-10: 129 / 645 = 0.2; 2025 population 639 -> 127.8.
    assert value_of(projection.results, 2025, "ASD", "5-10") == pytest.approx(127.8)
    # SEMH 20-25: 73.5 / 735 = 0.1; 2025 population 729 -> 72.9.
    assert value_of(projection.results, 2025, "SEMH", "20-25") == pytest.approx(72.9)
    assert {r["year"] for r in projection.results} == {2025, 2026}
    assert projection.derived["prevalence"]["ASD"]["0-4"] == pytest.approx(0.1)
    assert projection.parameters == {"base_year": 2024, "horizon": 2, "prevalence_change_pct": 0.0}


def test_an_annual_change_in_prevalence_compounds():
    projection = prevalence_projection(simple_inputs(), horizon=2, prevalence_change_pct=10)
    # 0.1 * 1.1 * 506 = 55.66; 0.1 * 1.21 * 503 = 60.863.
    assert value_of(projection.results, 2025, "ASD", "0-4") == pytest.approx(55.66)
    assert value_of(projection.results, 2026, "ASD", "0-4") == pytest.approx(60.863)
    assert "changes by +10% a year, compounded" in projection.method_statement


def test_results_are_stored_unrounded():
    projection = prevalence_projection(simple_inputs(), horizon=1)
    assert value_of(projection.results, 2025, "ASD", "0-4") == pytest.approx(50.6)
    assert not float(value_of(projection.results, 2025, "ASD", "0-4")).is_integer()


def test_published_population_for_future_years_replaces_cohort_ageing_and_is_said():
    future = {2025: {age: 200.0 for age in range(26)}}
    projection = prevalence_projection(simple_inputs(population_future=future), horizon=2)
    # 2025 uses the imported figures: 0-4 is 5 * 200 = 1,000 people; ASD 0-4 = 0.1 * 1,000.
    assert value_of(projection.results, 2025, "ASD", "0-4") == pytest.approx(100)
    # 2026 ages 2025's figures forward: still 200 at every age.
    assert value_of(projection.results, 2026, "ASD", "0-4") == pytest.approx(100)
    assert "Population figures were imported for mid-2025" in projection.method_statement
    assert projection.derived["population_source"] == {
        "2024": "published",
        "2025": "published",
        "2026": "aged",
    }


def test_without_single_ages_each_band_is_held_and_the_statement_says_so():
    inputs = simple_inputs(population_by_age={})
    projection = prevalence_projection(inputs, horizon=1)
    assert value_of(projection.results, 2025, "ASD", "0-4") == pytest.approx(51)
    assert "each age band is held at its mid-2024 level" in projection.method_statement


def test_the_prevalence_method_statement_states_the_method():
    statement = prevalence_projection(simple_inputs(), horizon=5).method_statement
    assert statement.startswith(
        "Prevalence × population projection for Northshire (E06000998), from 2024/25 to 2029/30."
    )
    for words in (
        "the number of children and young people with an EHC plan in 2024/25 divided by the population",
        "each single-year cohort moves up one year of age each year",
        "the number aged 0 stays at its mid-2024 count",
        "people older than 25 leave the count",
        "Migration, births and deaths are not modelled",
        "Projected EHC plans = prevalence × projected population",
        "Prevalence is held at its 2024/25 level",
        "rounded to whole children",
    ):
        assert words in statement


def test_an_earlier_population_year_is_aged_to_the_base_year_and_said():
    inputs = simple_inputs(population_year=2023)
    projection = prevalence_projection(inputs, horizon=1)
    # Base-year (2024) population 0-4 is 2023's aged a year: 506, so ASD prevalence is 51 / 506.
    assert projection.derived["prevalence"]["ASD"]["0-4"] == pytest.approx(51 / 506)
    assert "The population year is mid-2023, the latest before the base year" in projection.method_statement


@pytest.mark.parametrize("horizon", [0, 11])
def test_the_horizon_must_be_1_to_10(horizon):
    with pytest.raises(ValueError, match="between 1 and 10"):
        prevalence_projection(simple_inputs(), horizon=horizon)


# ---------------------------------------------------------------------------------------------------------
# Trend extrapolation (pure)


def test_least_squares_by_hand():
    # Points (2020,100) (2021,110) (2022,120) (2024,150): mean x 2021.75, mean y 120,
    # Sxy = 110, Sxx = 8.75, slope = 88/7.
    slope, intercept = linear_fit([(2020, 100), (2021, 110), (2022, 120), (2024, 150)])
    assert slope == pytest.approx(88 / 7)
    assert intercept + slope * 2025 == pytest.approx(1126 / 7)


def test_a_linear_fit_needs_two_different_years():
    with pytest.raises(ValueError):
        linear_fit([(2024, 5), (2024, 7)])


def trend_inputs(**overrides):
    history = {band.code: {} for band in AGE_BANDS}
    history["5-10"] = {2019: 999.0, 2020: 100.0, 2021: 110.0, 2022: 120.0, 2024: 150.0}
    history["16-19"] = {2023: 20.0, 2024: 10.0}
    return simple_inputs(
        plans_history=history,
        plans_by_need={"ASD": {"5-10": 60.0, "16-19": 5.0}, "SEMH": {"5-10": 20.0, "16-19": 5.0}},
        **overrides,
    )


def test_the_trend_uses_the_last_n_years_and_splits_by_base_year_shares():
    projection = trend_projection(trend_inputs(), horizon=2, trend_years=5)
    # Window 2020-2024 (2019's 999 is outside it; 2023 has no figure): 2025 total 1126/7.
    total_2025 = 1126 / 7
    # Shares in 2024 within 5-10: ASD 60/80 = 0.75, SEMH 0.25.
    assert value_of(projection.results, 2025, "ASD", "5-10") == pytest.approx(total_2025 * 0.75)
    assert value_of(projection.results, 2025, "SEMH", "5-10") == pytest.approx(total_2025 * 0.25)
    assert value_of(projection.results, 2026, "ASD", "5-10") == pytest.approx((total_2025 + 88 / 7) * 0.75)
    assert projection.derived["fits"]["5-10"]["years"] == [2020, 2021, 2022, 2024]
    assert projection.derived["shares"]["5-10"] == {"ASD": 0.75, "SEMH": 0.25}


def test_a_falling_trend_never_goes_below_zero_and_is_said():
    projection = trend_projection(trend_inputs(), horizon=2, trend_years=2)
    # 16-19: 20 then 10: -10 a year, so 0 in 2025 and -10 -> 0 in 2026.
    assert value_of(projection.results, 2025, "ASD", "16-19") == 0
    assert value_of(projection.results, 2026, "SEMH", "16-19") == 0
    assert "The line fell below zero for Age 16 to 19" in projection.method_statement
    # 5-10 has only 2024 in a two-year window (2023 has no figure): not projected, and said.
    assert not [r for r in projection.results if r["age_band"] == "5-10"]
    assert "Age 5 to 10 (figures for 1 of the 2 years)" in projection.method_statement


def test_the_trend_method_statement_states_the_method():
    statement = trend_projection(trend_inputs(), horizon=5, trend_years=5).method_statement
    assert statement.startswith("Trend extrapolation for Northshire (E06000998), from 2024/25 to 2029/30.")
    for words in (
        "a straight line is fitted by least squares to the number of EHC plans (all needs) in each of the "
        "last 5 years up to the base year (2020/21 to 2024/25)",
        "a projected figure below zero is set to zero",
        "Age 5 to 10: fitted to 4 years (2023/24 had no figure), a change of +12.6 plans a year.",
        "split between primary needs in the same shares as in 2024/25",
        "shares are held constant",
    ):
        assert words in statement


@pytest.mark.parametrize("years", [1, 21])
def test_the_trend_needs_2_to_20_years(years):
    with pytest.raises(ValueError):
        trend_projection(trend_inputs(), trend_years=years)


def test_run_projection_dispatches_on_the_method():
    assert run_projection(simple_inputs(), method=PREVALENCE, horizon=1).method == PREVALENCE
    assert run_projection(trend_inputs(), method=TREND, horizon=1).method == TREND
    with pytest.raises(ValueError):
        run_projection(simple_inputs(), method="guess")


def test_suppressed_figures_are_listed_in_the_method_statement():
    skipped = [
        {
            "measure": "ehc_plans",
            "year": 2024,
            "primary_need": "ASD",
            "age_min": 7,
            "age_max": 7,
            "marker": "c",
        },
        {
            "measure": "ehc_plans",
            "year": 2010,
            "primary_need": "",
            "age_min": 5,
            "age_max": 10,
            "marker": "x",
        },
    ]
    statement = prevalence_projection(simple_inputs(skipped=skipped), horizon=1).method_statement
    assert (
        "1 published figure was suppressed and skipped, not counted as zero: EHC plans, "
        "Autistic spectrum disorder, age 7, 2024/25 (marked ‘c’)"
    ) in statement
    assert "2010" not in statement  # not a figure this projection used
    assert "suppressed" not in prevalence_projection(simple_inputs(), horizon=1).method_statement


def test_inputs_survive_a_round_trip_through_json():
    inputs = trend_inputs(population_future={2026: {0: 1.0}})
    again = ProjectionInputs.from_dict(inputs.as_dict())
    assert again == inputs
    assert trend_projection(again).results == trend_projection(inputs).results


def test_year_labels_are_academic_years():
    assert year_label(2024) == "2024/25"
    assert year_label(2099) == "2099/00"


# ---------------------------------------------------------------------------------------------------------
# Reading the inputs


@pytest.fixture
def areas(db):
    return standard_areas()


def test_inputs_build_bands_from_single_ages_skip_suppressed_cells_and_ignore_other_totals(
    areas, commissioner_northshire, django_assert_num_queries
):
    england, _, northshire = areas
    dataset = make_dataset(imported_by=commissioner_northshire)
    rows = [
        obs(northshire, 2024, "ehc_plans", 10, primary_need="ASD", age=(age, age)) for age in range(5, 11)
    ]
    rows[2] = obs(northshire, 2024, "ehc_plans", None, primary_need="ASD", age=(7, 7), marker="c")
    rows += [
        # Ages "under 3", 3 and 4 make 0-4 without double counting.
        obs(northshire, 2024, "ehc_plans", 2, primary_need="ASD", age=(0, 2)),
        obs(northshire, 2024, "ehc_plans", 3, primary_need="ASD", age=(3, 3)),
        obs(northshire, 2024, "ehc_plans", 4, primary_need="ASD", age=(4, 4)),
        # A band whose only figure is suppressed has none at all (not zero).
        obs(northshire, 2024, "ehc_plans", None, primary_need="HI", age=(11, 15), marker="c"),
        obs(northshire, 2024, "ehc_plans", 7, primary_need="HI", age=(5, 10)),
        # Totals and other breakdowns that must not be added in.
        obs(northshire, 2024, "ehc_plans", 9999),
        obs(northshire, 2024, "ehc_plans", 9999, primary_need="ASD"),
        obs(northshire, 2024, "ehc_plans", 9999, primary_need="ASD", age=(5, 5), setting="state_special"),
        obs(northshire, 2024, "ehc_plans", 9999, primary_need="ASD", age=(5, 5), breakdown_topic="Sex"),
        obs(northshire, 2024, "ehc_plans", 9999, primary_need="ASD", age=(0, 25)),
        obs(england, 2024, "ehc_plans", 9999, primary_need="ASD", age=(5, 5)),
        # History by band, all needs.
        obs(northshire, 2021, "ehc_plans", 300, age=(5, 10)),
        obs(northshire, 2022, "ehc_plans", 320, age=(5, 10)),
        obs(northshire, 2022, "ehc_plans", None, age=(11, 15), marker="x"),
    ]
    rows += [obs(northshire, 2024, "population", 1000 + age, age=(age, age)) for age in range(26)]
    rows += [obs(northshire, 2024, "population", 9999, age=(5, 5), breakdown_topic="Sex", breakdown="Female")]
    rows += [obs(northshire, 2024, "population", 99999, age=(26, 90))]
    add_observations(dataset, rows)

    commissioner_northshire.has_perm("needs.view_analysis")  # the person's roles, loaded once per request
    with django_assert_num_queries(3):
        inputs = projection_inputs_for(commissioner_northshire, base_year=2024)

    assert inputs.area_code == "E06000998"
    assert inputs.plans_by_need["ASD"] == {"0-4": 9, "5-10": 50}  # age 7 suppressed and skipped
    assert inputs.plans_by_need["HI"] == {"5-10": 7}  # 11-15 suppressed: no figure, not 0
    # The base year's history comes from the needs (no all-needs figure by age that year).
    assert inputs.plans_history["5-10"] == {2021: 300, 2022: 320, 2024: 57}
    assert inputs.plans_history["11-15"] == {}
    assert inputs.population_year == 2024
    assert inputs.population_by_age[5] == 1005
    assert inputs.population_by_band["0-4"] == 1000 + 1001 + 1002 + 1003 + 1004
    skipped = {
        (s["year"], s["primary_need"], s["age_min"], s["age_max"], s["marker"]) for s in inputs.skipped
    }
    assert skipped == {(2024, "ASD", 7, 7, "c"), (2024, "HI", 11, 15, "c"), (2022, "", 11, 15, "x")}

    statement = prevalence_projection(inputs, horizon=1).method_statement
    assert "2 published figures were suppressed and skipped, not counted as zero" in statement
    assert "Autistic spectrum disorder, age 7, 2024/25 (marked ‘c’)" in statement


def test_the_most_recently_imported_dataset_wins_for_the_same_cell(areas, commissioner_northshire):
    _, _, northshire = areas
    older = make_dataset(imported_by=commissioner_northshire, imported_at=timezone.now() - timedelta(days=30))
    newer = make_dataset(imported_by=commissioner_northshire)
    add_observations(older, [obs(northshire, 2024, "ehc_plans", 40, primary_need="ASD", age=(5, 10))])
    add_observations(newer, [obs(northshire, 2024, "ehc_plans", 45, primary_need="ASD", age=(5, 10))])
    # A suppressed cell in the newest release is skipped, even where an older release had a number.
    add_observations(older, [obs(northshire, 2024, "ehc_plans", 8, primary_need="HI", age=(5, 10))])
    add_observations(
        newer, [obs(northshire, 2024, "ehc_plans", None, primary_need="HI", age=(5, 10), marker="c")]
    )
    inputs = projection_inputs_for(commissioner_northshire, base_year=2024)
    assert inputs.plans_by_need == {"ASD": {"5-10": 45}}


def test_another_councils_local_data_and_incomplete_datasets_are_not_read(
    areas, commissioner_northshire, southvale, commissioner_southvale
):
    _, _, northshire = areas
    public = make_dataset(imported_by=commissioner_northshire)
    add_observations(public, [obs(northshire, 2024, "ehc_plans", 10, primary_need="ASD", age=(5, 10))])
    theirs = make_dataset(imported_by=commissioner_southvale, organisation=southvale, series="local")
    add_observations(theirs, [obs(northshire, 2024, "ehc_plans", 500, primary_need="SEMH", age=(5, 10))])
    loading = make_dataset(imported_by=commissioner_northshire, status="importing")
    add_observations(loading, [obs(northshire, 2024, "ehc_plans", 500, primary_need="MLD", age=(5, 10))])
    inputs = projection_inputs_for(commissioner_northshire, base_year=2024)
    assert inputs.plans_by_need == {"ASD": {"5-10": 10}}


def test_missing_figures_raise_a_plain_english_reason(areas, commissioner_northshire, commissioner_southvale):
    with pytest.raises(InputsMissing, match="no EHC plan figures by primary need and age for Northshire"):
        projection_inputs_for(commissioner_northshire, base_year=2024)
    # Southvale has no area imported at all.
    with pytest.raises(InputsMissing, match="No needs data has been imported for your council's area"):
        projection_inputs_for(commissioner_southvale, base_year=2024)


def test_available_base_years_are_years_with_figures_by_need_and_age(areas, commissioner_northshire):
    _, _, northshire = areas
    dataset = make_dataset(imported_by=commissioner_northshire)
    add_observations(
        dataset,
        [
            obs(northshire, 2023, "ehc_plans", 10, primary_need="ASD", age=(5, 10)),
            obs(northshire, 2024, "ehc_plans", 10, primary_need="ASD", age=(5, 5)),
            obs(northshire, 2022, "ehc_plans", 10, age=(5, 10)),  # all needs: not a base year
            obs(northshire, 2021, "ehc_plans", None, primary_need="ASD", age=(5, 10), marker="c"),
        ],
    )
    assert available_base_years(commissioner_northshire) == [2024, 2023]


# ---------------------------------------------------------------------------------------------------------
# End to end on the demo files (as published: ages such as "under 3", bands before 2023, ONS population)


@pytest.fixture
def demo_data(areas, commissioner_northshire):
    for name, source in (
        ("ehcp2022_sen2_age_caseload.csv", "ees"),
        ("ehcp2025_sen_needs_all_plans.csv", "ees"),
        ("northshire_mid-2024_population_estimates_syoa.csv", "population"),
    ):
        dataset_import_file(
            file=DEMO / name,
            file_name=name,
            source=source,
            organisation=None,
            imported_by=commissioner_northshire,
        )
    return Dataset.objects.all()


def test_projections_from_the_demo_files(demo_data, commissioner_northshire):
    inputs = projection_inputs_for(commissioner_northshire, base_year=2024)
    assert inputs.population_year == 2024
    # Published: 2022 bands from the SEN2 caseload; 2024 from single ages by need.
    assert inputs.plans_history["5-10"][2022] == 844
    assert set(inputs.plans_history["5-10"]) >= {2018, 2019, 2020, 2021, 2022, 2024}
    # Ages 3 and 4 and "under 3" make up the under-5s for autism: 6 + 50 + 0.
    assert inputs.plans_by_need["ASD"]["0-4"] == 56
    total_2024 = sum(bands.get("5-10", 0) for bands in inputs.plans_by_need.values())
    assert inputs.plans_history["5-10"][2024] == pytest.approx(total_2024, rel=0.05)

    prevalence = prevalence_projection(inputs, horizon=5)
    trend = trend_projection(inputs, horizon=5, trend_years=5)
    for projection in (prevalence, trend):
        assert {r["year"] for r in projection.results} == set(range(2025, 2030))
        assert all(r["value"] >= 0 for r in projection.results)
    assert "Trend extrapolation for Northshire" in trend.method_statement
