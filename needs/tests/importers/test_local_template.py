"""The local data template: the download round-trips, and a council's figures are read and checked."""

import csv
import io
import math

import pytest

from needs.importers import LOCAL_TEMPLATE_COLUMNS, local_template_csv, parse_file
from needs.importers.local_template import EXAMPLE_ROWS

from .support import cell, parse_text, refused

HEADER = ",".join(LOCAL_TEMPLATE_COLUMNS)


def test_the_template_has_the_documented_columns_and_three_examples():
    rows = list(csv.reader(io.StringIO(local_template_csv())))
    assert (
        rows[0]
        == LOCAL_TEMPLATE_COLUMNS
        == [
            "time_period",
            "time_identifier",
            "geographic_level",
            "area_code",
            "area_name",
            "primary_need",
            "age_band",
            "setting",
            "measure",
            "value",
        ]
    )
    assert rows[1:] == EXAMPLE_ROWS and len(rows) == 4


def test_the_downloaded_template_parses_as_local_data():
    """local_template_csv() round-trips: what the page offers is what the importer reads."""
    parsed = parse_text(local_template_csv().encode("utf-8"), file_name="local_data_template.csv")
    assert parsed.source == "local" and parsed.layout == "Local data template"
    assert parsed.series == "local_data_template"
    assert parsed.time_identifier == "Academic year" and parsed.periods == [2024]
    assert parsed.geographic_levels == ["local_authority", "ward"]
    assert parsed.row_count == 3 and parsed.suppressed_count == 1
    obs = parsed.observations
    asd = cell(obs, primary_need="ASD")
    assert (asd.area_code, asd.age_min, asd.age_max, asd.setting, asd.measure, asd.value) == (
        "E05015239",
        5,
        10,
        "Mainstream school",
        "ehc_plans",
        14,
    )
    suppressed = cell(obs, primary_need="SEMH")
    assert suppressed.marker == "c" and math.isnan(suppressed.value)
    assert (suppressed.age_min, suppressed.age_max, suppressed.setting) == (11, 15, "")
    total = cell(obs, area_code="E08000009")
    assert (total.primary_need, total.age_min, total.value, total.indicator) == ("", None, 2630, "value")
    areas = {area.code: area for area in parsed.areas}
    assert areas["E05015239"].parent_code == "E08000009" and areas["E05015239"].name == "Altrincham"
    assert areas["E08000009"].level == "local_authority"


def test_the_template_saved_from_excel_as_a_workbook(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    for row in csv.reader(io.StringIO(local_template_csv())):
        workbook.active.append([int(v) if v.isdigit() else v for v in row])
    path = tmp_path / "local.xlsx"
    workbook.save(path)
    parsed = parse_file(path, file_name="local.xlsx", source="local")
    assert len(parsed.observations) == 3 and parsed.suppressed_count == 1


def test_codes_in_any_case_single_ages_and_optional_columns():
    text = (
        "time_period,time_identifier,geographic_level,area_code,primary_need,age_band,measure,value\n"
        "2024,Calendar year,ward,E05015239,semh,7,new_ehc_plans,3\n"
        "2024,Calendar year,Ward,E05015240,Autistic spectrum disorder,20-25,New EHC plans issued,4\n"
    )
    parsed = parse_text(text, file_name="new_plans_by_ward.csv", source="local")
    obs = parsed.observations
    assert cell(obs, value=3).primary_need == "SEMH"
    assert (cell(obs, value=3).age_min, cell(obs, value=3).age_max) == (7, 7)
    assert (cell(obs, value=4).primary_need, cell(obs, value=4).age_max, cell(obs, value=4).measure) == (
        "ASD",
        25,
        "new_ehc_plans",
    )
    assert all(area.parent_code == "" for area in parsed.areas)


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"primary_need": "AUT"}, "primary_need", "'AUT' is not a primary need code. Use one of ASD, HI,"),
        (
            {"age_band": "5-11"},
            "age_band",
            "'5-11' is not an age band. Use one of 0-4, 5-10, 11-15, 16-19, 20-25",
        ),
        ({"measure": "plans"}, "measure", "'plans' is not a measure. Use one of ehc_plans,"),
        ({"value": "twelve"}, "value", "'twelve' is not a number or a suppression marker"),
        ({"value": ""}, "value", "enter the figure, or a suppression marker"),
        ({"geographic_level": "Parish"}, "geographic_level", "'Parish' is not a geographic level."),
        (
            {"area_code": "E08000009"},
            "area_code",
            "'E08000009' is not the ONS code of a ward (it is the code of a local authority).",
        ),
        ({"time_period": "2024"}, "time_period", "'2024' does not fit the time identifier 'Academic year'"),
    ],
)
def test_each_bad_cell_is_named(change, column, message):
    row = dict(zip(LOCAL_TEMPLATE_COLUMNS, EXAMPLE_ROWS[0], strict=True))
    good = ",".join(EXAMPLE_ROWS[2])
    row.update(change)
    text = "\n".join([HEADER, good, ",".join(row[name] for name in LOCAL_TEMPLATE_COLUMNS)])
    problems = refused(text).problems
    assert [(p.row, p.column) for p in problems] == [(3, column)]
    assert problems[0].message.startswith(message)


def test_a_repeated_row_is_refused():
    text = "\n".join(
        [HEADER, ",".join(EXAMPLE_ROWS[0]), ",".join(EXAMPLE_ROWS[1]), ",".join(EXAMPLE_ROWS[0])]
    )
    problem = refused(text).problems[0]
    assert str(problem) == (
        "Row 4, column 'area_code': this row has the same area, period, measure, need, age band and "
        "setting as row 2. Delete one of them, or add them together."
    )


def test_a_column_that_is_not_in_the_template():
    text = HEADER + ",notes\n" + ",".join(EXAMPLE_ROWS[0]) + ",checked\n"
    problem = refused(text).problems[0]
    assert (problem.row, problem.column) == (1, "notes")


def test_a_missing_required_column():
    header = [name for name in LOCAL_TEMPLATE_COLUMNS if name != "time_identifier"]
    text = (
        ",".join(header)
        + "\n"
        + ",".join(
            v for n, v in zip(LOCAL_TEMPLATE_COLUMNS, EXAMPLE_ROWS[0], strict=True) if n != "time_identifier"
        )
    )
    problem = refused(text, source="local").problems[0]
    assert problem.row == 1 and "needs a column called 'time_identifier'" in problem.message
