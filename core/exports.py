"""Downloads of tabular data as CSV or Excel, safe to open in a spreadsheet.

A spreadsheet treats a cell starting with `=`, `+`, `-` or `@` (and, in some, a tab or carriage return)
as a formula, so text from the data could run as one when a download is opened ("CSV injection"). Every
text cell that starts with one of those is written with a leading single quote, as OWASP advises;
numbers stay numbers. Files are served as attachments with a safe name and `nosniff`.

    return csv_response(filename="needs-profile.csv", headers=["Area", "Value"], rows=[["Northshire", 2400]])
"""

import csv
import datetime
import decimal
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils.text import slugify

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_NUMBERS = (int, float, decimal.Decimal)
_DATES = (datetime.date, datetime.datetime, datetime.time)


def safe_cell(value):
    """A value ready for a spreadsheet: numbers, dates and None unchanged; text that a spreadsheet would
    read as a formula prefixed with a single quote; anything else as text."""
    if value is None or isinstance(value, (bool, *_NUMBERS, *_DATES)):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def safe_filename(filename: str, *, extension: str) -> str:
    """A name of letters, digits and dashes.

    `Needs profile: Northshire 2024.csv` -> `needs-profile-northshire-2024.csv`
    """
    stem = filename.rsplit(".", 1)[0] if filename.lower().endswith(f".{extension}") else filename
    return f"{slugify(stem) or 'download'}.{extension}"


def _download(body: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def csv_response(*, filename: str, headers: list[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV download (UTF-8 with a byte-order mark, so Excel reads £ and – correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(header) for header in headers])
    for row in rows:
        writer.writerow(["" if (cell := safe_cell(value)) is None else cell for value in row])
    return _download(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        content_type=CSV_CONTENT_TYPE,
        filename=safe_filename(filename, extension="csv"),
    )


def xlsx_response(
    *, filename: str, headers: list[str], rows: Iterable[Sequence], sheet_title: str = "Data"
) -> HttpResponse:
    """An Excel workbook download with one sheet: a bold header row, then the rows, written streaming
    (openpyxl's write-only mode) so a large export does not hold every cell object in memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _download(
        buffer.getvalue(), content_type=XLSX_CONTENT_TYPE, filename=safe_filename(filename, extension="xlsx")
    )


def _xlsx_value(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = safe_cell(value)
    if isinstance(cell, decimal.Decimal):
        return float(cell)
    if isinstance(cell, str):
        # Control characters are not allowed in the XML of a workbook: leave them out.
        return ILLEGAL_CHARACTERS_RE.sub("", cell)
    return cell


def _sheet_title(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip().strip("'")
    return (cleaned or "Data")[:31]
