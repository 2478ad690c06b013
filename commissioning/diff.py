"""What changed between two versions of a specification, section by section.

Text sections get a word-level diff: deletions in <del> and insertions in <ins>, each with visually hidden
"removed"/"added" words for screen readers. Everything from the versions is escaped. Table sections get a
row-level comparison.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import SpecificationVersion
from .services.specifications import SECTIONS, Section

UNCHANGED, CHANGED, ADDED, REMOVED = "unchanged", "changed", "added", "removed"
STATE_LABELS = {UNCHANGED: "Unchanged", CHANGED: "Changed", ADDED: "Added", REMOVED: "Removed"}

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class Cell:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass
class RowChange:
    state: str
    cells: list[Cell]

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class SectionDiff:
    section: Section
    state: str
    html: SafeString | None = None  # text sections
    rows: list[RowChange] = field(default_factory=list)  # table sections

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def _text_html(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def _wrap(tag: str, hidden: str, text: str) -> str:
    """Mark a run of words; whitespace at its edges stays outside the mark."""
    core = text.strip()
    if not core:
        return _text_html(text)
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    marked = f'<{tag}><span class="govuk-visually-hidden">{hidden}: </span>{_text_html(core)}</{tag}>'
    return _text_html(lead) + marked + _text_html(trail)


def text_diff_html(old: str, new: str) -> SafeString:
    """A word-level diff of two texts as escaped HTML."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(_text_html("".join(a[a1:a2])))
            continue
        removed = "".join(a[a1:a2])
        if op in ("delete", "replace") and removed.strip():  # removed whitespace alone is not shown
            parts.append(_wrap("del", "removed", removed))
        if op in ("insert", "replace"):
            parts.append(_wrap("ins", "added", "".join(b[b1:b2])))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of content above is escaped


def _state(old: Any, new: Any) -> str:
    if old == new:
        return UNCHANGED
    if not old:
        return ADDED
    if not new:
        return REMOVED
    return CHANGED


def _row_values(section: Section, row: dict | None) -> tuple[str, ...]:
    row = row or {}
    return tuple(str(row.get(column.key) or "") for column in section.columns)


def _row(section: Section, state: str, old: dict | None, new: dict | None) -> RowChange:
    olds, news = _row_values(section, old), _row_values(section, new)
    return RowChange(
        state=state,
        cells=[
            Cell(column.label, olds[i] if old is not None else "", news[i] if new is not None else "")
            for i, column in enumerate(section.columns)
        ],
    )


def rows_diff(section: Section, old_rows: list[dict], new_rows: list[dict]) -> list[RowChange]:
    """Row by row: unchanged, changed (a replaced row paired with its new version), added or removed."""
    a = [_row_values(section, row) for row in old_rows]
    b = [_row_values(section, row) for row in new_rows]
    changes: list[RowChange] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            changes += [_row(section, UNCHANGED, old_rows[i], old_rows[i]) for i in range(a1, a2)]
        elif op == "delete":
            changes += [_row(section, REMOVED, old_rows[i], None) for i in range(a1, a2)]
        elif op == "insert":
            changes += [_row(section, ADDED, None, new_rows[j]) for j in range(b1, b2)]
        else:
            olds, news = old_rows[a1:a2], new_rows[b1:b2]
            for k in range(max(len(olds), len(news))):
                if k < len(olds) and k < len(news):
                    changes.append(_row(section, CHANGED, olds[k], news[k]))
                elif k < len(olds):
                    changes.append(_row(section, REMOVED, olds[k], None))
                else:
                    changes.append(_row(section, ADDED, None, news[k]))
    return changes


def specification_diff(old: SpecificationVersion, new: SpecificationVersion) -> list[SectionDiff]:
    """Per section, in the order of SECTIONS: its state and the readable difference."""
    result = []
    for section in SECTIONS:
        before = (old.sections or {}).get(section.key) or ([] if section.is_table else "")
        after = (new.sections or {}).get(section.key) or ([] if section.is_table else "")
        state = _state(before, after)
        if section.is_table:
            result.append(SectionDiff(section, state, rows=rows_diff(section, list(before), list(after))))
        else:
            result.append(SectionDiff(section, state, html=text_diff_html(str(before), str(after))))
    return result
