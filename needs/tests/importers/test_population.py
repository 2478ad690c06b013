"""ONS population estimates, one column per age (wide) or one row per age (long)."""

import math

import pytest

from needs.importers import parse_file

from .support import TRAFFORD, cell, parse_text, refused, shared

WIDE_HEADER = (
    "period,area_code,area_name,geography,sex,all_ages," + ",".join(str(age) for age in range(90)) + ",90+"
)


def wide_row(period, code, name, geography, sex, first_ages: list[str]) -> str:
    ages = first_ages + ["1"] * (91 - len(first_ages))
    return ",".join([period, code, name, geography, sex, "999", *ages])


class TestWide:
    def test_a_slice_of_the_trafford_file(self):
        """The Trafford file's first rows (Trafford and a ward), read straight from the shared file."""
        with open(shared(TRAFFORD), encoding="utf-8") as handle:
            lines = [next(handle) for _ in range(7)]
        parsed = parse_text(
            "".join(lines), file_name="trafford_mid-2024_population_estimates_all_geographies_syoa.csv"
        )
        assert parsed.row_count == 6 and len(parsed.observations) == 6 * 91
        assert cell(parsed.observations, area_code="E08000009", indicator="5", breakdown="").value == 3159

    def test_sexes_and_geographies(self):
        text = (
            "\n".join(
                [
                    WIDE_HEADER,
                    wide_row("2023-06-30", "E08000009", "Trafford", "Local authority", "Persons", ["10"]),
                    wide_row("2023-06-30", "E08000009", "Trafford", "Local authority", "Females", ["4"]),
                    wide_row("2023-06-30", "E08000009", "Trafford", "Local authority", "Males", ["6"]),
                    wide_row("2023-06-30", "E02001000", "Trafford 001", "MSOA", "Persons", ["x"]),
                    wide_row("2023-06-30", "E00030000", "E00030000", "Output area", "Persons", ["2"]),
                ]
            )
            + "\n"
        )
        parsed = parse_text(text, file_name="population_2023.csv")
        obs = parsed.observations
        assert parsed.periods == [2023] and parsed.title == "population.csv: Population, mid-2023"
        assert parsed.series == "population"
        assert cell(obs, area_code="E08000009", indicator="0", breakdown="").value == 10
        female = cell(obs, area_code="E08000009", indicator="0", breakdown="Female")
        assert (female.breakdown_topic, female.value) == ("Sex", 4)
        msoa = cell(obs, area_code="E02001000", indicator="0")
        assert msoa.marker == "x" and math.isnan(msoa.value)
        assert parsed.suppressed_count == 1
        levels = {area.code: (area.level, area.parent_code) for area in parsed.areas}
        assert levels == {
            "E08000009": ("local_authority", ""),
            "E02001000": ("msoa", "E08000009"),
            "E00030000": ("output_area", "E08000009"),
        }
        assert "all_ages" not in set(obs.indicator)

    def test_small_areas_of_several_authorities_are_left_without_a_parent(self):
        text = "\n".join(
            [
                WIDE_HEADER,
                wide_row("2024-06-30", "E08000009", "Trafford", "Local authority", "Persons", []),
                wide_row("2024-06-30", "E08000003", "Manchester", "Local authority", "Persons", []),
                wide_row("2024-06-30", "E05015239", "Altrincham", "Ward", "Persons", []),
            ]
        )
        parsed = parse_text(text)
        assert {area.code: area.parent_code for area in parsed.areas}["E05015239"] == ""
        assert any("does not say which local authority" in warning for warning in parsed.warnings)

    def test_a_ward_code_on_a_local_authority_row_is_refused(self):
        text = "\n".join(
            [WIDE_HEADER, wide_row("2024-06-30", "E05015239", "Altrincham", "Local authority", "Persons", [])]
        )
        problem = refused(text).problems[0]
        assert str(problem) == (
            "Row 2, column 'area_code': 'E05015239' is not the ONS code of a local authority (it is the code "
            "of a ward). Use the area’s 9-character ONS code, such as E08000009 for Trafford."
        )

    def test_an_unknown_geography_and_sex_and_a_bad_figure(self):
        text = "\n".join(
            [
                WIDE_HEADER,
                wide_row("2024-06-30", "E04000001", "Somewhere", "Parish", "Persons", []),
                wide_row("2024-06-30", "E08000009", "Trafford", "Local authority", "Cats", ["lots"]),
            ]
        )
        problems = [(p.row, p.column) for p in refused(text).problems]
        assert problems == [(2, "geography"), (3, "sex"), (3, "0")]

    def test_a_period_that_is_not_a_date(self):
        text = "\n".join(
            [WIDE_HEADER, wide_row("last year", "E08000009", "Trafford", "Local authority", "Persons", [])]
        )
        problem = refused(text).problems[0]
        assert (problem.row, problem.column) == (2, "period")
        assert problem.message.startswith("'last year' is not a date or a year.")

    def test_chosen_as_population(self):
        parsed = parse_file(shared(TRAFFORD), file_name="trafford.csv", source="population")
        assert parsed.layout == "ONS population, one column per age"


