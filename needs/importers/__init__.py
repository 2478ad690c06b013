"""Parsers for published statistics files and a council's own data: they read a file, check every cell,
and translate it into the service's codes (needs.vocabulary). They never write to the database: the loader
(needs.services.imports) stores what they return.

    parsed = parse_file(upload, file_name="sen_needs_all_plans.csv")   # or raises ImportRefused

Modules: reading (bytes, type, encoding, header, cells), problems (ImportProblem, ImportRefused),
periods, geography, semantics (what column names and labels mean: the tables to extend), ees,
population, local_template, naming (series), building (observations and areas), parse (parse_file).
"""

from .local_template import LOCAL_TEMPLATE_COLUMNS, local_template_csv
from .parse import detect_layout, parse_file
from .problems import MAX_PROBLEMS, ImportProblem, ImportRefused
from .reading import DEFAULT_MAX_BYTES
from .result import OBSERVATION_COLUMNS, ParsedArea, ParsedFile

__all__ = [
    "DEFAULT_MAX_BYTES",
    "LOCAL_TEMPLATE_COLUMNS",
    "MAX_PROBLEMS",
    "OBSERVATION_COLUMNS",
    "ImportProblem",
    "ImportRefused",
    "ParsedArea",
    "ParsedFile",
    "detect_layout",
    "local_template_csv",
    "parse_file",
]
