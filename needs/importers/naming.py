"""A stable name for a publication's file across releases, from the file's name."""

from __future__ import annotations

import re

_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
_YEARISH_TOKEN = re.compile(r"^(mid-?)?(19|20)\d{2}([-_/]?\d{2,4})?$")
_SUFFIXES = re.compile(r"(_first\d+|_sample\d*|_extract|_copy|\(\d+\)|_\d+_rows)$")
_EXTENSIONS = (".meta.csv", ".csv", ".xlsx", ".xlsm", ".txt")


def series_for(file_name: str) -> str:
    """'ehcp2025_sen_needs_all_plans_first6000.csv' -> 'sen_needs_all_plans';
    'trafford_mid-2024_population_estimates_all_geographies_syoa.csv' ->
    'population_estimates_all_geographies_syoa'; 'sen_needs_all_plans (1).csv' -> 'sen_needs_all_plans'.

    Lower case; the extension, a leading part ending in a year (the publication's year, or an area and
    year), a trailing year, and a "_firstN" (or browser " (1)") suffix are dropped."""
    name = re.split(r"[\\/]", file_name.strip())[-1].lower()
    for extension in _EXTENSIONS:
        if name.endswith(extension):
            name = name[: -len(extension)]
            break
    name = re.sub(r"\s+", "_", name.strip())
    previous = None
    while previous != name:
        previous = name
        name = _SUFFIXES.sub("", name).strip("_")
    tokens = [token for token in name.split("_") if token]
    # A leading prefix ending in a year: "ehcp2025", "trafford_mid-2024"
    for index, token in enumerate(tokens[:2]):
        if _YEAR.search(token) and index + 1 < len(tokens):
            tokens = tokens[index + 1 :]
            break
    # Trailing years: "_2025", "_2024-25", "_202425", "_mid-2024"
    while len(tokens) > 1 and _YEARISH_TOKEN.match(tokens[-1]):
        tokens.pop()
    series = "_".join(tokens)
    series = re.sub(r"[^a-z0-9_\-]+", "", series)
    return series[:120] or "data"


def title_name(series: str, file_name: str) -> str:
    """The series with the file's extension, as titles show it: 'sen_needs_all_plans.csv'."""
    lower = file_name.strip().lower()
    extension = ".xlsx" if lower.endswith((".xlsx", ".xlsm")) else ".csv"
    return f"{series}{extension}"
