"""The translation tables: indicator names, filter labels, ages, time periods and series names."""

import pytest

from needs.importers.naming import series_for
from needs.importers.periods import check_period, year_in_text
from needs.importers.semantics import age_range, measure_for, translate_filters
from needs.vocabulary import Measure


@pytest.mark.parametrize(
    ("column", "series", "expected"),
    [
        ("ehc_plans", "sen_needs_all_plans", ("ehc_plans", "", "")),
        ("number_asd", "sen_needs_all_plans", ("ehc_plans", "ASD", "")),
        ("number_spld", "sen_needs_all_plans", ("ehc_plans", "SPLD", "")),
        ("number_need_unknown", "sen_needs_all_plans", ("ehc_plans", "UNKNOWN", "")),
        ("semh_pc", "sen_needs_all_plans", ("ehc_plans_pct", "SEMH", "")),
        ("unknown_pc", "sen_needs_all_plans", ("ehc_plans_pct", "UNKNOWN", "")),
        ("Total_ehc", "sen2_age_caseload", ("ehc_plans", "", "")),
        ("Total_ehc_pc", "sen2_age_caseload", ("ehc_plans_pct", "", "")),
        ("Total_st", "sen2_age_caseload", ("statements", "", "")),
        ("Total_st_pc", "sen2_age_caseload", ("statements_pct", "", "")),
        ("Total_all", "sen2_age_caseload", ("plans_and_statements", "", "")),
        ("Total_all_pc", "sen2_age_caseload", ("plans_and_statements_pct", "", "")),
        ("new_ehc_plans", "newplans", ("new_ehc_plans", "", "")),
        ("ehc_plans", "sen_need_newplans", ("new_ehc_plans", "", "")),
        ("number_vi", "sen_need_newplans", ("new_ehc_plans", "VI", "")),
        ("vi_pc", "sen_need_newplans", ("vi_pc", "VI", "")),
        ("ehcplans", "caseload", ("ehc_plans", "", "")),
        ("fe_total", "caseload", ("ehc_plans", "", "FE - total")),
        ("fe_total_pc", "caseload", ("ehc_plans_pct", "", "FE - total")),
        ("fe_total", "newplans", ("new_ehc_plans", "", "FE - total")),
        ("neet", "requests", ("neet", "", "")),  # placement columns only in the files that use them so
        ("PC_plans_issued_20_weeks_ex", "timeliness_20_week", ("within_20_weeks_pct", "", "")),
        ("sen_support", "sen_phase_type", ("sen_support", "", "")),
        ("Requests_Received_In_Year", "requests", ("requests_received_in_year", "", "")),
    ],
)
def test_indicator_columns(column, series, expected):
    assert measure_for(column, series) == expected


def test_every_mapped_measure_is_a_measure():
    codes = {measure.value for measure in Measure}
    for column in ("ehc_plans", "number_asd", "asd_pc", "total_st", "new_ehc_plans", "sen_support"):
        assert measure_for(column, "x")[0] in codes


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("age 10", (10, 10)),
        ("Age 10", (10, 10)),
        ("10", (10, 10)),
        ("under 3", (0, 2)),
        ("Under 5", (0, 4)),
        ("Under 1", (0, 0)),
        ("Age 5 to 10", (5, 10)),
        ("5-10", (5, 10)),
        ("Aged 16 to 19", (16, 19)),
        ("90+", (90, 120)),
        ("25 and over", (25, 120)),
        ("Total", None),
        ("Less than a year", None),
        ("10 to 5", None),
    ],
)
def test_ages(label, expected):
    assert age_range(label) == expected


def test_filters_translate_to_codes():
    meaning = translate_filters([("Child or young persons age", "Age 5 to 10")])
    assert (meaning.age_min, meaning.age_max, meaning.breakdown_topic) == (5, 10, "")
    meaning = translate_filters([("Type of placement", "Special - independent")])
    assert (meaning.setting, meaning.breakdown) == ("Special - independent", "")
    meaning = translate_filters([("All EHC plans", "All EHC plans")])
    assert (meaning.breakdown_topic, meaning.breakdown, meaning.age_min) == ("", "", None)
    meaning = translate_filters([("Sex", "Males")])
    assert (meaning.breakdown_topic, meaning.breakdown) == ("Sex", "Male")
    meaning = translate_filters([("Primary need", "Speech, Language and Communication Needs")])
    assert meaning.primary_need == "SLCN"
    meaning = translate_filters([("Age when plan started", "age 4")])
    assert (meaning.age_min, meaning.breakdown_topic, meaning.breakdown) == (
        None,
        "Age when plan started",
        "age 4",
    )
    meaning = translate_filters([("Ethnicity", "Total"), ("Age", "Total")])
    assert (meaning.breakdown, meaning.age_min) == ("", None)
    meaning = translate_filters([("Characteristic", "Girls", ("sex",))])
    assert (meaning.breakdown_topic, meaning.breakdown) == ("Sex", "Female")


@pytest.mark.parametrize(
    ("period", "identifier", "expected"),
    [
        ("202425", "Academic year", (2024, 202425)),
        ("199900", "Academic year", (1999, 199900)),
        ("2022", "Calendar year", (2022, 2022)),
        ("202324", "Financial year", (2023, 202324)),
        ("202324", "Spring term", (2023, 202324)),
        ("2024", "January", (2024, 2024)),
        ("2024", "Reporting year", (2024, 2024)),
    ],
)
def test_time_periods(period, identifier, expected):
    start, code, error = check_period(period, identifier)
    assert (start, code, error) == (*expected, "")


@pytest.mark.parametrize(
    ("file_name", "series"),
    [
        ("ehcp2025_sen_needs_all_plans_first6000.csv", "sen_needs_all_plans"),
        ("ehcp2022_sen2_age_caseload.csv", "sen2_age_caseload"),
        ("sen2_age_caseload.csv", "sen2_age_caseload"),
        (
            "trafford_mid-2024_population_estimates_all_geographies_syoa.csv",
            "population_estimates_all_geographies_syoa",
        ),
        ("sen_needs_all_plans (1).csv", "sen_needs_all_plans"),
        ("SEN_Needs_All_Plans_2025.xlsx", "sen_needs_all_plans"),
        ("C:\\Downloads\\caseload.csv", "caseload"),
        ("2024.csv", "2024"),
    ],
)
def test_series_names(file_name, series):
    assert series_for(file_name) == series


def test_years_in_text():
    assert [year_in_text(text) for text in ("2024-06-30", "mid-2024", "30/06/2024", "2024", "soon")] == [
        2024,
        2024,
        2024,
        2024,
        None,
    ]
