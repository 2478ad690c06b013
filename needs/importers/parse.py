"""parse_file: read a published statistics file (or a council's own), recognise its layout, check every
cell, and translate it into the service's observations. Nothing is written anywhere."""

from __future__ import annotations

from .ees import looks_like_ees, parse_ees
from .local_template import LOCAL_TEMPLATE_COLUMNS, looks_like_local, parse_local
from .naming import series_for
from .population import looks_like_long, looks_like_wide, parse_population
from .problems import ImportProblem, ImportRefused, Problems
from .reading import DEFAULT_MAX_BYTES, RawFile, Table, _column_letter, open_file, read_bytes
from .result import ParsedFile

SOURCES = ("ees", "population", "local")
META_MAX_BYTES = 10 * 1024 * 1024

LAYOUT_NAMES = {
    "ees": "Explore Education Statistics data",
    "population_wide": "ONS population estimates (one column per age)",
    "population_long": "ONS population estimates (one row per age)",
    "local": "the local data template",
}
SOURCE_OF_LAYOUT = {
    "ees": "ees",
    "population_wide": "population",
    "population_long": "population",
    "local": "local",
}
EXPECTED = {
    "ees": "an Explore Education Statistics data file: its first row must have the columns time_period, "
    "time_identifier and geographic_level, then area codes, filters and indicators",
    "population": "an ONS population file: its first row must have an area code column (area_code), sex, "
    "and either one column per single year of age (0, 1, … 90+) or age and population columns",
    "local": "the local data template: its first row must be the template’s headers, "
    + ", ".join(LOCAL_TEMPLATE_COLUMNS)
    + ". Download the template and copy your figures into it",
}


def detect_layout(columns: list[str]) -> str | None:
    """'local', 'ees', 'population_wide', 'population_long', or None, from the header row alone."""
    if looks_like_local(columns):
        return "local"
    if looks_like_ees(columns):
        return "ees"
    if looks_like_wide(columns):
        return "population_wide"
    if looks_like_long(columns):
        return "population_long"
    return None


def parse_file(
    file,
    *,
    file_name: str,
    source: str | None = None,
    meta_file=None,
    max_bytes: int | None = None,
) -> ParsedFile:
    """Read, check and translate a file. Raises ImportRefused (with every problem found) if it cannot be
    imported as it is.

    file: a path, or a binary file object (such as a Django UploadedFile), left at position 0.
    file_name: the name the file was uploaded with (for the series, the title, and .xlsx detection).
    source: "ees", "population" or "local"; None to recognise the layout from the header row.
    meta_file: an EES .meta.csv (path or file object) saying which columns are filters and indicators.
    max_bytes: the largest file accepted (default 200 MB).
    """
    if source not in (None, "", *SOURCES):
        raise ValueError(f"source must be one of {', '.join(SOURCES)} or None, not {source!r}")
    max_bytes = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    raw = open_file(read_bytes(file, max_bytes=max_bytes), file_name=file_name)
    layout = detect_layout(raw.header)
    if source and (layout is None or SOURCE_OF_LAYOUT[layout] != source):
        seen = (
            f" It looks like {LAYOUT_NAMES[layout]}."
            if layout
            else f" Its first row is: {raw.first_row_text}."
        )
        raise ImportRefused.one(f"this file is not {EXPECTED[source]}.{seen}", row=1)
    if layout is None:
        raise ImportRefused.one(
            "the first row must be the column headers: time_period, time_identifier, geographic_level … for "
            "Explore Education Statistics data; area_code, sex, 0, 1, … 90+ (or age and population) for ONS "
            f"population estimates; or the local data template’s headers. This file’s first row is: "
            f"{raw.first_row_text}. If there is a title or notes above the headers, delete those rows and "
            "import the file again.",
            row=1,
        )
    _check_header(raw)
    table = raw.table()
    if not len(table):
        raise ImportRefused.one(
            "the file has column headers but no data. Add a row for each figure below the headers.", row=2
        )
    series = series_for(file_name)
    if layout == "ees":
        meta = _read_meta(meta_file) if meta_file is not None else None
        parsed = parse_ees(table, file_name=file_name, series=series, meta=meta)
    elif layout == "local":
        parsed = parse_local(table, file_name=file_name, series=series)
    else:
        parsed = parse_population(table, file_name=file_name, series=series, wide=layout == "population_wide")
    if meta_file is not None and layout != "ees":
        parsed.warnings.append(
            "The .meta.csv file was not used: it only describes Explore Education Statistics data."
        )
    if not len(parsed.observations):
        reasons = [warning for warning in parsed.warnings if "left out" in warning]
        raise ImportRefused.one(
            "The file has no figures this service can import: every row is at a geographic level it does not "
            "store, or every figure is empty." + (" " + " ".join(reasons) if reasons else "")
        )
    return parsed


def _check_header(raw: RawFile) -> None:
    problems = Problems()
    seen: dict[str, int] = {}
    for index, cell in enumerate(raw.header):
        if not cell:
            problems.add(
                f"column {_column_letter(index)} has no header. Give every column a header in the first row, "
                "or delete the empty column.",
                row=1,
                position=index,
            )
            continue
        loose = cell.lower()
        if loose in seen:
            first = seen[loose]
            problems.add(
                f"'{cell}' is the header of more than one column (columns {_column_letter(first)} and "
                f"{_column_letter(index)}). Give each column a different header, or delete the repeated "
                "column.",
                row=1,
                column=cell,
                position=index,
            )
        else:
            seen[loose] = index
    problems.raise_if_any()


def _read_meta(meta_file) -> Table:
    """The EES .meta.csv file as a table. Its problems are refused as problems of the meta file."""
    try:
        raw = open_file(read_bytes(meta_file, max_bytes=META_MAX_BYTES), file_name="data.meta.csv")
        _check_header(raw)
        return raw.table()
    except ImportRefused as refused:
        raise ImportRefused(
            [
                ImportProblem(problem.row, problem.column, f"in the .meta.csv file: {problem.message}")
                for problem in refused.problems
            ],
            total=refused.total,
        ) from None
