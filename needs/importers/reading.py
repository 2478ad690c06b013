"""Getting a table out of an uploaded file: size, type, encoding, header row, then every cell as text.

Every cell is read as a string (nothing is guessed: '0012' stays '0012', 'z' stays 'z'), stripped of
surrounding spaces. Row numbers are kept as a spreadsheet user sees them: the header is row 1, the first
data row row 2 (for a workbook, the sheet row), whatever blank rows or quoted line breaks the file has.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .problems import MAX_PROBLEMS, ImportProblem, ImportRefused, Problems

DEFAULT_MAX_BYTES = 200 * 1024 * 1024

SAVE_AS_CSV = "Open it in a spreadsheet, save it as ‘CSV UTF-8 (comma delimited)’ and import that file."


def _megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):,.0f} MB"
    if size >= 1024:
        return f"{size / 1024:,.0f} KB"
    return f"{size:,} bytes"


def read_bytes(file, *, max_bytes: int) -> bytes:
    """The file's bytes: from a path, or a binary file object (left at position 0 for whoever is next)."""
    if isinstance(file, str | os.PathLike):
        size = os.path.getsize(file)
        _check_size(size, max_bytes)
        return Path(file).read_bytes()
    size = getattr(file, "size", None)
    if isinstance(size, int):
        _check_size(size, max_bytes)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(max_bytes + 1)
    if hasattr(file, "seek"):
        file.seek(0)
    if isinstance(data, str):  # a file opened in text mode: take it as it is
        data = data.encode("utf-8")
    _check_size(len(data), max_bytes)
    return data


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ImportRefused.one(
            f"The file is {_megabytes(size)}; the largest file you can import is {_megabytes(max_bytes)}. "
            "Split it into smaller files (for example one per year or per geographic level) and import "
            "each one."
        )


@dataclass
class Table:
    """The cells of a file. frame has one text column per header, in file order; rows gives each frame
    row's spreadsheet row number."""

    columns: list[str]
    frame: pd.DataFrame
    rows: np.ndarray
    kind: str  # "csv" or "xlsx"
    warnings: list[str] = field(default_factory=list)
    blank_rows: int = 0

    def find(self, *names: str) -> str | None:
        """The column whose header is one of names (ignoring case, spaces and underscores), or None."""
        wanted = [_loose(name) for name in names]
        by_loose = {_loose(column): column for column in self.columns}
        for name in wanted:
            if name in by_loose:
                return by_loose[name]
        return None

    def position(self, column: str | None) -> int:
        return self.columns.index(column) if column in self.columns else -1

    def values(self, column: str | None) -> pd.Series:
        """A column's cells, or empty strings when the file has no such column."""
        if column is None or column not in self.frame:
            return pd.Series([""] * len(self.frame), index=self.frame.index, dtype="str")
        return self.frame[column]

    def __len__(self) -> int:
        return len(self.frame)


def _loose(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().lower())


