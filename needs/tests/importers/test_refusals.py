"""Files that cannot be imported are refused whole, with problems that name the row and the column.

These tests use no database: if a parser ever touched it, pytest-django would fail the test."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from needs.importers import MAX_PROBLEMS, ImportRefused, parse_file

from .support import ENGLAND, NORTH_WEST, TRAFFORD_LA, as_file, ees_csv, fixture, refused, shared

MARKERS = "(c, x, z, u, low, .., :, ~, n/a)"


def only(refusal: ImportRefused):
    assert len(refusal.problems) == 1, [str(problem) for problem in refusal.problems]
    return refusal.problems[0]


class TestNotATable:
    def test_a_pdf_renamed_csv(self):
        problem = only(
            refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", file_name="a.csv")
        )
        assert (problem.row, problem.column) == (None, None)
        assert problem.message.startswith("The file is a PDF document, not a spreadsheet.")

    def test_binary_data_renamed_csv(self):
        problem = only(refused(bytes(range(256)) * 20, file_name="data.csv"))
        assert "holds binary data, not text" in problem.message

    def test_binary_data_without_zero_bytes(self):
        noise = bytes((index * 37 + 11) % 31 + 1 for index in range(4000))
        assert "holds binary data" in only(refused(noise)).message

    def test_an_html_page(self):
        page = "<!DOCTYPE html>\n<html><head><title>Error</title></head><body>Not found</body></html>"
        assert "is a web page (HTML), not a CSV file" in only(refused(page)).message

    def test_json(self):
        assert "is JSON, not a CSV file" in only(refused('{"releases": []}')).message

    def test_a_zip_of_csv_files(self):
        """An EES download is a ZIP: say to unzip it."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("data/sen_needs_all_plans.csv", "a,b\n1,2\n")
        assert (
            "Unzip it and import the CSV data file"
            in only(refused(buffer.getvalue(), file_name="x.zip")).message
        )

    def test_an_old_xls_workbook(self):
        message = only(
            refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, file_name="old.xls")
        ).message
        assert "old-style Excel workbook (.xls)" in message

    def test_text_named_xlsx_is_not_a_workbook(self):
        message = only(refused(ees_csv("", "ehc_plans", f"{ENGLAND},5"), file_name="plans.xlsx")).message
        assert message.startswith("The file is called plans.xlsx but it is not an Excel workbook.")

    def test_a_damaged_workbook(self):
        data = b"PK\x03\x04" + b"\x14\x00" * 200
        assert "is not a real Excel workbook" in only(refused(data, file_name="plans.xlsx")).message

    def test_a_zip_that_is_not_a_workbook(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("xl/other.xml", "<x/>")
            archive.writestr("[Content_Types].xml", "<Types/>")
        assert (
            "not an Excel workbook or a CSV file"
            in only(refused(buffer.getvalue(), file_name="a.xlsx")).message
        )

    def test_a_workbook_whose_parts_are_broken(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("xl/workbook.xml", "this is not xml")
            archive.writestr("[Content_Types].xml", "<Types/>")
        assert "is not a real Excel workbook" in only(refused(buffer.getvalue(), file_name="a.xlsx")).message


class TestEmpty:
    @pytest.mark.parametrize(
        "data", [b"", b"  \r\n\r\n", b"\xef\xbb\xbf"], ids=["nothing", "blank-lines", "bom"]
    )
    def test_an_empty_file(self, data):
        assert only(refused(data)).message.startswith("The file is empty.")

    def test_headers_but_no_data(self):
        problem = only(refused(ees_csv("", "ehc_plans") + "\n\n"))
        assert (problem.row, problem.message) == (
            2,
            "the file has column headers but no data. Add a row for each figure below the headers.",
        )

    def test_an_empty_workbook(self, tmp_path):
        path = tmp_path / "empty.xlsx"
        Workbook().save(path)
        with pytest.raises(ImportRefused) as caught:
            parse_file(path, file_name="empty.xlsx")
        assert "first sheet of the workbook is empty" in only(caught.value).message


class TestHeader:
    def test_title_rows_above_the_header(self):
        """A report table with a title row and a blank row above the headers."""
        text = (
            "Table 1: EHC plans by local authority, January 2025,,\n"
            ",,\n"
            "Local authority,EHC plans,Percentage\n"
            "Trafford,2448,1.2\n"
        )
        problem = only(refused(text))
        assert (problem.row, problem.column) == (1, None)
        assert problem.message.startswith("the first row must be the column headers")
        assert "Table 1: EHC plans by local authority, January 2025" in problem.message
        assert "delete those rows" in problem.message

    def test_duplicate_column_names(self):
        text = ees_csv("", "ehc_plans,number_asd,ehc_plans", f"{ENGLAND},1,2,3")
        problem = only(refused(text))
        assert str(problem) == (
            "Row 1, column 'ehc_plans': 'ehc_plans' is the header of more than one column (columns K and M). "
            "Give each column a different header, or delete the repeated column."
        )

    def test_duplicate_column_names_differing_only_in_case(self):
        problem = only(refused(ees_csv("", "Total_ehc,total_ehc", f"{ENGLAND},1,2")))
        assert (problem.row, problem.column) == (1, "total_ehc")

    def test_a_column_without_a_header(self):
        problem = only(refused(ees_csv("", "ehc_plans,,number_asd", f"{ENGLAND},1,2,3")))
        assert str(problem) == (
            "Row 1: column L has no header. Give every column a header in the first row, or delete the empty "
            "column."
        )

    def test_a_value_beyond_the_last_header(self):
        problem = only(refused(ees_csv("", "ehc_plans,", f"{ENGLAND},1,", f"{ENGLAND},1,oops")))
        assert problem.row == 3 and "column L, which has no header" in problem.message

    def test_a_row_with_more_cells_than_headers(self):
        refusal = refused(
            ees_csv("", "ehc_plans", f"{ENGLAND},1", f"{NORTH_WEST},1,2", f"{NORTH_WEST},1,2,3")
        )
        assert [(problem.row, problem.column) for problem in refusal.problems] == [(3, None), (4, None)]
        assert refusal.problems[0].message.startswith(
            "this row has 12 cells but row 1 has 11 column headers."
        )

    def test_a_trailing_comma_is_forgiven(self):
        from .support import parse_text

        parsed = parse_text(ees_csv("", "ehc_plans", f"{ENGLAND},1,", f"{NORTH_WEST},2"))
        assert parsed.observations.value.tolist() == [1, 2]

    @pytest.mark.parametrize(
        ("source", "expected"),
        [
            ("population", "this file is not an ONS population file"),
            ("local", "this file is not the local data template"),
        ],
    )
    def test_a_chosen_source_that_does_not_fit(self, source, expected):
        problem = only(refused(ees_csv("", "ehc_plans", f"{ENGLAND},5"), source=source))
        assert problem.row == 1
        assert problem.message.startswith(expected)
        assert problem.message.endswith("It looks like Explore Education Statistics data.")

    def test_population_file_chosen_as_ees(self):
        with pytest.raises(ImportRefused) as caught:
            parse_file(
                shared("population/trafford_mid-2024_population_estimates_all_geographies_syoa.csv"),
                file_name="trafford.csv",
                source="ees",
            )
        message = only(caught.value).message
        assert message.startswith("this file is not an Explore Education Statistics data file")
        assert "It looks like ONS population estimates (one column per age)." in message

    def test_no_geographic_level_column(self):
        text = "time_period,time_identifier,country_code,ehc_plans\n202425,Academic year,E92000001,5\n"
        assert "has no geographic_level column" in only(refused(text)).message

    def test_no_rows_at_a_level_the_service_stores(self):
        row = "202425,Academic year,Parliamentary constituency,E92000001,England,,,,,,5"
        problem = only(refused(ees_csv("", "ehc_plans", row)))
        assert problem.message.startswith("The file has no figures this service can import")
        assert "(Parliamentary constituency) were left out" in problem.message

    def test_no_figures_at_all(self):
        problem = only(refused(ees_csv("", "ehc_plans,number_asd", f"{ENGLAND},,")))
        assert problem.message.startswith("The file has no figures this service can import")

    def test_no_indicators(self):
        problem = only(refused(ees_csv("breakdown", "", f"{ENGLAND},Total")))
        assert "no indicator columns" in problem.message


class TestCells:
    def test_a_value_that_is_not_a_number_or_a_marker(self):
        text = ees_csv("", "ehc_plans,number_asd", f"{ENGLAND},5,6", f"{NORTH_WEST},5,abc")
        problem = only(refused(text))
        assert (
            str(problem)
            == f"Row 3, column 'number_asd': 'abc' is not a number or a suppression marker {MARKERS}"
        )

    @pytest.mark.parametrize("value", ["nan", "inf", "-", "1.2.3", "5%", "N/A (see note)"])
    def test_other_non_numbers(self, value):
        problem = only(refused(ees_csv("", "ehc_plans", f"{ENGLAND},{value}")))
        assert (problem.row, problem.column) == (2, "ehc_plans")

    def test_problems_are_listed_in_row_order_up_to_fifty(self):
        rows = [f"{ENGLAND},bad{index},ok{index}" for index in range(60)]
        refusal = refused(ees_csv("", "ehc_plans,number_asd", *rows))
        assert refusal.total == 120
        assert len(refusal.problems) == MAX_PROBLEMS
        listed = refusal.problems[:-1]
        assert [(p.row, p.column) for p in listed[:4]] == [
            (2, "ehc_plans"),
            (2, "number_asd"),
            (3, "ehc_plans"),
            (3, "number_asd"),
        ]
        assert [p.row for p in listed] == sorted(p.row for p in listed)
        assert str(refusal.problems[-1]).startswith("…and 71 more problems not listed here.")

    def test_problems_of_different_kinds_come_together_in_row_order(self):
        text = ees_csv(
            "",
            "ehc_plans",
            f"{ENGLAND},5",
            "2024,Academic year,National,E92000001,England,,,,,,5",
            f"{ENGLAND.replace('National', 'Narional')},5",
            f"{ENGLAND},five",
        )
        refusal = refused(text)
        assert [(p.row, p.column) for p in refusal.problems] == [
            (3, "time_period"),
            (4, "geographic_level"),
            (5, "ehc_plans"),
        ]


class TestGeography:
    def test_missing_geographic_level(self):
        problem = only(refused(ees_csv("", "ehc_plans", "202425,Academic year,,E92000001,England,,,,,,5")))
        assert str(problem) == (
            "Row 2, column 'geographic_level': enter the geographic level, such as National, Regional or "
            "Local authority."
        )

    def test_unrecognised_geographic_level(self):
        problem = only(refused(ees_csv("", "ehc_plans", f"{ENGLAND.replace('National', 'Narional')},5")))
        assert str(problem) == (
            "Row 2, column 'geographic_level': 'Narional' is not a geographic level this service recognises. "
            "Use National, Regional or Local authority."
        )

    def test_a_local_authority_code_of_the_wrong_shape(self):
        problem = only(refused(ees_csv("", "ehc_plans", f"{TRAFFORD_LA.replace('E08000009', 'E0800009')},5")))
        assert str(problem) == (
            "Row 2, column 'new_la_code': 'E0800009' is not the ONS code of a local authority. "
            "Use the area’s 9-character ONS code, such as E08000009 for Trafford."
        )

    def test_a_code_of_another_level(self):
        problem = only(refused(ees_csv("", "ehc_plans", f"{ENGLAND.replace('E92000001', 'E12000002')},5")))
        assert (problem.row, problem.column) == (2, "country_code")
        assert "'E12000002' is not the ONS code of a country (it is the code of a region)" in problem.message

    def test_a_region_code_that_is_not_a_region(self):
        problem = only(refused(ees_csv("", "ehc_plans", f"{NORTH_WEST.replace('E12000002', 'E15000002')},5")))
        assert (problem.row, problem.column) == (2, "region_code")

    def test_a_local_authority_with_no_code(self):
        row = "202425,Academic year,Local authority,E92000001,England,E12000002,North West,,,Trafford,5"
        problem = only(refused(ees_csv("", "ehc_plans", row)))
        assert (problem.row, problem.column) == (2, "new_la_code")
        assert problem.message.startswith("enter the local authority’s ONS code in new_la_code")

    def test_an_old_la_code_that_is_not_three_digits(self):
        problem = only(refused(ees_csv("", "ehc_plans", f"{TRAFFORD_LA.replace(',358,', ',35,')},5")))
        assert (problem.row, problem.column) == (2, "old_la_code")

    def test_a_region_row_without_its_code(self):
        problem = only(refused(ees_csv("", "ehc_plans", f"{NORTH_WEST.replace('E12000002', '')},5")))
        assert str(problem) == (
            "Row 2, column 'region_code': enter the region’s ONS code, such as E12000002 for the North West."
        )


class TestTimePeriods:
    @pytest.mark.parametrize(
        ("period", "identifier", "expected"),
        [
            (
                "2024",
                "Academic year",
                "'2024' does not fit the time identifier 'Academic year': write an "
                "academic year as 6 digits, such as 202425 for 2024/25.",
            ),
            (
                "202426",
                "Academic year",
                "'202426' is not a valid academic year: the last two digits must be "
                "the year after the first four, such as 202425 for 2024/25.",
            ),
            (
                "202425",
                "Calendar year",
                "'202425' does not fit the time identifier 'Calendar year': write a "
                "calendar year as 4 digits, such as 2024.",
            ),
            (
                "2024/25",
                "Academic year",
                "'2024/25' is not a time period. Write an academic or financial year "
                "as 6 digits (202425 for 2024/25) and a calendar year as 4 digits (2024).",
            ),
            ("", "Academic year", "enter the time period, such as 202425 for 2024/25."),
        ],
    )
    def test_a_time_period_that_does_not_fit_its_identifier(self, period, identifier, expected):
        row = f"{period},{identifier},National,E92000001,England,,,,,,5"
        problem = only(refused(ees_csv("", "ehc_plans", row)))
        assert (problem.row, problem.column, problem.message) == (2, "time_period", expected)

    def test_a_missing_time_identifier(self):
        problem = only(refused(ees_csv("", "ehc_plans", "202425,,National,E92000001,England,,,,,,5")))
        assert str(problem) == (
            "Row 2, column 'time_identifier': enter the time identifier, such as Academic year or "
            "Calendar year."
        )


class TestSizeAndEncoding:
    def test_a_file_over_the_size_limit(self):
        problem = only(refused(ees_csv("", "ehc_plans", f"{ENGLAND},5"), max_bytes=100))
        assert problem.message.startswith("The file is ")
        assert "the largest file you can import is" in problem.message

    def test_a_file_whose_size_is_known_is_refused_before_reading(self):
        class Upload(io.BytesIO):
            size = 300 * 1024 * 1024

            def read(self, *args):
                raise AssertionError("a file that is too big must not be read")

        with pytest.raises(ImportRefused) as caught:
            parse_file(Upload(b""), file_name="huge.csv")
        assert "The file is 300 MB; the largest file you can import is 200 MB." in str(caught.value)

    def test_a_path_over_the_size_limit(self):
        with pytest.raises(ImportRefused):
            parse_file(fixture("ehcp2025_sen_needs_all_plans_slice.csv"), file_name="x.csv", max_bytes=1000)

    def test_text_that_cannot_be_decoded(self):
        data = (
            ees_csv("", "ehc_plans", f"{ENGLAND},5").encode()
            + b"202425,Academic year,National,\x81\x8d,x,,,,,,5\n"
        )
        problem = only(refused(data))
        assert problem.row == 3
        assert problem.message.startswith("the file’s text cannot be read: byte 0x81 is neither UTF-8 nor")

    def test_refusing_leaves_an_upload_readable(self):
        upload = as_file(b"%PDF-1.4 ...")
        with pytest.raises(ImportRefused):
            parse_file(upload, file_name="x.csv")
        assert upload.tell() == 0
