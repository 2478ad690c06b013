"""Server-rendered SVG charts: valid, accessible, escaped, honest about missing values, round ticks."""

import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from core.charts import (
    DASHES,
    MARKERS,
    PALETTE,
    Series,
    bar_chart,
    format_number,
    line_chart,
    make_chart,
    nice_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"
YEARS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - the service's own output, parsed to prove it well-formed


def texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def line(**overrides):
    arguments = {
        "title": "EHC plans in Northshire",
        "categories": YEARS,
        "series": [
            Series("Northshire", [1800, 1950, None, 2222, 2400, 2500]),
            Series("North West", [1500, 1600, 1700, 1800, 1900, None]),
        ],
        "y_label": "EHC plans",
        "description": "EHC plans rose from 1,800 to 2,500.",
    }
    return line_chart(**(arguments | overrides))


def bar(**overrides):
    arguments = {
        "title": "EHC plans by need",
        "categories": [
            "Autistic spectrum disorder",
            "Hearing impairment",
            "Social, emotional and mental health",
        ],
        "series": [
            Series("Northshire", [25.4, None, 20.0], markers=["", "c", ""]),
            Series("England", [31.5, 1.4, 20.7]),
        ],
        "y_label": "% of all EHC plans",
        "description": "Autism is the most common need.",
    }
    return bar_chart(**(arguments | overrides))


@pytest.mark.parametrize(
    "chart",
    [
        lambda: line(),
        lambda: bar(),
        lambda: bar(horizontal=True),
        lambda: bar(stacked=True),
        lambda: bar(stacked=True, horizontal=True),
    ],
)
def test_every_kind_of_chart_is_valid_svg_named_and_described_for_screen_readers(chart):
    root = parse(chart())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert root.get("viewBox").startswith("0 0 640 ")
    # Its natural width, never wider than the column: sized by the stylesheet, since the Content
    # Security Policy refuses style attributes.
    assert root.get("width") == "640" and "app-chart__svg" in root.get("class")
    assert root.get("style") is None


def test_two_charts_on_one_page_never_share_an_id():
    first, second = parse(line()), parse(line())
    assert first.find(f"{SVG}title").get("id") != second.find(f"{SVG}title").get("id")


def test_all_text_is_escaped():
    nasty = '<script>alert("x")</script> & "quotes"'
    svg = str(
        line(
            title=nasty,
            description=nasty,
            y_label=nasty,
            categories=[nasty, "b", "c", "d", "e", "f"],
            series=[Series(nasty, [1, 2, 3, 4, 5, 6])],
        )
    )
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed XML
    assert root.find(f"{SVG}title").text == nasty
    assert any(nasty[:20] in text for text in texts(root))


def test_a_missing_value_breaks_the_line_and_is_never_drawn_as_zero():
    root = parse(line(series=[Series("Northshire", [10, 20, None, 40, 50, 60])]))
    group = root.find(f".//{SVG}g[@data-series='0']")
    paths = group.findall(f"{SVG}path")
    assert len(paths) == 2  # two runs either side of the gap
    assert paths[0].get("d").count("L") == 1 and paths[1].get("d").count("L") == 2
    points = group.findall(f"{SVG}circle")
    assert len(points) == 5


def test_a_lone_value_between_gaps_still_shows_as_a_point():
    root = parse(line(series=[Series("Northshire", [None, None, 30, None, None, None])]))
    group = root.find(f".//{SVG}g[@data-series='0']")
    assert group.findall(f"{SVG}path") == []
    assert len(group.findall(f"{SVG}circle")) == 1


def test_a_missing_bar_is_left_out_and_its_marker_written_instead():
    root = parse(bar())
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "app-chart__bar"]
    assert len(bars) == 5  # six values, one missing
    assert "c" in texts(root)


def test_a_chart_with_no_values_at_all_still_renders():
    root = parse(line(series=[Series("Northshire", [None] * 6)]))
    assert root.find(f"{SVG}title").text == "EHC plans in Northshire"