@dataclass
class RawFile:
    """A file whose type and text are known, with its header read but not yet its data."""

    kind: str  # "csv" or "xlsx"
    header: list[str]  # the first row's cells, spaces stripped, empty cells at the end dropped
    width: int  # the first row's cells including empty ones at the end
    warnings: list[str]
    text: str = ""
    delimiter: str = ","
    sheet_rows: list[list[str]] | None = None  # xlsx: every row after the header, as text
    sheet_name: str = ""

    @property
    def first_row_text(self) -> str:
        shown = ", ".join(cell for cell in self.header if cell)
        return shown if len(shown) <= 120 else shown[:117] + "…"

    def table(self) -> Table:
        """Read the data rows. Raises ImportRefused for rows with more cells than the header has."""
        if self.kind == "xlsx":
            rows = self.sheet_rows or []
            frame, problems = _frame_from_lists(rows, self.width, first_row=2)
        else:
            frame, problems = _frame_from_csv(self.text, self.delimiter, self.width)
        problems.raise_if_any()
        frame.columns = [str(index) for index in range(self.width)]
        for column in frame.columns:
            frame[column] = frame[column].astype("str").str.strip()
        row_numbers = np.arange(2, len(frame) + 2, dtype="int64")
        # Cells under the empty headers at the end of row 1 must be empty too.
        extra = [str(index) for index in range(len(self.header), self.width)]
        problems = Problems()
        for column in extra:
            filled = frame[column] != ""
            if filled.any():
                first = int(row_numbers[filled.to_numpy()][0])
                problems.add(
                    f"this cell is in column {_column_letter(int(column))}, which has no header in row 1. "
                    "Give the column a header, or delete the cell.",
                    row=first,
                )
        problems.raise_if_any()
        frame = frame[[str(index) for index in range(len(self.header))]]
        frame.columns = self.header
        not_blank = (frame != "").any(axis=1).to_numpy() if len(self.header) else np.zeros(len(frame), bool)
        blank_rows = int((~not_blank).sum())
        frame = frame.loc[not_blank] if blank_rows else frame
        frame = frame.reset_index(drop=True)
        return Table(
            columns=list(self.header),
            frame=frame,
            rows=row_numbers[not_blank],
            kind=self.kind,
            warnings=list(self.warnings),
            blank_rows=blank_rows,
        )


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _frame_from_csv(text: str, delimiter: str, width: int) -> tuple[pd.DataFrame, Problems]:
    frame = _frame_from_csv_arrow(text, delimiter, width)
    if frame is not None:
        return frame, Problems()
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            names=list(range(width)),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            index_col=False,
            engine="c",
        )
    except pd.errors.ParserError:
        # A row with more cells than the header: read it again with the csv module to name every such row
        # (a stray comma at the end of a line is forgiven when the extra cells are empty).
        return _frame_from_csv_module(text, delimiter, width)
    return frame.iloc[1:].reset_index(drop=True), Problems()


