"""Charts drawn on the server as inline SVG, so the same chart appears in a page and in a PDF.

No JavaScript and no dependency: each function returns a `SafeString` holding one `<svg>` that scales to
its container (a `viewBox`, `max-width: 100%`). Every chart is an image with a name and a description
(`role="img"`, `<title>`, `<desc>`, `aria-labelledby`), drawn in GOV.UK palette colours that keep at
least 3:1 contrast with the white background, with a legend; lines also differ by dash pattern and point
marker, so series can be told apart without colour. All text is escaped.

    svg = line_chart(
        title="EHC plans in Northshire, 2019/20 to 2024/25",
        categories=["2019/20", "2020/21"],
        series=[Series("Northshire", [2100, 2240])],
        y_label="EHC plans",
        description="EHC plans rose from 2,100 to 2,240.",
    )

Pages show a chart with its data table beside it: build a `Chart` with `make_chart(...)` and render
`{% include "core/includes/chart.html" with chart=chart %}`.
"""

import hashlib
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# GOV.UK Frontend palette colours, in the order series take them. Each has at least 3:1 contrast with
# white (WCAG 1.4.11). The first three (blue, orange, dark grey) stay distinct for the common kinds of
# colour blindness and in greyscale, which is why the council, its region and England get them.
PALETTE = [
    "#1d70b8",  # blue
    "#b7592a",  # orange, shade 25
    "#484949",  # black, tint 25
    "#0f7a52",  # green
    "#ca357c",  # magenta
    "#54319f",  # purple
    "#158187",  # teal
    "#982828",  # red, shade 25
]
# Dash patterns and point markers for lines, so series differ in more than colour.
DASHES = ["", "9 5", "3 4", "12 4 3 4", "6 3", "2 2", "14 6", "8 3 2 3"]
MARKERS = ["circle", "square", "triangle", "diamond", "circle-open", "square-open", "triangle-open", "cross"]

TEXT = "#0b0c0c"
SECONDARY_TEXT = "#505a5f"
GRID = "#d8d8d8"
FONT_FAMILY = "Arial, 'Liberation Sans', Helvetica, sans-serif"
FONT_SIZE = 15  # tick and category labels, in viewBox units (1 unit = 1px at the chart's natural width)
LEGEND_FONT_SIZE = 15
LINE_HEIGHT = 18
# Average glyph width of Arial as a share of the font size: enough to keep labels from overlapping.
CHAR_WIDTH = 0.58

# The standard GSS symbols for a missing figure. Callers may pass their own.
MARKER_NOTES = {
    "c": "confidential",
    "x": "not available",
    "z": "not applicable",
    "u": "low reliability",
    "low": "rounds to zero",
    "..": "not available",
    ":": "not available",
    "~": "rounds to zero",
    "n/a": "not applicable",
}

_ids = itertools.count(1)


@dataclass
class Series:
    """One named run of values, one per category. None is no value: a gap in a line, no bar."""

    name: str
    values: list[float | None]
    # Optional, per value: the published marker (e.g. "c", "x") shown in the data table instead of a number.
    markers: list[str] | None = None
    # Optional: decimal places in the data table (default: none for whole numbers, else one).
    decimals: int | None = None

    def marker_at(self, index: int) -> str:
        if self.markers and index < len(self.markers):
            return self.markers[index] or ""
        return ""


# --------------------------------------------------------------------------------------------------
# Numbers


def format_number(value: float | None, decimals: int | None = None) -> str:
    """1234.5 -> "1,234.5"; 2400.0 -> "2,400"; None -> "". Thousands separated, as GOV.UK writes them."""
    if value is None:
        return ""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{value:,.{decimals}f}"
    return "0" if text in ("-0", "-0.0") and decimals == 0 else text


