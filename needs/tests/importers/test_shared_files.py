"""The real published files in /work/shared/data parse unchanged, and hand-checked cells come out right."""

import csv
import math

import pytest

from needs.importers import OBSERVATION_COLUMNS, parse_file

from .support import AGE_CASELOAD, SEN_NEEDS, TRAFFORD, cell, shared


@pytest.fixture(scope="module")
def sen_needs():
    return parse_file(shared(SEN_NEEDS), file_name="ehcp2025_sen_needs_all_plans_first6000.csv")


@pytest.fixture(scope="module")
def age_caseload():
    return parse_file(shared(AGE_CASELOAD), file_name="ehcp2022_sen2_age_caseload.csv")


@pytest.fixture(scope="module")
def trafford():
    return parse_file(
        shared(TRAFFORD), file_name="trafford_mid-2024_population_estimates_all_geographies_syoa.csv"
    )


def _markers_in(path, first_indicator: str) -> int:
    """Count marker cells with the csv module, independently of the parser."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        start = header.index(first_indicator)
        return sum(1 for row in reader for value in row[start:] if value in {"c", "x", "z", "u", "low"})


class TestSenNeedsAllPlans2025:
    def test_is_recognised_as_ees_with_its_series_and_title(self, sen_needs):
        """The 2025 file is EES tidy data; its series drops the release prefix and the _first6000 suffix."""
        assert sen_needs.source == "ees"
        assert sen_needs.layout == "EES tidy data"
        assert sen_needs.series == "sen_needs_all_plans"
        assert sen_needs.title == "sen_needs_all_plans.csv: EHC plans, 2024/25"
        assert sen_needs.time_identifier == "Academic year"
        assert sen_needs.periods == [2024]
        assert sen_needs.geographic_levels == ["national", "regional", "local_authority"]

    def test_filters_and_indicators_are_told_apart_without_a_meta_file(self, sen_needs):
        """breakdown_topic and breakdown are filters; the 27 number and percentage columns are indicators."""
        assert sen_needs.filters == ["breakdown_topic", "breakdown"]
        assert len(sen_needs.indicators) == 27
        assert sen_needs.indicators[:2] == ["ehc_plans", "number_asd"]
        assert sen_needs.indicators[-1] == "unknown_pc"

    def test_every_cell_becomes_an_observation(self, sen_needs):
        """6,000 rows × 27 indicators, no markers in this extract, columns exactly as the loader expects."""
        assert sen_needs.row_count == 6000
        assert len(sen_needs.observations) == 6000 * 27
        assert list(sen_needs.observations.columns) == OBSERVATION_COLUMNS
        assert sen_needs.suppressed_count == _markers_in(shared(SEN_NEEDS), "ehc_plans") == 0

    def test_england_all_plans_and_by_need(self, sen_needs):
        """England 2024/25: 638,745 plans; 201,183 with ASD as primary need (31.5%)."""
        obs = sen_needs.observations
        england = obs[(obs.area_code == "E92000001") & (obs.breakdown == "") & (obs.setting == "")]
        england = england[england.age_min.isna()]
        total = cell(england, measure="ehc_plans", primary_need="")
        assert (total.value, total.year, total.time_period, total.indicator) == (
            638745,
            2024,
            202425,
            "ehc_plans",
        )
        assert total.marker == ""
        assert cell(england, measure="ehc_plans", primary_need="ASD").value == 201183
        assert cell(england, measure="ehc_plans", primary_need="UNKNOWN").indicator == "number_need_unknown"
        assert cell(england, measure="ehc_plans_pct", primary_need="ASD").value == 31.5
        assert cell(england, measure="ehc_plans_pct", primary_need="SPLD").indicator == "spld_pc"

    def test_breakdowns_become_ages_settings_and_characteristics(self, sen_needs):
        """'under 3' is ages 0–2, 'age 10' is 10; Type of placement goes to setting; Sex stays a breakdown."""
        obs = sen_needs.observations
        england = obs[(obs.area_code == "E92000001") & (obs.indicator == "ehc_plans")]
        under_3 = england[(england.age_min == 0) & (england.age_max == 2)]
        assert len(under_3) == 1 and under_3.iloc[0].value == 533
        assert england[(england.age_min == 10) & (england.age_max == 10)].iloc[0].value == 41405
        special = cell(england, setting="Special - LA maintained")
        assert (special.value, special.breakdown_topic, special.breakdown) == (85920, "", "")
        female = cell(england, breakdown_topic="Sex", breakdown="Female")
        assert female.value == 187502 and female.setting == ""
        assert cell(england, breakdown_topic="Years EHC plan in place", breakdown="3").value == 60306

    def test_areas_have_their_parents(self, sen_needs):
        """Regions hang off England; local authorities off their region, with their old DfE code."""
        areas = {area.code: area for area in sen_needs.areas}
        assert areas["E92000001"].level == "national" and areas["E92000001"].parent_code == ""
        assert areas["E12000004"].name == "East Midlands"
        assert areas["E12000004"].parent_code == "E92000001"
        derbyshire = areas["E10000007"]
        assert (derbyshire.name, derbyshire.level, derbyshire.parent_code, derbyshire.old_la_code) == (
            "Derbyshire",
            "local_authority",
            "E12000004",
            "830",
        )
        assert set(sen_needs.observations.area_code.unique()) <= set(areas)
        assert sum(area.level == "regional" for area in sen_needs.areas) == 9


class TestAgeCaseload2022:
    def test_older_layout_is_read(self, age_caseload):
        """old_la_code before new_la_code, "" for empty codes, calendar years 2010 to 2022."""
        assert age_caseload.series == "sen2_age_caseload"
        assert age_caseload.time_identifier == "Calendar year"
        assert age_caseload.periods == list(range(2010, 2023))
        assert age_caseload.filters == ["characteristic_age"]
        assert age_caseload.indicators == [
            "Total_st",
            "Total_st_pc",
            "Total_ehc",
            "Total_ehc_pc",
            "Total_all",
            "Total_all_pc",
        ]
        assert age_caseload.row_count == 11814
        assert len(age_caseload.observations) == 11814 * 6

    def test_hand_picked_cells(self, age_caseload):
        """England 2022: Under 5 EHC plans 18,054; all ages 473,255; 2010 statements 228,221."""
        obs = age_caseload.observations
        england = obs[obs.area_code == "E92000001"]
        under_5 = cell(england, year=2022, indicator="Total_ehc", age_min=0, age_max=4)
        assert (under_5.value, under_5.measure, under_5.time_period) == (18054, "ehc_plans", 2022)
        assert cell(england, year=2022, indicator="Total_ehc", age_min=None).value == 473255
        assert (
            cell(england, year=2022, indicator="Total_ehc_pc", age_min=5, age_max=10).measure
            == "ehc_plans_pct"
        )
        statements = cell(england, year=2010, indicator="Total_st", age_min=None)
        assert (statements.value, statements.measure) == (228221, "statements")
        both = cell(england, year=2015, indicator="Total_all", age_min=None)
        assert (both.value, both.measure) == (240183, "plans_and_statements")
        assert cell(england, year=2022, indicator="Total_all_pc", age_min=20, age_max=25).value == 7.24958

    def test_z_stays_a_marker_not_a_zero(self, age_caseload):
        """Statements in 2022 are 'z' (not applicable): marker z, value NaN, never 0."""
        obs = age_caseload.observations
        z = cell(obs[obs.area_code == "E92000001"], year=2022, indicator="Total_st", age_min=None)
        assert z.marker == "z" and math.isnan(z.value)
        assert not (obs[obs.marker != ""].value.notna()).any()
        assert age_caseload.suppressed_count == _markers_in(shared(AGE_CASELOAD), "Total_st") == 17142

    def test_local_authorities_with_changed_codes(self, age_caseload):
        """Gateshead's GSS code changed (E08000020 -> E08000037): both are areas with old code 390."""
        areas = {area.code: area for area in age_caseload.areas}
        assert areas["E08000009"].name == "Trafford"
        assert areas["E08000009"].parent_code == "E12000002"
        assert areas["E08000009"].old_la_code == "358"
        assert areas["E08000020"].old_la_code == areas["E08000037"].old_la_code == "390"
        assert areas["E12000001"].parent_code == "E92000001"
        trafford = age_caseload.observations
        trafford = trafford[(trafford.area_code == "E08000009") & (trafford.year == 2022)]
        assert cell(trafford, indicator="Total_ehc", age_min=0, age_max=4).value == 69


