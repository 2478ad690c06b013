"""CSV and Excel downloads: attachments with safe names, numbers kept, formulas never run."""

import csv
import datetime
import decimal
import io

import pytest
from openpyxl import load_workbook

from core.exports import csv_response, safe_cell, safe_filename, xlsx_response

HEADERS = ["Area", "Breakdown", "Value"]
INJECTIONS = [
    "=1+1",
    '=HYPERLINK("http://example.com","click")',
    "+SUM(A1:A2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_text_a_spreadsheet_would_run_as_a_formula_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [2400, 36.9, -5, 0, decimal.Decimal("1.5"), None, True, datetime.date(2024, 1, 1)],
)
def test_numbers_dates_and_blanks_are_left_alone(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize(
    "text", ["Northshire", "Autistic spectrum disorder", "2024/25", " =not first", "a=b"]
)
def test_ordinary_text_is_left_alone(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("Needs profile: Northshire 2024.csv", "csv", "needs-profile-northshire-2024.csv"),
        ('../../etc/passwd"; x=.csv', "csv", "etcpasswd-x.csv"),
        ("", "xlsx", "download.xlsx"),
        ("report", "xlsx", "report.xlsx"),
    ],
)
def test_filenames_are_made_safe(name, extension, expected):
    assert safe_filename(name, extension=extension) == expected


def rows():
    return [["Northshire", text, n] for n, text in enumerate(INJECTIONS)] + [
        ["Northshire", "All needs", 2400],
        ["England", "All needs", -12.5],
        ["England", None, None],
    ]


def test_a_csv_download_is_an_attachment_with_every_injection_defused():
    response = csv_response(filename="Needs profile.csv", headers=HEADERS, rows=rows())
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="needs-profile.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith("\ufeff".encode())
    parsed = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert parsed[0] == HEADERS
    for row, text in zip(parsed[1:], INJECTIONS, strict=False):
        assert row[1] == "'" + text
    assert ["Northshire", "All needs", "2400"] in parsed
    assert ["England", "All needs", "-12.5"] in parsed
    assert ["England", "", ""] in parsed


def test_an_xlsx_download_keeps_numbers_as_numbers_and_writes_no_formula():
    response = xlsx_response(
        filename="needs-profile.xlsx", headers=HEADERS, rows=rows(), sheet_title="Data: 2024/25"
    )
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="needs-profile.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet.title == "Data  2024 25"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADERS
    assert sheet["A1"].font.bold
    for row, text in zip(values[1:], INJECTIONS, strict=False):
        assert row[1].startswith("'")
        assert row[1][1:].strip() == text.strip()
    assert ["Northshire", "All needs", 2400] in values
    assert ["England", "All needs", -12.5] in values
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_an_xlsx_cell_with_control_characters_is_still_a_valid_workbook():
    response = xlsx_response(filename="x.xlsx", headers=HEADERS, rows=[["A\x00B\x07", "ok", 1]])
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "AB"


def test_rows_may_be_any_iterable_such_as_a_generator():
    response = csv_response(filename="x.csv", headers=HEADERS, rows=(["a", "b", n] for n in range(3)))
    assert response.content.decode("utf-8-sig").count("\r\n") == 4