def nice_ticks(low: float, high: float, *, target: int = 5, whole: bool = False) -> list[float]:
    """Round axis ticks covering low..high and always 0: 0, 500, 1,000 … (steps of 1, 2, 2.5 or 5 × 10^n).
    `whole`: the values are counts, so steps are whole numbers too (0, 1, 2 rather than 0, 0.5, 1)."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw_step = (high - low) / max(target, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    if whole and step < 1:
        step = 1
    elif whole and step == 2.5:
        step = 2
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    count = round((last - first) / step)
    return [_clean(first + i * step) for i in range(count + 1)]


def _clean(value: float) -> float:
    rounded = round(value, 10)
    return 0.0 if rounded == 0 else float(rounded)


def _tick_decimals(ticks: Sequence[float]) -> int:
    """The fewest decimal places that write every tick exactly (0, 0.5, 1 -> 1; 0, 500, 1,000 -> 0)."""
    return max((next(d for d in range(5) if abs(round(t, d) - t) < 1e-9 or d == 4) for t in ticks), default=0)


def _format_tick(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


# --------------------------------------------------------------------------------------------------
# Text


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * size * CHAR_WIDTH


def _wrap(text: str, width: float, *, max_lines: int = 3, size: float = FONT_SIZE) -> list[str]:
    """Split a label into lines no wider than `width` at spaces; a line still too long ends with …"""
    words = text.split()
    if not words:
        return [""]
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if current and _text_width(candidate, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    fitted = []
    for line in lines:
        max_chars = max(3, int(width / (size * CHAR_WIDTH)))
        fitted.append(line if len(line) <= max_chars else line[: max_chars - 1].rstrip() + "…")
    return fitted


def _attrs(**attributes) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None or value == "":
            continue
        parts.append(f'{name.rstrip("_").replace("_", "-")}="{escape(value)}"')
    return " ".join(parts)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def _text(
    x: float, y: float, content: str, *, size: float = FONT_SIZE, anchor: str = "start", **extra
) -> str:
    fill = extra.pop("fill", TEXT)
    return (
        f"<text {_attrs(x=_num(x), y=_num(y), font_size=_num(size), text_anchor=anchor, fill=fill, **extra)}>"
        f"{escape(content)}</text>"
    )


def _multiline(
    x: float, y: float, lines: list[str], *, anchor: str = "middle", size: float = FONT_SIZE
) -> str:
    """Lines of text whose first baseline is at y."""
    spans = "".join(
        f'<tspan x="{_num(x)}" dy="{0 if i == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    attributes = _attrs(x=_num(x), y=_num(y), font_size=_num(size), text_anchor=anchor, fill=TEXT)
    return f"<text {attributes}>{spans}</text>"


# --------------------------------------------------------------------------------------------------
# Shared pieces


def _validate(categories: list[str], series: list[Series]) -> None:
    for one in series:
        if len(one.values) != len(categories):
            raise ValueError(
                f"Series {one.name!r} has {len(one.values)} values for {len(categories)} categories."
            )


def _values(series: list[Series]) -> list[float]:
    return [float(v) for one in series for v in one.values if v is not None]


def _whole(values: list[float]) -> bool:
    return bool(values) and all(float(v).is_integer() for v in values)


def _chart_id(title: str) -> str:
    digest = hashlib.sha1(title.encode(), usedforsecurity=False).hexdigest()[:6]
    return f"chart-{digest}-{next(_ids)}"


def _open_svg(*, chart_id: str, title: str, description: str, width: int, height: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {_num(height)}" '
        f'width="{width}" height="{_num(height)}" class="app-chart__svg" '
        f'font-family="{escape(FONT_FAMILY)}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def _rect(x: float, y: float, width: float, height: float, extra: str) -> str:
    return (
        f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(width)}" height="{_num(max(height, 0))}" {extra}/>'
    )


def _bar(x: float, y: float, width: float, height: float, colour: str) -> str:
    return _rect(x, y, width, height, f'class="app-chart__bar" fill="{colour}"')


def _marker_shape(kind: str, x: float, y: float, colour: str, r: float = 4.5) -> str:
    open_ = kind.endswith("-open")
    fill = "#ffffff" if open_ else colour
    base = kind.removesuffix("-open")
    style = f'fill="{fill}" stroke="{colour}" stroke-width="2"'
    if base == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" {style}/>'
    if base == "square":
        s = r * 1.7
        return _rect(x - s / 2, y - s / 2, s, s, style)
    if base == "triangle":
        h = r * 1.2
        points = (
            f"{_num(x)},{_num(y - h - 1)} {_num(x + h + 1)},{_num(y + h)} {_num(x - h - 1)},{_num(y + h)}"
        )
        return f'<polygon points="{points}" {style}/>'
    if base == "diamond":
        d = r * 1.35
        points = (
            f"{_num(x)},{_num(y - d)} {_num(x + d)},{_num(y)} {_num(x)},{_num(y + d)} {_num(x - d)},{_num(y)}"
        )
        return f'<polygon points="{points}" {style}/>'
    # cross
    return (
        f'<path d="M{_num(x - r)},{_num(y - r)}L{_num(x + r)},{_num(y + r)}'
        f'M{_num(x - r)},{_num(y + r)}L{_num(x + r)},{_num(y - r)}" stroke="{colour}" stroke-width="2.5"/>'
    )


def _legend(series: list[Series], *, kind: Literal["line", "bar"], x0: float, y0: float, width: float):
    """Legend items in rows; returns (svg, height). One series still gets a legend: it names the line."""
    parts: list[str] = []
    x, y = x0, y0
    swatch = 34 if kind == "line" else 16
    row_height = 26
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        label = one.name
        max_label = width - swatch - 8
        if _text_width(label, LEGEND_FONT_SIZE) > max_label:
            label = _wrap(label, max_label, max_lines=1, size=LEGEND_FONT_SIZE)[0]
        item_width = swatch + 8 + _text_width(label, LEGEND_FONT_SIZE) + 22
        if x > x0 and x + item_width > x0 + width:
            x, y = x0, y + row_height
        middle = y + row_height / 2
        if kind == "line":
            dash = DASHES[index % len(DASHES)]
            parts.append(
                f'<line x1="{_num(x)}" y1="{_num(middle)}" x2="{_num(x + swatch)}" y2="{_num(middle)}" '
                f"{_attrs(stroke=colour, stroke_width='3', stroke_dasharray=dash)}/>"
            )
            parts.append(_marker_shape(MARKERS[index % len(MARKERS)], x + swatch / 2, middle, colour))
        else:
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(middle - 8)}" width="16" height="16" fill="{colour}"/>'
            )
        parts.append(_text(x + swatch + 8, middle + 5, label, size=LEGEND_FONT_SIZE))
        x += item_width
    return "".join(parts), (y - y0) + row_height


def _value_axis_label(x: float, y: float, label: str) -> str:
    return _text(x, y, label, size=FONT_SIZE, fill=SECONDARY_TEXT)


def _category_labels(categories: list[str], band: float) -> tuple[list[list[str]], int]:
    """Wrapped category labels for a horizontal axis and how often to show one (1: every one)."""
    wrapped = [_wrap(c, max(band - 6, 20)) for c in categories]
    widest_word = max((_text_width(w) for c in categories for w in c.split()), default=0)
    every = 1
    if widest_word > band - 6:
        every = math.ceil((widest_word + 8) / band)
        wrapped = [_wrap(c, band * every - 8) for c in categories]
    return wrapped, every


def _grid_and_value_ticks_vertical(ticks, *, left, right, y_of, decimals) -> str:
    parts = []
    for tick in ticks:
        y = y_of(tick)
        colour = TEXT if tick == 0 else GRID
        parts.append(
            f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(right)}" y2="{_num(y)}" '
            f'stroke="{colour}" stroke-width="1"/>'
        )
        parts.append(_text(left - 8, y + 5, _format_tick(tick, decimals), anchor="end"))
    return "".join(parts)


# --------------------------------------------------------------------------------------------------
# Public charts


def line_chart(
    *,
    title: str,
    categories: list[str],
    series: list[Series],
    y_label: str,
    description: str,
    width: int = 640,
    height: int = 320,
) -> SafeString:
    """A line per series across the categories (usually years); None leaves a gap in the line."""
    return _vertical_chart(
        "line",
        title=title,
        categories=categories,
        series=series,
        y_label=y_label,
        description=description,
        stacked=False,
        width=width,
        height=height,
    )


def bar_chart(
    *,
    title: str,
    categories: list[str],
    series: list[Series],
    y_label: str,
    description: str,
    stacked: bool = False,
    horizontal: bool = False,
    width: int = 640,
    height: int = 320,
) -> SafeString:
    """Bars per category, grouped side by side or stacked. Horizontal charts grow taller to fit every
    category (their labels sit on the left); None draws no bar, and a series' marker is written in its
    place."""
    if horizontal:
        return _horizontal_bar_chart(
            title=title,
            categories=categories,
            series=series,
            y_label=y_label,
            description=description,
            stacked=stacked,
            width=width,
            height=height,
        )
    return _vertical_chart(
        "bar",
        title=title,
        categories=categories,
        series=series,
        y_label=y_label,
        description=description,
        stacked=stacked,
        width=width,
        height=height,
    )


def _stack_extent(categories: list[str], series: list[Series]) -> tuple[float, float]:
    low = high = 0.0
    for index in range(len(categories)):
        positive = sum(v for s in series if (v := s.values[index]) is not None and v > 0)
        negative = sum(v for s in series if (v := s.values[index]) is not None and v < 0)
        high, low = max(high, positive), min(low, negative)
    return low, high


def _vertical_chart(
    kind: Literal["line", "bar"],
    *,
    title: str,
    categories: list[str],
    series: list[Series],
    y_label: str,
    description: str,
    stacked: bool,
    width: int,
    height: int,
) -> SafeString:
    _validate(categories, series)
    chart_id = _chart_id(title)
    values = _values(series)
    if stacked and kind == "bar":
        low, high = _stack_extent(categories, series)
    else:
        low, high = (min(values), max(values)) if values else (0.0, 1.0)
    ticks = nice_ticks(low, high, whole=_whole(values))
    decimals = _tick_decimals(ticks)

    legend_svg, legend_height = _legend(series, kind=kind, x0=8, y0=4, width=width - 16)
    label_y = 4 + legend_height + 18
    plot_top = label_y + 20
    left = max(_text_width(_format_tick(t, decimals)) for t in ticks) + 18
    right = width - 12
    plot_width = max(right - left, 10)
    band = plot_width / max(len(categories), 1)
    wrapped, every = _category_labels(categories, band)
    label_lines = max((len(lines) for lines in wrapped), default=1)
    bottom_space = 14 + label_lines * LINE_HEIGHT
    height = max(height, plot_top + 140 + bottom_space)
    plot_bottom = height - bottom_space

    def y_of(value: float) -> float:
        return plot_bottom - (value - ticks[0]) / (ticks[-1] - ticks[0]) * (plot_bottom - plot_top)

    parts = [_open_svg(chart_id=chart_id, title=title, description=description, width=width, height=height)]
    parts.append(legend_svg)
    parts.append(_value_axis_label(8, label_y, y_label))
    parts.append(_grid_and_value_ticks_vertical(ticks, left=left, right=right, y_of=y_of, decimals=decimals))

    # Category labels under the axis.
    for index, lines in enumerate(wrapped):
        if index % every:
            continue
        x = left + band * (index + 0.5)
        parts.append(_multiline(x, plot_bottom + 8 + FONT_SIZE, lines))

    if kind == "line":
        parts.append(_lines(series, band=band, left=left, y_of=y_of))
    else:
        parts.append(_vertical_bars(series, categories, band=band, left=left, y_of=y_of, stacked=stacked))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def _lines(series: list[Series], *, band: float, left: float, y_of) -> str:
    parts = []
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        dash = DASHES[index % len(DASHES)]
        points = [
            None if value is None else (left + band * (i + 0.5), y_of(float(value)))
            for i, value in enumerate(one.values)
        ]
        # Runs of consecutive values; a None breaks the line.
        runs: list[list[tuple[float, float]]] = [[]]
        for point in points:
            if point is None:
                if runs[-1]:
                    runs.append([])
            else:
                runs[-1].append(point)
        group = [f'<g class="app-chart__series" data-series="{index}">']
        for run in runs:
            if len(run) > 1:
                d = "M" + "L".join(f"{_num(x)},{_num(y)}" for x, y in run)
                group.append(
                    f'<path d="{d}" fill="none" '
                    + _attrs(stroke=colour, stroke_width="3", stroke_dasharray=dash, stroke_linejoin="round")
                    + "/>"
                )
        for point in points:
            if point is not None:
                group.append(_marker_shape(MARKERS[index % len(MARKERS)], point[0], point[1], colour))
        group.append("</g>")
        parts.append("".join(group))
    return "".join(parts)


def _missing_marker(x: float, y: float, marker: str, *, anchor: str = "middle") -> str:
    return _text(x, y, marker, size=13, anchor=anchor, fill=SECONDARY_TEXT)


def _vertical_bars(series, categories, *, band, left, y_of, stacked) -> str:
    parts = []
    zero = y_of(0)
    if stacked:
        bar_width = min(band * 0.6, 80)
        for i in range(len(categories)):
            x = left + band * (i + 0.5) - bar_width / 2
            up = down = 0.0
            for index, one in enumerate(series):
                value = one.values[i]
                if value is None or value == 0:
                    continue
                start = up if value > 0 else down
                end = start + value
                if value > 0:
                    up = end
                else:
                    down = end
                y1, y2 = sorted((y_of(start), y_of(end)))
                parts.append(_bar_rect(x, y1, bar_width, y2 - y1, PALETTE[index % len(PALETTE)], gap="y"))
        return "".join(parts)
    count = max(len(series), 1)
    group_width = min(band * 0.8, 48 * count)
    bar_width = group_width / count
    for i in range(len(categories)):
        group_left = left + band * (i + 0.5) - group_width / 2
        for index, one in enumerate(series):
            x = group_left + index * bar_width
            value = one.values[i]
            if value is None:
                marker = one.marker_at(i)
                if marker:
                    parts.append(_missing_marker(x + bar_width / 2, zero - 5, marker))
                continue
            y1, y2 = sorted((y_of(float(value)), zero))
            parts.append(_bar_rect(x, y1, bar_width, y2 - y1, PALETTE[index % len(PALETTE)], gap="x"))
    return "".join(parts)


def _bar_rect(x, y, w, h, colour, *, gap: str) -> str:
    """A bar with a thin white edge between neighbours, so touching colours never need to contrast."""
    if gap == "x":
        x, w = x + 1, max(w - 2, 1)
    else:
        y, h = y + 0.5, max(h - 1, 0.5)
    return _bar(x, y, w, h, colour)


def _horizontal_bar_chart(
    *,
    title: str,
    categories: list[str],
    series: list[Series],
    y_label: str,
    description: str,
    stacked: bool,
    width: int,
    height: int,
) -> SafeString:
    _validate(categories, series)
    chart_id = _chart_id(title)
    values = _values(series)
    if stacked:
        low, high = _stack_extent(categories, series)
    else:
        low, high = (min(values), max(values)) if values else (0.0, 1.0)
    ticks = nice_ticks(low, high, whole=_whole(values))
    decimals = _tick_decimals(ticks)

    legend_svg, legend_height = _legend(series, kind="bar", x0=8, y0=4, width=width - 16)
    label_y = 4 + legend_height + 18
    plot_top = label_y + 14
    label_width = min(max((_text_width(c) for c in categories), default=40), width * 0.36)
    wrapped = [_wrap(c, label_width, max_lines=3) for c in categories]
    label_width = max((_text_width(line) for lines in wrapped for line in lines), default=40)
    left = 8 + label_width + 10
    # Room on the right for the value written at the end of each bar (and the last tick label).
    value_labels = not stacked
    value_room = (
        max(
            (_text_width(format_number(v, _series_decimals(s)), 13) for s in series for v in s.values if v),
            default=0,
        )
        + 10
        if value_labels
        else 0
    )
    right = width - max(12, value_room, _text_width(_format_tick(ticks[-1], decimals)) / 2 + 4)
    count = 1 if stacked else max(len(series), 1)
    bar_height = 22 if count == 1 else 17
    band = max(count * bar_height + 12, max((len(lines) for lines in wrapped), default=1) * LINE_HEIGHT + 10)
    plot_bottom_needed = plot_top + band * len(categories)
    height = max(height, plot_bottom_needed + 40)
    plot_bottom = plot_top + band * len(categories)
    if plot_bottom < height - 40:  # spread the bars over the height asked for
        band = (height - 40 - plot_top) / max(len(categories), 1)
        plot_bottom = plot_top + band * len(categories)

    def x_of(value: float) -> float:
        return left + (value - ticks[0]) / (ticks[-1] - ticks[0]) * (right - left)

    parts = [_open_svg(chart_id=chart_id, title=title, description=description, width=width, height=height)]
    parts.append(legend_svg)
    parts.append(_value_axis_label(8, label_y, y_label))
    for tick in ticks:
        x = x_of(tick)
        colour = TEXT if tick == 0 else GRID
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(plot_top)}" x2="{_num(x)}" y2="{_num(plot_bottom)}" '
            f'stroke="{colour}" stroke-width="1"/>'
        )
        parts.append(_text(x, plot_bottom + 8 + FONT_SIZE, _format_tick(tick, decimals), anchor="middle"))
    zero = x_of(0)
    for i, lines in enumerate(wrapped):
        top = plot_top + band * i
        text_top = top + band / 2 - (len(lines) - 1) * LINE_HEIGHT / 2 + 5
        parts.append(_multiline(left - 10, text_top, lines, anchor="end"))
        if stacked:
            y = top + (band - bar_height) / 2
            up = down = 0.0
            for index, one in enumerate(series):
                value = one.values[i]
                if value is None or value == 0:
                    continue
                start = up if value > 0 else down
                end = start + value
                if value > 0:
                    up = end
                else:
                    down = end
                x1, x2 = sorted((x_of(start), x_of(end)))
                parts.append(
                    _bar(x1 + 0.5, y, max(x2 - x1 - 1, 0.5), bar_height, PALETTE[index % len(PALETTE)])
                )
            continue
        group_top = top + (band - count * bar_height) / 2
        for index, one in enumerate(series):
            y = group_top + index * bar_height
            value = one.values[i]
            if value is None:
                marker = one.marker_at(i)
                if marker:
                    parts.append(_missing_marker(zero + 4, y + bar_height / 2 + 5, marker, anchor="start"))
                continue
            x1, x2 = sorted((x_of(float(value)), zero))
            parts.append(_bar(x1, y + 1, max(x2 - x1, 0), bar_height - 2, PALETTE[index % len(PALETTE)]))
            if value_labels:
                anchor_x = x2 + 4 if value >= 0 else x1 - 4
                parts.append(
                    _text(
                        anchor_x,
                        y + bar_height / 2 + 4.5,
                        format_number(value, _series_decimals(one)),
                        size=13,
                        anchor="start" if value >= 0 else "end",
                    )
                )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def _series_decimals(series: Series) -> int | None:
    return series.decimals


# --------------------------------------------------------------------------------------------------
# A chart with its data table


@dataclass
class TableCell:
    text: str
    marker: str = ""


@dataclass
class Chart:
    """A chart and the data behind it, for `core/includes/chart.html` (chart, then its table).

    `table_series` lists the table's columns when they differ from the chart's (for example counts
    beside the percentages drawn); by default the table shows exactly what is drawn.
    """

    title: str
    svg: SafeString
    categories: list[str]
    series: list[Series]
    category_label: str = ""
    table_series: list[Series] | None = None
    marker_notes: dict[str, str] = field(default_factory=lambda: dict(MARKER_NOTES))
    # Below this width the chart scrolls sideways in its container rather than shrinking further, so
    # its text stays readable on a phone (a chart is two-dimensional content, WCAG 1.4.10).
    min_width: int = 480

    @property
    def columns(self) -> list[Series]:
        return self.table_series if self.table_series is not None else self.series

    @property
    def rows(self) -> list[tuple[str, list[TableCell]]]:
        return [
            (
                category,
                [
                    TableCell(format_number(column.values[index], column.decimals), column.marker_at(index))
                    for column in self.columns
                ],
            )
            for index, category in enumerate(self.categories)
        ]

    @property
    def notes(self) -> list[tuple[str, str]]:
        """The markers the table shows, with what each means: [("x", "not available")]."""
        used = []
        for column in self.columns:
            for index in range(len(self.categories)):
                marker = column.marker_at(index)
                if marker and marker not in used:
                    used.append(marker)
        return [(marker, self.marker_notes.get(marker, "see the source's notes")) for marker in used]


def make_chart(
    kind: Literal["line", "bar"],
    *,
    title: str,
    categories: list[str],
    series: list[Series],
    y_label: str,
    description: str,
    category_label: str = "",
    table_series: list[Series] | None = None,
    marker_notes: dict[str, str] | None = None,
    **options,
) -> Chart:
    """Draw a line or bar chart and keep its data for the table beside it."""
    draw = line_chart if kind == "line" else bar_chart
    svg = draw(
        title=title, categories=categories, series=series, y_label=y_label, description=description, **options
    )
    chart = Chart(
        title=title,
        svg=svg,
        categories=categories,
        series=series,
        category_label=category_label,
        table_series=table_series,
        min_width=int(options.get("width", 640) * 0.75),
    )
    if marker_notes is not None:
        chart.marker_notes = {**MARKER_NOTES, **marker_notes}
    return chart