class TestLong:
    def test_long_file_with_a_year_column(self):
        text = (
            "ladcode,laname,year,sex,age,population\n"
            "E08000009,Trafford,2022,1,0,1100\n"
            "E08000009,Trafford,2022,2,0,1000\n"
            "E08000009,Trafford,2022,Persons,90+,2000\n"
            "E08000009,Trafford,2022,Persons,All ages,240000\n"
            "E08000009,Trafford,2023,Persons,5,c\n"
        )
        parsed = parse_text(text, file_name="mye_long.csv")
        assert parsed.layout == "ONS population, long"
        assert parsed.periods == [2022, 2023]
        assert parsed.indicators == ["population"] and parsed.filters == ["sex"]
        obs = parsed.observations
        male = cell(obs, value=1100)
        assert (male.breakdown_topic, male.breakdown, male.age_min, male.age_max) == ("Sex", "Male", 0, 0)
        assert cell(obs, value=1000).breakdown == "Female"
        assert (cell(obs, value=2000).age_min, cell(obs, value=2000).age_max) == (90, 120)
        assert cell(obs, value=240000).age_min is None
        assert cell(obs, year=2023).marker == "c"
        assert parsed.areas[0].level == "local_authority"  # from the code, with no geography column
        assert parsed.title == "mye_long.csv: Population, mid-2022 to mid-2023"

    def test_the_year_can_come_from_the_file_name(self):
        parsed = parse_text("code,age,value\nE05015239,7,120\n", file_name="wards_mid-2021.csv")
        row = parsed.observations.iloc[0]
        assert (row.year, row.time_period, row.age_min, row.value) == (2021, 2021, 7, 120)
        assert parsed.areas[0].level == "ward"
        assert any("no period column" in warning for warning in parsed.warnings)

    def test_the_year_can_come_from_the_value_column(self):
        parsed = parse_text("area_code,age,population_2020\nE08000009,7,120\n", file_name="pop.csv")
        assert parsed.periods == [2020]

    def test_no_year_anywhere_is_refused(self):
        problem = refused("area_code,age,population\nE08000009,7,120\n", file_name="pop.csv").problems[0]
        assert problem.row == 1
        assert problem.message.startswith(
            "the file has no period column and its name does not say which year"
        )

    @pytest.mark.parametrize(
        ("line", "column", "message"),
        [
            ("E08000009,seven,5", "age", "'seven' is not an age."),
            ("E0800009,7,5", "area_code", "'E0800009' is not an ONS area code this service recognises."),
            ("E08000009,7,5.5.5", "population", "'5.5.5' is not a number or a suppression marker"),
            (",7,5", "area_code", "enter the area’s ONS code"),
        ],
    )
    def test_bad_cells(self, line, column, message):
        problem = refused(f"area_code,age,population\n{line}\n", file_name="pop_2024.csv").problems[0]
        assert (problem.row, problem.column) == (2, column)
        assert problem.message.startswith(message)
