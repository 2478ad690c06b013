"""The needs importers fed generated files: CSV (any encoding, delimiter, BOM, ragged or blank rows) and
XLSX (numbers, text, formulas), with real, missing, repeated and random headers and hostile cells.

Whatever the file, the importer either reads it or refuses it with problems a person can act on (each a
message, naming a row that exists in the file); it never raises anything else, and a refused file writes
nothing: the row count of every table is the same afterwards, through the service the command and the
Celery task use, and through the upload page.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from needs.importers import LOCAL_TEMPLATE_COLUMNS, ImportRefused, parse_file
from needs.services.imports import dataset_import_file

from .strategies import AWKWARD, examples
from .support import changed_counts, private_files, rolled_back, row_counts

EES_COLUMNS = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "characteristic_age",
    "primary_need",
    "Total_ehc",
    "Total_ehc_pc",
    "Total_all",
]
POPULATION_WIDE = ["area_code", "area_name", "sex", *[str(age) for age in range(26)], "90+"]
POPULATION_LONG = ["area_code", "area_name", "sex", "age", "population"]
LAYOUTS = [EES_COLUMNS, POPULATION_WIDE, POPULATION_LONG, list(LOCAL_TEMPLATE_COLUMNS)]

# Cells that make sense somewhere in one of the layouts, so generated files get past the header checks
# and into the cell checks, and cells that make sense nowhere.
PLAUSIBLE = [
    "2023",
    "2024",
    "202324",
    "Calendar year",
    "Academic year",
    "Financial year",
    "National",
    "Regional",
    "Local authority",
    "Ward",
    "E92000001",
    "England",
    "E12000002",
    "North West",
    "E06000998",
    "Northshire",
    "E05015239",
    "999",
    "Total",
    "ASD",
    "Age 5 to 10",
    "5-10",
    "ehc_plans",
    "state_special",
    "F",
    "M",
    "Persons",
    "1",
    "12",
    "1234",
    "3.5",
    "c",
    "x",
    "z",
    "low",
    "",
]
HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://x")',
    "+44",
    "-3",
    "@SUM(A1:A2)",
    "1e309",
    "-1e309",
    "99999999999999999999999999999",
    "NaN",
    "1,234",
    "٣",
    '"',
    '""',
    "a\nb",
    "\r",
    "\t",
    ";",
    "\x1a",
]
cells = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.sampled_from(PLAUSIBLE),
    st.sampled_from(HOSTILE),
    st.sampled_from(AWKWARD),
    st.text(max_size=12),
)


@st.composite
def headers(draw) -> list[str]:
    """A real layout's header, then columns dropped, repeated, renamed or added, and its order shuffled."""
    header = list(draw(st.sampled_from(LAYOUTS)))
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["drop", "repeat", "rename", "add", "blank", "case"]))
        index = draw(st.integers(0, max(len(header) - 1, 0)))
        if not header:
            header.append(draw(cells))
        elif action == "drop":
            header.pop(index)
        elif action == "repeat":
            header.append(header[index])
        elif action == "rename":
            header[index] = draw(cells)
        elif action == "add":
            header.insert(index, draw(st.text(max_size=15)))
        elif action == "blank":
            header[index] = ""
        else:
            header[index] = header[index].upper() + " "
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    return header


@st.composite
def tables(draw) -> list[list[str]]:
    header = draw(headers())
    width = len(header)
    rows = [header]
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["full", "full", "full", "blank", "short", "long"]))
        if kind == "blank":
            rows.append([])
            continue
        size = {"full": width, "short": max(width - 2, 0), "long": width + 2}[kind]
        rows.append([draw(cells) for _ in range(size)])
    return rows


def _csv_text(rows: list[list[str]], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


@st.composite
def csv_files(draw) -> bytes:
    rows = draw(tables())
    text = _csv_text(rows, draw(st.sampled_from([",", ",", ";", "\t"])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "mixed", "latin-1"]))
    if encoding == "mixed":  # a file pasted together from a UTF-8 and a Windows-1252 export
        half = len(text) // 2
        return text[:half].encode("utf-8") + text[half:].encode("cp1252", "replace")
    return text.encode(encoding, "replace")


