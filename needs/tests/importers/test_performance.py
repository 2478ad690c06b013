"""A million-cell EES file parses with vectorised pandas: no loop per cell (a few seconds here)."""

import csv

from needs.importers import parse_file

ROWS, INDICATORS = 40_000, 25


def test_a_million_cell_ees_file(tmp_path):
    """40,000 rows × 25 indicators, every 97th cell suppressed: counts come out exactly."""
    path = tmp_path / "ehcp2030_big_release.csv"
    indicators = ["ehc_plans"] + [f"number_extra_{index}" for index in range(INDICATORS - 1)]
    topics = [
        ("Sex", "Female"),
        ("Sex", "Male"),
        ("Type of placement", "Special - total"),
        ("Ethnicity", "White"),
    ]
    expected_markers = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "time_period",
                "time_identifier",
                "geographic_level",
                "country_code",
                "country_name",
                "region_code",
                "region_name",
                "new_la_code",
                "old_la_code",
                "la_name",
                "breakdown_topic",
                "breakdown",
                *indicators,
            ]
        )
        for row in range(ROWS):
            authority = row % 150
            topic, value = topics[(row // 150) % len(topics)]
            year = 2000 + row // (150 * len(topics))
            cells = []
            for column in range(INDICATORS):
                if (row + column) % 97 == 0:
                    cells.append("x")
                    expected_markers += 1
                else:
                    cells.append(str((row * 7 + column * 13) % 1000))
            writer.writerow(
                [
                    f"{year}{(year + 1) % 100:02d}",
                    "Academic year",
                    "Local authority",
                    "E92000001",
                    "England",
                    "E12000002",
                    "North West",
                    f"E08{authority + 1:06d}",
                    f"{300 + authority}",
                    f"Authority {authority}",
                    topic,
                    value,
                    *cells,
                ]
            )
    parsed = parse_file(path, file_name=path.name)
    assert parsed.row_count == ROWS
    assert len(parsed.observations) == ROWS * INDICATORS
    assert parsed.suppressed_count == expected_markers
    assert parsed.observations.value.isna().sum() == expected_markers
    assert len(parsed.areas) == 150 + 2  # the authorities, their region and England
    assert parsed.periods == list(range(2000, 2000 + ROWS // 600 + 1))
    assert parsed.series == "big_release"
    assert not any("repeat" in warning for warning in parsed.warnings)
