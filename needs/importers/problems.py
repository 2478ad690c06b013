"""What is wrong with a file: problems that name the row and column, and the exception that carries them.

A refused file is refused whole: the parsers collect every problem they can find (in row order, up to
`MAX_PROBLEMS`), then raise `ImportRefused`; nothing is returned, so nothing can be stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_PROBLEMS = 50


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with a file, in GOV.UK style: what is wrong and how to fix it.

    row: the line as a spreadsheet user sees it (the header is row 1, the first data row is row 2; for a
    workbook, the sheet row). None for a problem with the whole file. column: the column's header as
    written in the file, or None.
    """

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column is not None:
            return f"Row {self.row}, column '{self.column}': {self.message}"
        if self.row is not None:
            return f"Row {self.row}: {self.message}"
        if self.column is not None:
            return f"Column '{self.column}': {self.message}"
        return self.message


class ImportRefused(Exception):
    """The file cannot be imported. `problems` lists what is wrong, at most MAX_PROBLEMS entries: when
    there are more, the last entry says how many more there are. `total` is the real number found."""

    def __init__(self, problems: Iterable[ImportProblem], *, total: int | None = None):
        self.problems: list[ImportProblem] = list(problems)
        self.total: int = total if total is not None else len(self.problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @classmethod
    def one(cls, message: str, *, row: int | None = None, column: str | None = None) -> ImportRefused:
        return cls([ImportProblem(row, column, message)])


def _sort_key(item: tuple[ImportProblem, int]) -> tuple:
    problem, position = item
    return (problem.row is not None, problem.row or 0, position)


@dataclass
class Problems:
    """Collects problems from many checks and raises them together, in row order.

    Each check adds at most MAX_PROBLEMS problems (its first ones in row order) plus how many it found in
    all, so a file with a million bad cells costs no more than one with fifty. `position` orders
    problems on the same row (normally the column's position in the header).
    """

    found: list[tuple[ImportProblem, int]] = field(default_factory=list)
    total: int = 0

    def add(self, message: str, *, row: int | None = None, column: str | None = None, position: int = -1):
        self.found.append((ImportProblem(row, column, message), position))
        self.total += 1

    def add_many(self, problems: Iterable[ImportProblem], *, total: int, position: int = -1) -> None:
        """Add a check's first problems (already limited) and the number that check found in all."""
        listed = list(problems)
        self.found.extend((problem, position) for problem in listed)
        self.total += max(total, len(listed))

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    def raise_if_any(self) -> None:
        if not self.total:
            return
        ordered = [problem for problem, _ in sorted(self.found, key=_sort_key)]
        if self.total <= MAX_PROBLEMS and len(ordered) == self.total:
            raise ImportRefused(ordered, total=self.total)
        shown = ordered[: MAX_PROBLEMS - 1]
        more = self.total - len(shown)
        noun = "problem" if more == 1 else "problems"
        summary = ImportProblem(
            None,
            None,
            f"…and {more:,} more {noun} not listed here. Fix the ones above, check the rest of the file "
            "for the same mistakes, then import it again.",
        )
        raise ImportRefused([*shown, summary], total=self.total)


def row_problems(mask, rows, column: str | None, message, *, limit: int = MAX_PROBLEMS) -> tuple[list, int]:
    """The first `limit` problems for the rows where mask is true, and how many rows that is.

    message is a string, or a function of the row's position in the frame giving one."""
    import numpy as np

    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    listed = [
        ImportProblem(int(rows[position]), column, message(position) if callable(message) else message)
        for position in positions[:limit]
    ]
    return listed, len(positions)
