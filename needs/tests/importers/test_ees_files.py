"""EES tidy data: the same content, however it is written (BOM, quotes, CRLF, column order, XLSX), reads
the same; meta files decide filters and indicators; other publications' columns are understood."""

import csv
import io
import math

import pandas as pd
import pytest
from openpyxl import Workbook

from needs.importers import ImportRefused, parse_file

from .support import (
    ENGLAND,
    NORTH_WEST,
    TRAFFORD_LA,
    as_file,
    cell,
    ees_csv,
    fixture,
    parse_text,
    refused,
)

SLICE = "ehcp2025_sen_needs_all_plans_slice.csv"
META = "ehcp2025_sen_needs_all_plans_slice.meta.csv"
OLD_SLICE = "ehcp2022_sen2_age_caseload_slice.csv"


def sorted_observations(parsed) -> pd.DataFrame:
    frame = parsed.observations.copy()
    frame["age_min"] = frame["age_min"].astype("Int64")
    frame["age_max"] = frame["age_max"].astype("Int64")
    keys = ["area_code", "indicator", "time_period", "breakdown_topic", "breakdown", "setting", "age_min"]
    return frame.sort_values(keys, na_position="first").reset_index(drop=True)


def rows_of(name: str) -> list[list[str]]:
    with open(fixture(name), encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_csv(rows, *, bom=False, crlf=False, quote_all=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        lineterminator="\r\n" if crlf else "\n",
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def baseline():
    return parse_file(fixture(SLICE), file_name=SLICE)


class TestSameContentSameObservations:
    def test_the_slice_parses(self, baseline):
        assert baseline.row_count == 54
        assert len(baseline.observations) == 54 * 27
        assert baseline.series == "sen_needs_all_plans_slice"
        england = baseline.observations[baseline.observations.area_code == "E92000001"]
        assert cell(england, indicator="ehc_plans", breakdown="", setting="", age_min=None).value == 638745

    @pytest.mark.parametrize(
        "options",
        [
            {"bom": False, "crlf": False, "quote_all": False},
            {"bom": True, "crlf": False, "quote_all": False},
            {"bom": False, "crlf": True, "quote_all": False},
            {"bom": True, "crlf": True, "quote_all": True},
            {"bom": False, "crlf": False, "quote_all": True},
        ],
        ids=["plain", "bom", "crlf", "bom-crlf-quoted", "quoted"],
    )
    def test_bom_quotes_and_line_endings_do_not_matter(self, baseline, options):
        """With or without a byte-order mark, quoted headers and values, CRLF or LF: same observations."""
        parsed = parse_text(write_csv(rows_of(SLICE), **options), file_name=SLICE)
        pd.testing.assert_frame_equal(sorted_observations(parsed), sorted_observations(baseline))
        assert parsed.filters == baseline.filters and parsed.indicators == baseline.indicators

    def test_column_order_does_not_matter(self, baseline):
        """Geography, filter and indicator columns in another order (indicators reversed, la_name first)."""
        rows = rows_of(SLICE)
        header = rows[0]
        order = [header.index("la_name"), *[i for i in range(len(header)) if header[i] != "la_name"]]
        indicators = order[13:][::-1]
        order = order[:13] + indicators
        reordered = [[row[i] for i in order] for row in rows]
        parsed = parse_text(write_csv(reordered), file_name=SLICE)
        pd.testing.assert_frame_equal(sorted_observations(parsed), sorted_observations(baseline))
        assert {area.code: area for area in parsed.areas} == {area.code: area for area in baseline.areas}

    def test_a_latin1_file_is_read_as_windows_1252(self):
        """A CSV saved by older Excel (Windows-1252) is read, with a warning."""
        text = ees_csv(
            "",
            "ehc_plans",
            "202425,Academic year,Local authority,E92000001,England,E12000002,"
            "North West,E08000009,358,Trafford – café,5",
        )
        parsed = parse_text(text.encode("cp1252"))
        assert parsed.areas[-1].name == "Trafford – café"
        assert any("Windows-1252" in warning for warning in parsed.warnings)

    def test_a_workbook_gives_the_same_observations_as_the_csv(self, baseline, tmp_path):
        """The slice saved as XLSX, numbers as numbers (time_period too), reads the same as the CSV."""
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Data"
        for number, row in enumerate(rows_of(SLICE)):
            if number == 0:
                sheet.append(row)
                continue
            sheet.append([_as_excel(value) for value in row])
        workbook.create_sheet("Notes").append(["Source: DfE"])
        path = tmp_path / "sen_needs_all_plans_slice.xlsx"
        workbook.save(path)
        parsed = parse_file(path, file_name=path.name)
        pd.testing.assert_frame_equal(sorted_observations(parsed), sorted_observations(baseline))
        assert parsed.row_count == baseline.row_count
        assert any("first sheet" in warning for warning in parsed.warnings)

    def test_a_workbook_names_its_sheet_rows_in_problems(self, tmp_path):
        """A problem in a workbook gives the sheet row, counting the blank row left above it."""
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(
            [
                "time_period",
                "time_identifier",
                "geographic_level",
                "country_code",
                "country_name",
                "ehc_plans",
            ]
        )
        sheet.append([202425, "Academic year", "National", "E92000001", "England", 5])
        sheet.append([])
        sheet.append([202425, "Academic year", "National", "E92000001", "England", "lots"])
        path = tmp_path / "book.xlsx"
        workbook.save(path)
        with pytest.raises(ImportRefused) as caught:
            parse_file(path, file_name="book.xlsx")
        assert str(caught.value.problems[0]).startswith("Row 4, column 'ehc_plans': 'lots' is not a number")


def _as_excel(value: str):
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number


class TestMetaFiles:
    def test_meta_file_decides_filters_and_indicators(self, baseline):
        """With the meta file (breakdown grouped by breakdown_topic) the result is the same as inferred."""
        parsed = parse_file(fixture(SLICE), file_name=SLICE, meta_file=fixture(META))
        assert parsed.filters == ["breakdown_topic", "breakdown"]
        assert len(parsed.indicators) == 27
        pd.testing.assert_frame_equal(sorted_observations(parsed), sorted_observations(baseline))
        assert not any("No .meta.csv" in warning for warning in parsed.warnings)

    def test_meta_file_as_an_open_binary_file(self, baseline):
        with open(fixture(META), "rb") as meta, open(fixture(SLICE), "rb") as data:
            parsed = parse_file(data, file_name=SLICE, meta_file=meta)
            assert data.tell() == 0  # left where the next reader expects it
        assert len(parsed.observations) == len(baseline.observations)

    def test_meta_file_can_make_a_numeric_looking_column_a_filter(self):
        """Without a meta file a column of year numbers looks like an indicator; the meta file says filter."""
        data = ees_csv("", "plan_year,ehc_plans", f"{ENGLAND},2019,5", f"{ENGLAND},2020,7")
        meta = "col_name,col_type,label\nplan_year,Filter,Year plan started\nehc_plans,Indicator,EHC plans\n"
        inferred = parse_text(data)
        assert inferred.indicators == ["plan_year", "ehc_plans"]
        parsed = parse_text(data, meta_file=as_file(meta))
        assert parsed.filters == ["plan_year"] and parsed.indicators == ["ehc_plans"]
        row = cell(parsed.observations, breakdown="2020")
        assert (row.breakdown_topic, row.value, row.measure) == ("Year plan started", 7, "ehc_plans")

    def test_meta_file_listing_breakdown_topic_as_its_own_filter(self, baseline):
        rows = rows_of(META)
        rows.insert(1, ["breakdown_topic", "Filter", "Breakdown topic", "", "", "", "", ""])
        rows[2][-1] = ""
        parsed = parse_file(fixture(SLICE), file_name=SLICE, meta_file=as_file(write_csv(rows)))
        pd.testing.assert_frame_equal(sorted_observations(parsed), sorted_observations(baseline))

    def test_meta_file_describing_a_missing_column_is_refused(self):
        meta = "col_name,col_type,label\nehc_plans,Indicator,EHC plans\nnumber_asd,Indicator,ASD\n"
        problem = refused(ees_csv("", "ehc_plans", f"{ENGLAND},5"), meta_file=as_file(meta)).problems[0]
        assert (problem.row, problem.column) == (3, "col_name")
        assert "describes a column 'number_asd', but the data file has no such column" in problem.message

    def test_meta_file_with_a_wrong_column_type_is_refused(self):
        meta = "col_name,col_type,label\nehc_plans,Measure,EHC plans\n"
        problem = refused(ees_csv("", "ehc_plans", f"{ENGLAND},5"), meta_file=as_file(meta)).problems[0]
        assert str(problem) == (
            "Row 2, column 'col_type': in the .meta.csv file, 'Measure' is not a column type. "
            "Use Filter or Indicator."
        )

    def test_meta_file_that_is_not_a_meta_file(self):
        problem = refused(ees_csv("", "ehc_plans", f"{ENGLAND},5"), meta_file=as_file("a,b\n1,2\n")).problems[
            0
        ]
        assert "must have the columns col_name and col_type" in problem.message


class TestOtherEesFiles:
    def test_old_la_code_is_used_when_there_is_no_new_code(self):
        parsed = parse_text(
            ees_csv(
                "",
                "ehc_plans",
                "2012,Calendar year,Local authority,E92000001,England,E12000002,North West,,358,Trafford,5",
            )
        )
        assert parsed.observations.area_code.tolist() == ["358"]
        area = parsed.areas[-1]
        assert (area.code, area.old_la_code, area.parent_code, area.level) == (
            "358",
            "358",
            "E12000002",
            "local_authority",
        )
        assert any("old_la_code is used" in warning for warning in parsed.warnings)

    def test_other_geography_columns_are_not_filters(self):
        """lad_code, pcon_code, … are geography; rows at levels not stored are left out with a warning."""
        text = (
            "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
            "new_la_code,old_la_code,la_name,lad_code,lad_name,pcon_code,pcon_name,school_type,headcount\n"
            "202425,Academic year,National,E92000001,England,,,,,,,,,,Total,100\n"
            "202425,Academic year,Local authority district,E92000001,England,E12000002,North West,,,,"
            "E08000009,Trafford,,,Total,10\n"
            "202425,Academic year,Parliamentary constituency,E92000001,England,,,,,,,,E14001000,Altrincham,"
            "Total,3\n"
            "202425,Academic year,National,E92000001,England,,,,,,,,,,Special,4\n"
        )
        parsed = parse_text(text, file_name="spc_pupils.csv")
        assert parsed.filters == ["school_type"] and parsed.indicators == ["headcount"]
        assert parsed.row_count == 4
        assert parsed.observations.value.tolist() == [100, 4]
        assert parsed.observations.breakdown.tolist() == ["", "Special"]
        assert parsed.observations.breakdown_topic.tolist() == ["", "school_type"]
        assert parsed.geographic_levels == ["national"]
        assert any("Local authority district, Parliamentary constituency" in w for w in parsed.warnings)

    def test_financial_years_and_a_filter_per_characteristic(self):
        """Age, sex and primary-need filter columns of another publication are read as such."""
        financial = NORTH_WEST.replace("202425,Academic year", "202324,Financial year")
        parsed = parse_text(
            ees_csv(
                "age,sex,primary_need",
                "pupils",
                f"{financial},Total,Total,Total,100",
                f"{financial},Age 5 to 10,Girls,Autistic Spectrum Disorder,7",
                f"{financial},10,Total,Ethnic minority,3",
            ),
            file_name="sen_phase_type_2024.csv",
        )
        assert parsed.series == "sen_phase_type"
        assert parsed.time_identifier == "Financial year" and parsed.periods == [2023]
        obs = parsed.observations
        assert cell(obs, value=100).breakdown == "" and cell(obs, value=100).age_min is None
        girls = cell(obs, value=7)
        assert (girls.age_min, girls.age_max, girls.primary_need) == (5, 10, "ASD")
        assert (girls.breakdown_topic, girls.breakdown) == ("Sex", "Female")
        unknown_need = cell(obs, value=3)
        assert (unknown_need.age_min, unknown_need.breakdown_topic, unknown_need.breakdown) == (
            10,
            "primary_need",
            "Ethnic minority",
        )
        assert obs.measure.tolist() == ["pupils"] * 3  # not a measure the service knows: kept by name

    def test_new_plans_files_count_new_plans(self):
        """In sen_need_newplans.csv, ehc_plans and number_asd are new plans in the calendar year."""
        parsed = parse_text(
            ees_csv(
                "breakdown_topic,breakdown",
                "ehc_plans,number_asd,asd_pc",
                "2024,Calendar year,National,E92000001,England,,,,,,All EHC plans,All EHC plans,"
                "86000,28000,32.6",
            ),
            file_name="ehcp2025_sen_need_newplans.csv",
        )
        obs = parsed.observations
        assert parsed.series == "sen_need_newplans"
        assert cell(obs, indicator="ehc_plans").measure == "new_ehc_plans"
        assert (
            cell(obs, indicator="number_asd").measure,
            cell(obs, indicator="number_asd").primary_need,
        ) == ("new_ehc_plans", "ASD")
        assert (cell(obs, indicator="asd_pc").measure, cell(obs, indicator="asd_pc").primary_need) == (
            "asd_pc",
            "ASD",
        )
        assert parsed.title == "sen_need_newplans.csv: New EHC plans issued, 2024"

    def test_caseload_placement_columns_become_settings(self):
        parsed = parse_text(
            ees_csv(
                "breakdown_topic,breakdown",
                "ehcplans,special_la_maintained,special_la_maintained_pc,w_settings",
                f"{TRAFFORD_LA},Sex,Female,800,200,25,x",
            ),
            file_name="caseload.csv",
        )
        obs = parsed.observations
        special = cell(obs, indicator="special_la_maintained")
        assert (special.measure, special.setting, special.breakdown) == (
            "ehc_plans",
            "Special - LA maintained",
            "Female",
        )
        assert cell(obs, indicator="special_la_maintained_pc").measure == "ehc_plans_pct"
        assert cell(obs, indicator="ehcplans").setting == ""
        welsh = cell(obs, indicator="w_settings")
        assert welsh.marker == "x" and math.isnan(welsh.value) and parsed.suppressed_count == 1

    def test_timeliness_headline_is_within_20_weeks(self):
        parsed = parse_text(
            ees_csv(
                "breakdown_topic,breakdown",
                "PC_plans_issued_20_weeks_ex,pc_plans_issued_within_20_weeks",
                "2024,Calendar year,National,E92000001,England,,,,,,Total,Total,46.4,44.9",
            ),
            file_name="timeliness_20_week.csv",
        )
        obs = parsed.observations
        assert cell(obs, indicator="PC_plans_issued_20_weeks_ex").measure == "within_20_weeks_pct"
        assert (
            cell(obs, indicator="pc_plans_issued_within_20_weeks").measure
            == "pc_plans_issued_within_20_weeks"
        )

    def test_every_marker_is_kept_and_capitals_are_read(self):
        markers = ["c", "x", "z", "u", "low", "..", ":", "~", "n/a", "C", "N/A"]
        rows = [f"{ENGLAND},{index},{marker}" for index, marker in enumerate(markers)]
        parsed = parse_text(ees_csv("group_id", "number_pupils", *rows))
        obs = parsed.observations
        assert obs.marker.tolist() == ["c", "x", "z", "u", "low", "..", ":", "~", "n/a", "c", "n/a"]
        assert obs.value.isna().all()
        assert parsed.suppressed_count == len(markers)

    def test_an_entirely_suppressed_column_named_like_an_indicator_is_an_indicator(self):
        parsed = parse_text(
            ees_csv("", "ehc_plans,number_hi,oth_pc", f"{ENGLAND},5,c,c", f"{NORTH_WEST},4,c,x")
        )
        assert parsed.indicators == ["ehc_plans", "number_hi", "oth_pc"] and parsed.filters == []
        assert parsed.suppressed_count == 4

    def test_thousands_separators_blanks_and_repeated_rows(self):
        parsed = parse_text(
            ees_csv(
                "",
                "ehc_plans,number_asd",
                f'{ENGLAND},"638,745",',
                f"{NORTH_WEST},100,20",
                f"{NORTH_WEST},101,21",
            )
        )
        obs = parsed.observations
        assert cell(obs, area_code="E92000001").value == 638745
        assert len(obs) == 3  # the blank cell and the repeated row are left out
        assert cell(obs, area_code="E12000002", indicator="ehc_plans").value == 100
        assert any("were empty and were left out" in warning for warning in parsed.warnings)
        assert any("rows repeat the area" in warning and "rows 4" in warning for warning in parsed.warnings)

    def test_a_wide_file_with_many_filters_combines_their_breakdowns(self):
        parsed = parse_text(
            ees_csv(
                "phase_type_grouping,ethnicity_major",
                "number_of_pupils",
                f"{ENGLAND},Primary,White,10",
                f"{ENGLAND},Total,Total,30",
            )
        )
        obs = parsed.observations
        both = cell(obs, value=10)
        assert (both.breakdown_topic, both.breakdown) == (
            "phase_type_grouping; ethnicity_major",
            "Primary; White",
        )
        assert cell(obs, value=30).breakdown == ""