@st.composite
def xlsx_files(draw) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    rows = draw(tables())
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        written = []
        for cell in row:
            cell = ILLEGAL_CHARACTERS_RE.sub("", cell)
            as_number = draw(st.booleans()) and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cell)
            written.append(float(cell) if as_number else cell)  # "=..." is written as a formula
        sheet.append(written)
    if draw(st.booleans()):
        workbook.create_sheet("Notes").append(["Source: made up"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _lines(data: bytes, name: str) -> int:
    if name.endswith(".xlsx"):
        return 10_000
    return max(data.count(b"\n"), data.count(b"\r"), data.count(b"\n\x00")) + 2


def assert_refusal_is_clear(refused: ImportRefused, data: bytes, name: str) -> None:
    assert refused.problems, "refused with no problem"
    for problem in refused.problems:
        assert problem.message.strip(), "a problem without a message"
        assert problem.row is None or 1 <= problem.row <= _lines(data, name), f"row {problem.row} not in file"
        assert str(problem)


def parse_or_refuse(data: bytes, name: str):
    try:
        return parse_file(io.BytesIO(data), file_name=name)
    except ImportRefused as refused:
        assert_refusal_is_clear(refused, data, name)
        return refused


@examples(60)
@given(csv_files())
def test_any_csv_is_read_or_refused_with_problems(data):
    parse_or_refuse(data, "sen_needs_fuzz.csv")


@examples(25)
@given(xlsx_files())
def test_any_workbook_is_read_or_refused_with_problems(data):
    parse_or_refuse(data, "sen_needs_fuzz.xlsx")


@examples(15)
@given(st.binary(max_size=2048), st.sampled_from(["data.csv", "data.xlsx", "data.txt", "data"]))
def test_any_bytes_are_read_or_refused_with_problems(data, name):
    parse_or_refuse(data, name)


@pytest.mark.django_db
@examples(25)
@given(st.one_of(csv_files(), xlsx_files()), st.sampled_from([None, "ees", "population", "local"]))
def test_a_refused_import_writes_nothing(northshire, data, source):
    """The service behind `import_needs` and the import task: refused means no row anywhere changed."""
    name = "fuzz.xlsx" if data.startswith(b"PK") else "fuzz.csv"
    with rolled_back():
        before = row_counts()
        try:
            dataset_import_file(
                file=io.BytesIO(data),
                file_name=name,
                source=source,
                organisation=northshire,
                imported_by=None,
            )
        except ImportRefused as refused:
            assert_refusal_is_clear(refused, data, name)
            assert not changed_counts(before, row_counts())
        except ValueError as error:  # a council's own data imported for no council: the command says so
            assert "council" in str(error)
            assert not changed_counts(before, row_counts())


@pytest.mark.django_db
def test_the_command_names_row_and_column_and_writes_nothing(tmp_path, northshire):
    bad = tmp_path / "local.csv"
    bad.write_text(
        ",".join(LOCAL_TEMPLATE_COLUMNS)
        + "\r\n202425,Academic year,Local authority,E06000998,Northshire,ASD,5-10,state_special,"
        + "ehc_plans,lots\r\n"
    )
    before = row_counts()
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("import_needs", str(bad), "--organisation", "northshire")
    assert not changed_counts(before, row_counts())


@pytest.mark.django_db
def test_fuzzed_uploads_on_the_import_page_store_nothing_when_refused(commissioner_northshire):
    client = Client()
    client.force_login(commissioner_northshire)
    url = reverse("needs:dataset_upload")

    @examples(12)
    @given(st.one_of(csv_files(), xlsx_files()), st.sampled_from(["auto", "ees", "population", "local"]))
    def upload(data, source):
        name = "fuzz.xlsx" if data.startswith(b"PK") else "fuzz.csv"
        with rolled_back():
            before, files_before = row_counts(), private_files()
            file = io.BytesIO(data)
            file.name = name
            response = client.post(url, {"file": file, "source": source})
            assert response.status_code in (302, 400), response.status_code
            if response.status_code == 400:
                assert b"govuk-error-summary" in response.content
                assert not changed_counts(before, row_counts())
                assert private_files() == files_before

    upload()