class TestTraffordPopulation:
    def test_is_recognised_as_wide_population(self, trafford):
        assert trafford.source == "population"
        assert trafford.layout == "ONS population, one column per age"
        assert trafford.series == "population_estimates_all_geographies_syoa"
        assert trafford.time_identifier == "Mid-year"
        assert trafford.periods == [2024]
        assert trafford.geographic_levels == ["local_authority", "ward", "msoa", "lsoa", "output_area"]
        assert trafford.filters == ["sex"]
        assert trafford.indicators[0] == "0" and trafford.indicators[-1] == "90+"

    def test_single_years_only(self, trafford):
        """2,781 rows × 91 single years (0 … 89, 90+); the aggregate columns are not observations."""
        assert trafford.row_count == 2781
        assert len(trafford.observations) == 2781 * 91
        assert trafford.suppressed_count == 0
        assert not trafford.observations.indicator.isin(["all_ages", "aged_0_to_15"]).any()
        assert any("all_ages" in warning for warning in trafford.warnings)

    def test_hand_picked_cells(self, trafford):
        """Trafford mid-2024: 2,169 people aged 0 (1,030 female); 2,191 aged 90 and over."""
        obs = trafford.observations
        la = obs[obs.area_code == "E08000009"]
        persons_0 = cell(la, indicator="0", breakdown="")
        assert (persons_0.value, persons_0.year, persons_0.time_period) == (2169, 2024, 2024)
        assert (persons_0.age_min, persons_0.age_max, persons_0.measure) == (0, 0, "population")
        female_0 = cell(la, indicator="0", breakdown="Female")
        assert (female_0.value, female_0.breakdown_topic) == (1030, "Sex")
        over_90 = cell(la, indicator="90+", breakdown="")
        assert (over_90.value, over_90.age_min, over_90.age_max) == (2191, 90, 120)
        ward = cell(obs[obs.area_code == "E05015239"], indicator="0", breakdown="")
        assert ward.value == 125
        # the people of all ages add up to the published all_ages figure
        assert la[la.breakdown == ""].value.sum() == 241025

    def test_small_areas_belong_to_the_local_authority(self, trafford):
        areas = {area.code: area for area in trafford.areas}
        assert len(areas) == 927
        assert areas["E08000009"].level == "local_authority" and areas["E08000009"].parent_code == ""
        altrincham = areas["E05015239"]
        assert (altrincham.name, altrincham.level, altrincham.parent_code) == (
            "Altrincham",
            "ward",
            "E08000009",
        )
        levels = {area.level for area in trafford.areas}
        assert levels == {"local_authority", "ward", "msoa", "lsoa", "output_area"}
        assert all(
            area.parent_code == "E08000009" for area in trafford.areas if area.level != "local_authority"
        )
        assert any("only local authority" in warning for warning in trafford.warnings)
