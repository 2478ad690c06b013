"""The quick ways of reading a file give exactly what the plain ways give.

Arrow reads well-formed CSV (pandas reads the rest); the distinct figures of many indicator columns are
read in one pass; the header row is read from the start of the file. Each is checked here against the
plain way, cell by cell and bit by bit."""

import numpy as np
import pandas as pd
import pytest

from needs.importers import reading
from needs.importers.cells import read_figures, read_figures_many
from needs.importers.problems import ImportRefused

TEXTS = [
    "a,b,c\n1,2,3\n4,5,6\n",
    "a,b\r\n1,2\r\n3,4",
    "a,b\r1,2\r3,4\r",
    'a,b\n"Bristol, City of",1\n"He said ""no""",2\n',
    'a,b\n"two\nlines",1\n"cr\r\nlf",2\n',
    'a,b\n"ab"cd,1\nx"y,2\nz",3\n""q,4\n"a"  ,5\n',
    "a,b\n 1 ,\u00a02\u00a0\n\t3\t,4 \n",
    "a,b\n1,2\n\n3,4\n",  # a blank line: a row of empty cells, counted and left out
    "a,b,c\n\n1,2,3\n\n",
    "a,b,c\n1,2\n3,4,5\n",  # a short row: pandas reads it
    "a,b\n1,2,\n3,4,,\n",  # empty cells after the last header: pandas reads them
    "a\n1\n\n2\n",
    'a;b\n1;2\n"x;y";3\n',
    "a\tb\n1\t2\n",
    "a,b\nNA,null\n,\n",
    'a,b\n"1,2\n',  # an unclosed quote
    "a,b\n1,2,3\n",  # a long row: refused
    "a,,c\n1,2,3\n",
    pytest.param("a,b\n" + "x" * 1_100_000 + ",1\n2,3\n", id="a-cell-longer-than-arrows-block"),
]


def _read(text: str):
    try:
        table = reading._open_text(text, []).table()
    except ImportRefused as refusal:
        return "refused", [str(problem) for problem in refusal.problems]
    frame = table.frame
    return (
        table.columns,
        [str(dtype) for dtype in frame.dtypes],
        {column: frame[column].tolist() for column in frame.columns},
        table.rows.tolist(),
        table.blank_rows,
    )


@pytest.mark.parametrize("text", TEXTS)
def test_arrow_and_pandas_read_csv_alike(text, monkeypatch):
    quick = _read(text)
    monkeypatch.setattr(reading, "_frame_from_csv_arrow", lambda *args: None)
    assert quick == _read(text)


def test_arrow_reads_a_well_formed_file_and_leaves_others_to_pandas():
    assert reading._frame_from_csv_arrow('a,b\n"x, y",1\n', ",", 2) is not None
    assert reading._frame_from_csv_arrow("a,b\n1\n", ",", 2) is None  # a short row
    assert reading._frame_from_csv_arrow("a,b\n1,2,3\n", ",", 2) is None  # a long row


@pytest.mark.parametrize(
    "text",
    ['a,"b\nc",d\ne,f,g\n', "a,b\r\nc,d\r\n", "a,b\rc,d\r", "abcdefghij,k\n1,2\n", '"a""b",c\n1,2\n'],
)
def test_the_header_is_read_the_same_from_the_start_of_the_file(text, monkeypatch):
    whole = reading._open_text(text, []).header
    for prefix in range(1, len(text) + 1):
        monkeypatch.setattr(reading, "_HEADER_PREFIX", prefix)
        assert reading._open_text(text, []).header == whole


def _same(one, other):
    assert np.array_equal(one.value.view("int64"), other.value.view("int64"))  # bit for bit, -0.0 too
    assert one.marker.tolist() == other.marker.tolist()
    assert np.array_equal(one.empty, other.empty) and np.array_equal(one.bad, other.bad)


@pytest.mark.parametrize(
    "columns",
    [
        {"a": ["1", "2", "c", ""], "b": ["3.5", "x", "low", "LOW"]},
        {"a": ["-0", "7", "7", "1"], "b": ["5", "c", "", "2"]},  # "-0" is 0 alone, -0.0 with a marker
        {"a": ["9007199254740993", "1"], "b": ["0.5", "z"]},  # beyond float precision
        {"a": ["18446744073709551615", "2"], "b": ["-1", "1"]},
        {"a": ["1,234", "12,345,678", "1,2"], "b": ["1,234.5", "-0,000", "n/a"]},
        {"a": ["000000000000000000005", "12"], "b": ["1e5", "inf"]},
        {"a": ["1", "2", "3"], "b": ["4", "5", "6"], "c": ["7", "8", "nope"]},
    ],
)
def test_many_columns_are_read_as_each_alone(columns):
    frame = pd.DataFrame({name: pd.Series(cells, dtype="str") for name, cells in columns.items()})
    together = read_figures_many(frame, list(columns))
    for name in columns:
        _same(together[name], read_figures(frame[name]))