def test_series_are_told_apart_by_colour_dash_and_marker():
    root = parse(line())
    first, second = (root.find(f".//{SVG}g[@data-series='{i}']") for i in (0, 1))
    assert first.find(f"{SVG}path").get("stroke") != second.find(f"{SVG}path").get("stroke")
    assert first.find(f"{SVG}path").get("stroke-dasharray") is None
    assert second.find(f"{SVG}path").get("stroke-dasharray") == DASHES[1]
    assert MARKERS[1] == "square" and second.find(f"{SVG}rect") is not None
    legend = texts(root)
    assert "Northshire" in legend and "North West" in legend


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("colour", PALETTE)
def test_every_series_colour_has_at_least_3_to_1_contrast_with_white(colour):
    assert (1.05) / (_luminance(colour) + 0.05) >= 3


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 2400, [0, 500, 1000, 1500, 2000, 2500]),
        (0, 638745, [0, 200000, 400000, 600000, 800000]),
        (0, 100, [0, 20, 40, 60, 80, 100]),
        (0, 0.37, [0, 0.1, 0.2, 0.3, 0.4]),
        (-3, 7, [-4, -2, 0, 2, 4, 6, 8]),
        (1800, 2500, [0, 500, 1000, 1500, 2000, 2500]),
    ],
)
def test_ticks_are_round_numbers_from_zero(low, high, expected):
    assert nice_ticks(low, high) == expected


def test_tick_labels_have_thousands_separators():
    root = parse(line(series=[Series("England", [500000, 550000, 600000, 620000, 630000, 638745])]))
    labels = texts(root)
    assert "200,000" in labels and "600,000" in labels


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (2400, None, "2,400"),
        (2400.0, None, "2,400"),
        (36.92, None, "36.9"),
        (36.92, 2, "36.92"),
        (None, None, ""),
    ],
)
def test_numbers_are_written_as_gov_uk_writes_them(value, decimals, text):
    assert format_number(value, decimals) == text


def test_labels_on_a_640_pixel_chart_do_not_overlap():
    """Category labels are thinned or wrapped so that the estimated text boxes never collide."""
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(2010, 2025)]
    root = parse(line(categories=years, series=[Series("Northshire", list(range(15)))]))
    bottom = [t for t in root.iter(f"{SVG}text") if "".join(t.itertext()) in years]
    boxes = sorted(
        (
            float(t.get("x")) - len(t.findtext(f"{SVG}tspan")) * 4.5,
            float(t.get("x")) + len(t.findtext(f"{SVG}tspan")) * 4.5,
        )
        for t in bottom
    )
    assert len(boxes) >= 5
    assert all(left2 > right1 for (_, right1), (left2, _) in itertools.pairwise(boxes))


def test_horizontal_bars_grow_to_fit_many_categories():
    categories = [f"Ward {n}" for n in range(40)]
    svg = bar(horizontal=True, categories=categories, series=[Series("EHC plans", list(range(40)))])
    height = float(parse(svg).get("viewBox").split()[3])
    assert height >= 40 * 20


def test_values_must_match_the_categories():
    with pytest.raises(ValueError, match="has 2 values for 6 categories"):
        line(series=[Series("Northshire", [1, 2])])


def test_the_include_shows_the_chart_and_the_same_numbers_in_a_table():
    chart = make_chart(
        "bar",
        title="EHC plans by need, 2024/25",
        categories=["Autistic spectrum disorder", "Hearing impairment"],
        series=[Series("Northshire", [610, None], markers=["", "x"])],
        y_label="EHC plans",
        description="Autism is the most common need.",
        category_label="Primary need",
    )
    html = render_to_string("core/includes/chart.html", {"chart": chart})
    assert "<svg" in html
    assert (
        '<caption class="govuk-table__caption govuk-visually-hidden">EHC plans by need, 2024/25</caption>'
        in html
    )
    assert re.search(r'govuk-table__cell--numeric">610</td>', html)
    assert re.search(r'govuk-table__cell--numeric">x</td>', html)
    assert "x: not available" in html
    assert 'tabindex="0"' in html and 'aria-label="Data table: EHC plans by need, 2024/25"' in html


def test_the_table_can_show_more_columns_than_the_chart_draws():
    shares = Series("Northshire (%)", [25.4, 1.2], decimals=1)
    counts = Series("Northshire (EHC plans)", [610, 30])
    chart = make_chart(
        "bar",
        title="By need",
        categories=["ASD", "HI"],
        series=[shares],
        table_series=[counts, shares],
        y_label="%",
        description="d",
    )
    assert [[cell.text for cell in cells] for _, cells in chart.rows] == [["610", "25.4"], ["30", "1.2"]]