def _frame_from_csv_arrow(text: str, delimiter: str, width: int) -> pd.DataFrame | None:
    """The cells read by Arrow's CSV reader (several times faster than pandas' for a big file), or None
    when Arrow refuses the file: then the pandas reader (and its fallback) reads it as before.

    Arrow reads a file only when every record, the header included, has exactly as many cells as the
    header (a blank line is a record of empty cells, as pandas reads it): short and long rows make it
    refuse, and are left to the pandas reader, whose handling of them is what the importer's messages
    are written for. Arrow and pandas split cells the same way (quotes, doubled quotes, quoted line
    breaks, stray quotes inside a cell; \n, \r\n and \r line ends), and each record is one
    spreadsheet row. needs/tests/importers/test_fast_paths.py holds them to that."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    names = [str(index) for index in range(width)]
    try:
        data = text.encode("utf-8")
        read = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.large_string() for name in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, UnicodeError, ValueError):  # a record longer than a block (1 MB) too
        return None
    if read.num_columns != width or read.num_rows < 1:
        return None
    read = read.slice(1)  # the header row
    return pd.DataFrame(
        {index: pd.array(read.column(index), dtype="str") for index in range(width)}, copy=False
    )


def _frame_from_csv_module(text: str, delimiter: str, width: int) -> tuple[pd.DataFrame, Problems]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(reader, None)
    rows = list(reader)
    return _frame_from_lists(rows, width, first_row=2)


def _frame_from_lists(rows: list[list[str]], width: int, *, first_row: int) -> tuple[pd.DataFrame, Problems]:
    problems = Problems()
    found = 0
    fitted = []
    for number, row in enumerate(rows, start=first_row):
        if len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                found += 1
                if found <= MAX_PROBLEMS:
                    problems.add(
                        f"this row has {len(row)} cells but row 1 has {width} column headers. "
                        "Check the row for a stray comma or a value that should be in quotes.",
                        row=number,
                    )
                else:
                    problems.total += 1
            row = row[:width]
        elif len(row) < width:
            row = row + [""] * (width - len(row))
        fitted.append(row)
    frame = (
        pd.DataFrame(fitted, columns=list(range(width)), dtype="str")
        if fitted
        else pd.DataFrame({index: pd.Series([], dtype="str") for index in range(width)})
    )
    return frame, problems


# ---------------------------------------------------------------------------------------------------
# Recognising what kind of file this is


def open_file(data: bytes, *, file_name: str) -> RawFile:
    """Work out what the bytes are, refuse what is not a table, and read the header row."""
    name = file_name.lower()
    if not data.strip(b" \t\r\n\x00") or data.strip() in (
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
    ):
        raise ImportRefused.one(
            "The file is empty. Choose a file whose first row has the column headers, with a row for each "
            "figure below it."
        )
    if data.startswith(b"%PDF"):
        raise ImportRefused.one(
            "The file is a PDF document, not a spreadsheet. Download the data as a CSV file (on Explore "
            "Education Statistics, ‘Download data files’) and import that."
        )
    if data.startswith(b"PK\x03\x04"):
        return _open_zip(data, file_name=file_name)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused.one(
            "The file is an old-style Excel workbook (.xls) or another Office document. Open it in a "
            "spreadsheet and save it as an Excel workbook (.xlsx) or as CSV UTF-8, then import that file."
        )
    if name.endswith((".xlsx", ".xlsm")):
        raise ImportRefused.one(
            f"The file is called {file_name} but it is not an Excel workbook. {SAVE_AS_CSV}"
        )
    text, warnings = _decode(data)
    _refuse_if_not_text(text)
    return _open_text(text, warnings)


def _decode(data: bytes) -> tuple[str, list[str]]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:65536]:
        raise ImportRefused.one(
            "The file is not a CSV file: it holds binary data, not text (it may be another kind of file "
            f"renamed to .csv). {SAVE_AS_CSV}"
        )
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        bad = data[utf8_error.start : utf8_error.start + 1].hex().upper()
        raise ImportRefused(
            [
                ImportProblem(
                    row,
                    None,
                    f"the file’s text cannot be read: byte 0x{bad} is neither UTF-8 nor Windows-1252 text. "
                    f"{SAVE_AS_CSV}",
                )
            ]
        ) from None
    return text, [
        "The file is not UTF-8, so it was read as Windows-1252 (Excel’s older ‘CSV’ format). Check that "
        "names with accents or symbols such as £ look right; saving as ‘CSV UTF-8’ avoids this."
    ]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse_if_not_text(text: str) -> None:
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise ImportRefused.one(
            "The file is not a CSV file: it holds binary data, not text (it may be another kind of file "
            f"renamed to .csv). {SAVE_AS_CSV}"
        )
    start = sample.lstrip().lower()
    if start.startswith(("<!doctype", "<html", "<head", "<body", "<table", "<!--", "<?xml", "<div", "<meta")):
        raise ImportRefused.one(
            "The file is a web page (HTML), not a CSV file. This happens when a download link returns a "
            "page instead of the data: download the CSV file again, from the ‘Download’ link itself."
        )
    if start.startswith(("{", "[")):
        raise ImportRefused.one("The file is JSON, not a CSV file. Download the data as CSV and import that.")


def _delimiter(first_line: str) -> str:
    if "," in first_line:
        return ","
    if "\t" in first_line:
        return "\t"
    if ";" in first_line:
        return ";"
    return ","


def _open_text(text: str, warnings: list[str]) -> RawFile:
    text = text.lstrip("\ufeff")
    end = text.find("\n")
    delimiter = _delimiter(text if end < 0 else text[:end])
    cells = _first_record(text[:_HEADER_PREFIX], delimiter, partial=len(text) > _HEADER_PREFIX)
    if cells is None:  # the header row is longer than the prefix, or unreadable in it
        cells = _first_record(text, delimiter, partial=False)
    return _raw(kind="csv", cells=cells, warnings=warnings, text=text, delimiter=delimiter)


_HEADER_PREFIX = 1 << 16


def _first_record(text: str, delimiter: str, *, partial: bool) -> list[str] | None:
    """The first record's cells ([] when unreadable). When text is only the start of the file (partial),
    None unless the record ends before the end of text, so that the rest of the file cannot change it."""
    source = io.StringIO(text, newline="")
    reader = csv.reader(source, delimiter=delimiter)
    try:
        cells = next(reader, [])
    except csv.Error:
        return None if partial else []
    if partial and source.tell() >= len(text):
        return None
    return cells


def _raw(*, kind: str, cells: list, warnings: list[str], **extra) -> RawFile:
    stripped = [str(cell).replace("\ufeff", "").strip() for cell in cells]
    width = len(stripped)
    while stripped and not stripped[-1]:
        stripped.pop()
    if not stripped:
        raise ImportRefused.one(
            "the first row of the file is empty. The first row must be the column headers, such as "
            "time_period, time_identifier, geographic_level. Delete any empty rows above them.",
            row=1,
        )
    return RawFile(kind=kind, header=stripped, width=width, warnings=warnings, **extra)


def _open_zip(data: bytes, *, file_name: str) -> RawFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRefused.one(
            f"The file {file_name} is not a real Excel workbook: it is damaged or only named like one. "
            f"{SAVE_AS_CSV}"
        ) from None
    _refuse_zip_bomb(archive, file_name=file_name)
    if "xl/workbook.xml" not in names:
        csvs = [name for name in names if name.lower().endswith(".csv")]
        if csvs:
            raise ImportRefused.one(
                "The file is a ZIP archive. Unzip it and import the CSV data file inside it (with its "
                ".meta.csv file, if it has one)."
            )
        raise ImportRefused.one(
            f"The file {file_name} is a ZIP archive, not an Excel workbook or a CSV file. {SAVE_AS_CSV}"
        )
    return _open_workbook(data, file_name=file_name)


def _refuse_zip_bomb(archive: zipfile.ZipFile, *, file_name: str) -> None:
    """Refuse a workbook whose parts unzip to more than the upload checks allow, before opening any.

    Each part's size is read from the archive's directory; zipfile never unzips a part past its declared
    size, so the sum bounds what openpyxl can unzip (a small file that unzips to gigabytes is refused).
    """
    from core.uploads import ZIP_MAX_ENTRIES, ZIP_MAX_UNPACKED_BYTES

    entries = archive.infolist()
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > ZIP_MAX_UNPACKED_BYTES or len(entries) > ZIP_MAX_ENTRIES:
        raise ImportRefused.one(
            f"The file {file_name} is too large to open safely: unzipped, it would be "
            f"{_megabytes(unpacked)}, and the largest workbook this service opens is "
            f"{_megabytes(ZIP_MAX_UNPACKED_BYTES)} unzipped. "
            f"{SAVE_AS_CSV}"
        )


def _open_workbook(data: bytes, *, file_name: str) -> RawFile:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds: zip, XML, key and value errors
        raise ImportRefused.one(
            f"The file {file_name} is not a real Excel workbook: it is damaged or only named like one. "
            f"{SAVE_AS_CSV}"
        ) from None
    try:
        if not workbook.worksheets:
            raise ImportRefused.one("The workbook has no worksheets. Put the data on the first sheet.")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write wrong sheet dimensions: read what is there
        rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(min_row=1, values_only=True)]
        sheet_name = sheet.title
    except ImportRefused:
        raise
    except Exception:
        raise ImportRefused.one(
            f"The file {file_name} is not a real Excel workbook: its first sheet cannot be read. "
            f"{SAVE_AS_CSV}"
        ) from None
    finally:
        workbook.close()
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportRefused.one(
            "The first sheet of the workbook is empty. Put the column headers in row 1 of the first sheet, "
            "with a row for each figure below it."
        )
    header = rows[0]
    warnings = []
    if len(workbook.sheetnames) > 1:
        warnings.append(
            f"Only the first sheet (‘{sheet_name}’) was read; the workbook has {len(workbook.sheetnames)}."
        )
    raw = _raw(kind="xlsx", cells=header, warnings=warnings, sheet_rows=rows[1:], sheet_name=sheet_name)
    return raw


def _cell_text(value) -> str:
    """A workbook cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)
