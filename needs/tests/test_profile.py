"""The needs profile: the right figures, for the right people, in a fixed number of queries."""

import csv
import datetime
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from core.models import AuditAction, AuditEvent
from needs.analysis.profile import build_profile, setting_group
from needs.models import Feedback, FeedbackSource, Sentiment
from needs.tests.factories import add_observations, make_area, make_dataset, obs, standard_areas
from needs.vocabulary import GeographicLevel, Setting
from tests.access import assert_access, only

pytestmark = pytest.mark.django_db

PROFILE = reverse("needs:profile")
CSV = reverse("needs:profile_download", args=["csv"])
XLSX = reverse("needs:profile_download", args=["xlsx"])
PDF = reverse("needs:profile_pdf")

COUNCIL_STAFF = [
    "commissioner_northshire",
    "lead_northshire",
    "evaluator_northshire",
    "finance_northshire",
    "legal_northshire",
    "commissioner_southvale",
]


def population_rows(area, year, per_age, ages=range(0, 26)):
    return [obs(area, year, "population", per_age, age=(age, age)) for age in ages]


@pytest.fixture
def areas(db):
    england, north_west, northshire = standard_areas()
    southvale = make_area("E06000999", "Southvale", GeographicLevel.LOCAL_AUTHORITY, north_west)
    return {"england": england, "region": north_west, "council": northshire, "southvale": southvale}


@pytest.fixture
def published(areas, commissioner_northshire):
    """Published EHC plan and population figures for Northshire, the North West and England."""
    england, region, council = areas["england"], areas["region"], areas["council"]
    dataset = make_dataset(
        imported_by=commissioner_northshire, imported_at=timezone.now() - timedelta(days=30)
    )
    rows = [
        obs(council, 2023, "ehc_plans", 2222),
        obs(council, 2024, "ehc_plans", 2400),
        obs(region, 2023, "ehc_plans", 50000),
        obs(region, 2024, "ehc_plans", 54000),
        obs(england, 2023, "ehc_plans", 575000),
        obs(england, 2024, "ehc_plans", 638745),
        # By primary need, 2024: hearing impairment suppressed in Northshire.
        obs(council, 2024, "ehc_plans", 610, primary_need="ASD"),
        obs(council, 2024, "ehc_plans", None, primary_need="HI", marker="c"),
        obs(council, 2024, "ehc_plans", 480, primary_need="SEMH"),
        obs(region, 2024, "ehc_plans", 16200, primary_need="ASD"),
        obs(region, 2024, "ehc_plans", 300, primary_need="HI"),
        obs(england, 2024, "ehc_plans", 201183, primary_need="ASD"),
        obs(england, 2024, "ehc_plans", 8765, primary_need="HI"),
        # By age, 2024: single years 3 to 15 in Northshire, a published band for England.
        *[obs(council, 2024, "ehc_plans", 55, age=(age, age)) for age in (3, 4)],
        *[obs(council, 2024, "ehc_plans", 100, age=(age, age)) for age in range(5, 11)],
        *[obs(council, 2024, "ehc_plans", 80, age=(age, age)) for age in range(11, 16)],
        obs(england, 2024, "ehc_plans", 154940, age=(5, 10)),
        obs(england, 2024, "ehc_plans", 167305, age=(11, 15)),
        # By type of placement, 2024.
        obs(council, 2024, "ehc_plans", 900, setting="Mainstream - academy"),
        obs(council, 2024, "ehc_plans", 100, setting="Mainstream - academy (resourced provision)"),
        obs(council, 2024, "ehc_plans", 1000, setting="Mainstream - total"),
        obs(council, 2024, "ehc_plans", 500, setting="Special - LA maintained"),
        obs(council, 2024, "ehc_plans", 250, setting="Special - independent"),
        obs(council, 2024, "ehc_plans", 750, setting="Special - total"),
        obs(council, 2024, "ehc_plans", 150, setting="AP/PRU - total"),
        obs(england, 2024, "ehc_plans", 300000, setting="Mainstream - total"),
        obs(england, 2024, "ehc_plans", 338745, setting="Special - total"),
        # Another characteristic: must never be added into the totals.
        obs(council, 2024, "ehc_plans", 1500, breakdown_topic="Sex", breakdown="Male"),
        # New plans and timeliness.
        obs(council, 2023, "new_ehc_plans", 280),
        obs(council, 2024, "new_ehc_plans", 310),
        obs(council, 2024, "within_20_weeks_pct", 52.3),
        obs(england, 2024, "within_20_weeks_pct", 46.4),
    ]
    add_observations(dataset, rows)
    population = make_dataset(
        imported_by=commissioner_northshire,
        source="population",
        series="population",
        imported_at=dataset.imported_at,
    )
    # 2,500 people at each age 0 to 25 in 2023 (65,000); England 2024: 600,000 per age (15,600,000).
    add_observations(
        population,
        [
            *population_rows(council, 2023, 2500),
            *population_rows(england, 2024, 600000),
            # Older people and a sex breakdown are not counted.
            obs(council, 2023, "population", 9999, age=(30, 30)),
            *[
                obs(council, 2023, "population", 1250, age=(a, a), breakdown_topic="Sex", breakdown="Females")
                for a in range(26)
            ],
        ],
    )
    return dataset


@pytest.fixture
def local_wards(areas, northshire, commissioner_northshire):
    """Northshire's own ward figures: local data only Northshire's staff may see."""
    council = areas["council"]
    ward_a = make_area("E05000001", "Abbey", GeographicLevel.WARD, council)
    ward_b = make_area("E05000002", "=SUM(1+1)", GeographicLevel.WARD, council)
    dataset = make_dataset(
        imported_by=commissioner_northshire, organisation=northshire, source="local", series="local_wards"
    )
    add_observations(
        dataset,
        [
            obs(ward_a, 2024, "ehc_plans", 120),
            obs(ward_a, 2024, "ehc_plans", 45, primary_need="ASD"),
            obs(ward_b, 2024, "ehc_plans", 80),
            obs(ward_b, 2024, "ehc_plans", 30, primary_need="SEMH"),
            *population_rows(ward_a, 2024, 100),
        ],
    )
    return dataset


def page(client, user, url=PROFILE, **query):
    client.force_login(user)
    response = client.get(url, query)
    assert response.status_code == 200
    return response


# ---------------------------------------------------------------------------------------------------------
# Who may see it


@pytest.mark.parametrize("url", [PROFILE, CSV, XLSX])
def test_only_council_staff_may_see_the_profile_and_its_data(request, url, published):
    assert_access(request, url, only(dict.fromkeys(COUNCIL_STAFF, 200), others=403))


def test_only_council_staff_may_download_the_pdf(request, areas):
    """The same rule for the PDF (drawn here without figures, as rendering one takes a second or two)."""
    assert_access(request, PDF, only(dict.fromkeys(COUNCIL_STAFF, 200), others=403))


def test_another_councils_commissioner_sees_their_own_empty_profile_never_northshires_wards(
    client, published, local_wards, commissioner_southvale
):
    response = page(client, commissioner_southvale)
    text = response.content.decode()
    assert "Needs profile: Southvale" in text
    assert "No EHC plan data has been imported for Southvale yet" in text
    assert "Abbey" not in text
    assert "2,400" not in text
    rows = list(
        csv.reader(io.StringIO(page(client, commissioner_southvale, CSV).content.decode("utf-8-sig")))
    )
    assert not any("Abbey" in cell for row in rows for cell in row)


def test_southvale_cannot_read_northshires_wards_even_with_its_own_figures(
    client, areas, published, local_wards, commissioner_southvale
):
    """Local observations are scoped to their council: Southvale's profile never shows another's wards."""
    dataset = make_dataset(imported_by=commissioner_southvale)
    add_observations(dataset, [obs(areas["southvale"], 2024, "ehc_plans", 1800)])
    profile = build_profile(commissioner_southvale, year=2024)
    names = {row.area for row in profile.rows()}
    assert "Southvale" in names
    assert "Abbey" not in names
    assert "Northshire" not in names
    locality = next(s for s in profile.sections if s.key == "locality")
    assert not locality.has_content


def test_an_unknown_download_format_answers_404(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    for fmt in ("pdf", "json", "csv.exe", "XLSX"):
        assert client.get(reverse("needs:profile_download", args=[fmt])).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# The figures


def test_the_page_shows_the_councils_plans_over_time_with_the_change_in_words(
    client, published, commissioner_northshire
):
    text = page(client, commissioner_northshire).content.decode()
    assert "EHC plans in Northshire rose by 8% between 2023/24 and 2024/25, from 2,222 to 2,400." in text
    assert "Over the same years they rose by 8% in the North West and by 11% in England." in text
    assert "638,745" in text  # England's figure in the trend table


def test_the_rate_per_1000_uses_the_nearest_earlier_population_year_and_says_so(
    client, published, commissioner_northshire
):
    text = page(client, commissioner_northshire).content.decode()
    # 2,400 plans / 65,000 people aged 0 to 25 (2023 estimates) x 1,000 = 36.9
    assert "Northshire had 36.9 EHC plans per 1,000 children and young people aged 0 to 25" in text
    # England: 638,745 / 15,600,000 x 1,000 = 40.9
    assert "compared with 40.9 in England" in text
    assert "2024/25 rate uses the 2023 population estimate of 65,000 people aged 0 to 25" in text
    assert "North West: not available for 2024/25" in text


def test_a_suppressed_figure_shows_its_marker_never_zero(client, published, commissioner_northshire):
    text = page(client, commissioner_northshire).content.decode()
    # Northshire's hearing impairment count and share are "c"; the region's and England's are figures.
    assert re.search(
        r'Hearing impairment</th>\s*<td class="govuk-table__cell govuk-table__cell--numeric">c</td>'
        r'<td class="govuk-table__cell govuk-table__cell--numeric">c</td>'
        r'<td class="govuk-table__cell govuk-table__cell--numeric">0.6</td>',
        text,
    )
    assert "c: confidential" in text
    profile = build_profile(commissioner_northshire, year=2024)
    hearing = next(
        r for r in profile.rows() if r.breakdown == "Hearing impairment" and r.area == "Northshire"
    )
    assert (hearing.value, hearing.marker) == (None, "c")


def test_shares_by_need_are_of_all_plans_with_region_and_england_beside(published, commissioner_northshire):
    profile = build_profile(commissioner_northshire, year=2024)
    need = next(s for s in profile.sections if s.key == "need")
    chart = need.charts[0]
    assert [c.name for c in chart.columns] == [
        "Northshire (EHC plans)",
        "Northshire (%)",
        "North West (%)",
        "England (%)",
    ]
    rows = {category: [cell.text for cell in cells] for category, cells in chart.rows}
    # 610 / 2,400 = 25.4%; 16,200 / 54,000 = 30.0%; 201,183 / 638,745 = 31.5%
    assert rows["Autistic spectrum disorder"] == ["610", "25.4", "30.0", "31.5"]
    assert need.summary.startswith(
        "The most common primary need in Northshire in 2024/25 was autistic spectrum"
    )
    assert "31.5% in England" in need.summary


def test_ages_are_grouped_into_the_standard_bands(published, commissioner_northshire):
    profile = build_profile(commissioner_northshire, year=2024)
    age = next(s for s in profile.sections if s.key == "age")
    rows = {category: [cell.text for cell in cells] for category, cells in age.charts[0].rows}
    # Under 5: 55 + 55; 5 to 10: 6 x 100; 11 to 15: 5 x 80. Total 1,110.
    assert rows["Under 5"][0] == "110"
    assert rows["Age 5 to 10"][:2] == ["600", "54.1"]
    assert rows["Age 11 to 15"][:2] == ["400", "36.0"]
    # England published bands: 154,940 of 322,245 = 48.1%.
    assert rows["Age 5 to 10"][3] == "48.1"


def test_settings_are_grouped_without_counting_published_totals_twice(published, commissioner_northshire):
    profile = build_profile(commissioner_northshire, year=2024)
    setting = next(s for s in profile.sections if s.key == "setting")
    rows = {category: [cell.text for cell in cells] for category, cells in setting.charts[0].rows}
    # Mainstream 900 and resourced 100 (not the 1,000 total again); special 500 state, 250 independent;
    # alternative provision published only as a total, so the total is used.
    assert rows[Setting.MAINSTREAM.label][0] == "900"
    assert rows[Setting.RESOURCED.label][0] == "100"
    assert rows[Setting.STATE_SPECIAL.label][0] == "500"
    assert rows[Setting.INDEPENDENT_SPECIAL.label][0] == "250"
    assert rows[Setting.ALTERNATIVE.label][0] == "150"
    # 900 of 1,900 = 47.4%
    assert rows[Setting.MAINSTREAM.label][1] == "47.4"


@pytest.mark.parametrize(
    ("label", "group"),
    [
        ("Mainstream - academy", Setting.MAINSTREAM),
        ("Mainstream - independent", Setting.MAINSTREAM),
        ("Mainstream - LA maintained (SEN unit)", Setting.RESOURCED),
        ("Mainstream - academy (resourced provision)", Setting.RESOURCED),
        ("Special - LA maintained", Setting.STATE_SPECIAL),
        ("Special - Academy/free schools", Setting.STATE_SPECIAL),
        ("Special - independent", Setting.INDEPENDENT_SPECIAL),
        ("Special - non-maintained", Setting.INDEPENDENT_SPECIAL),
        ("FE - general FE and tertiary colleges", Setting.POST_16),
        ("FE - specialist post-16 institutions", Setting.POST_16),
        ("FE - UKRLP provider", Setting.POST_16),
        ("AP/PRU - academy", Setting.ALTERNATIVE),
        ("AP/PRU - total", Setting.ALTERNATIVE),
        ("Pupil referral unit", Setting.ALTERNATIVE),
        ("Alternative provision/Pupil referral unit", Setting.ALTERNATIVE),
        ("Educated elsewhere - elective home education", Setting.OTHER),
        ("Non-maintained early years", Setting.OTHER),
        ("Placement not recorded", Setting.OTHER),
        ("Something new in next year's file", Setting.OTHER),
    ],
)
def test_published_placement_types_map_to_setting_groups(label, group):
    assert setting_group(label) == group


def test_the_newest_imported_dataset_wins_for_the_same_figure(
    client, areas, published, commissioner_northshire
):
    newer = make_dataset(imported_by=commissioner_northshire, imported_at=timezone.now())
    add_observations(newer, [obs(areas["council"], 2024, "ehc_plans", 2500)])
    text = page(client, commissioner_northshire).content.decode()
    assert "from 2,222 to 2,500" in text
    assert "4,900" not in text


def test_a_newer_suppressed_figure_replaces_an_older_value(areas, published, commissioner_northshire):
    newer = make_dataset(imported_by=commissioner_northshire, imported_at=timezone.now())
    add_observations(newer, [obs(areas["council"], 2024, "ehc_plans", None, primary_need="ASD", marker="x")])
    profile = build_profile(commissioner_northshire, year=2024)
    asd = [
        r for r in profile.rows() if r.area == "Northshire" and r.breakdown == "Autistic spectrum disorder"
    ]
    assert (asd[0].value, asd[0].marker) == (None, "x")


def test_new_plans_and_timeliness(published, commissioner_northshire):
    profile = build_profile(commissioner_northshire, year=2024)
    section = next(s for s in profile.sections if s.key == "timeliness")
    assert "Northshire issued 310 new EHC plans in 2024/25." in section.summary
    assert "52% of new plans in Northshire were issued within the 20-week time limit (46% in England)" in (
        section.summary
    )


def test_ward_figures_come_from_the_councils_local_data(
    client, published, local_wards, commissioner_northshire
):
    text = page(client, commissioner_northshire).content.decode()
    assert "the ward with the most EHC plans in Northshire was Abbey (120)" in text
    profile = build_profile(commissioner_northshire, year=2024)
    locality = next(s for s in profile.sections if s.key == "locality")
    rows = {category: [cell.text for cell in cells] for category, cells in locality.charts[0].rows}
    # Abbey: 120 plans / 2,600 people aged 0 to 25 = 46.2 per 1,000; no population for the other ward.
    assert rows["Abbey"][:2] == ["120", "46.2"]
    assert rows["=SUM(1+1)"][1] == ""


def test_the_trend_follows_the_chosen_need(client, areas, published, commissioner_northshire):
    dataset = make_dataset(imported_by=commissioner_northshire)
    add_observations(dataset, [obs(areas["council"], 2023, "ehc_plans", 500, primary_need="ASD")])
    text = page(client, commissioner_northshire, need="ASD").content.decode()
    assert (
        "EHC plans for autistic spectrum disorder in Northshire rose by 22% between 2023/24 and 2024/25"
        in text
    )


@pytest.mark.parametrize(
    "query",
    [
        {"year": "nonsense"},
        {"year": "1999"},
        {"year": "-1"},
        {"year": "2024x", "need": "<script>"},
        {"need": "NOPE"},
        {"year": "9" * 40},
    ],
)
def test_bad_filter_values_fall_back_to_the_defaults(client, published, commissioner_northshire, query):
    response = page(client, commissioner_northshire, **query)
    text = response.content.decode()
    assert response.context["profile"].year == 2024
    assert response.context["profile"].need == ""
    assert "from 2,222 to 2,400" in text
    assert "<script>" not in text


def test_the_year_filter_picks_the_breakdowns_year(client, areas, published, commissioner_northshire):
    dataset = make_dataset(imported_by=commissioner_northshire)
    add_observations(dataset, [obs(areas["council"], 2023, "ehc_plans", 555, primary_need="ASD")])
    response = page(client, commissioner_northshire, year="2023")
    assert response.context["profile"].year == 2023
    assert "The most common primary need in Northshire in 2023/24 was autistic spectrum disorder" in (
        response.content.decode()
    )
    form = response.content.decode()
    assert 'method="get"' in form
    assert '<option value="2023" selected>2023/24</option>' in form


# ---------------------------------------------------------------------------------------------------------
# Empty states


def test_with_no_data_every_section_says_so_and_offers_the_import_to_commissioners(
    client, areas, commissioner_northshire
):
    text = page(client, commissioner_northshire).content.decode()
    assert "No EHC plan data has been imported for Northshire yet." in text
    assert reverse("needs:dataset_upload") in text
    assert "No feedback has been recorded yet." in text


def test_with_no_data_people_who_cannot_import_are_not_offered_the_import(client, areas, finance_northshire):
    text = page(client, finance_northshire).content.decode()
    assert "No EHC plan data has been imported for Northshire yet." in text
    assert reverse("needs:dataset_upload") not in text
    assert "A commissioner in your council can import the figures." in text


def test_a_council_without_an_ons_code_gets_an_explanation_not_an_error(
    client, northshire, commissioner_northshire
):
    northshire.ons_code = ""
    northshire.save()
    text = page(client, commissioner_northshire).content.decode()
    assert "Northshire Council has no ONS area code" in text


def test_sections_without_figures_say_what_is_missing(client, areas, commissioner_northshire):
    dataset = make_dataset(imported_by=commissioner_northshire)
    add_observations(dataset, [obs(areas["council"], 2024, "ehc_plans", 2400)])
    text = page(client, commissioner_northshire).content.decode()
    assert "There were 2,400 EHC plans in Northshire in 2024/25" in text
    assert "no ONS population figures for every age from 0 to 25 have been imported" in text
    assert "No EHC plan figures by primary need have been imported for Northshire for 2024/25." in text
    assert "No EHC plan figures by ward have been imported for Northshire for 2024/25." in text


# ---------------------------------------------------------------------------------------------------------
# Feedback


def test_feedback_is_counted_by_service_area_and_sentiment_with_recent_quotes(
    client, areas, northshire, southvale, commissioner_northshire
):
    def feedback(organisation, service_area, sentiment, day, summary):
        Feedback.objects.create(
            organisation=organisation,
            source=FeedbackSource.PARENT_CARER,
            received_on=datetime.date(2025, 3, day),
            service_area=service_area,
            summary=summary,
            sentiment=sentiment,
            recorded_by=commissioner_northshire,
        )

    feedback(
        northshire, "Speech and language therapy", Sentiment.NEGATIVE, 1, "Waited a year for an assessment."
    )
    feedback(northshire, "Speech and language therapy", Sentiment.POSITIVE, 2, "The therapist was wonderful.")
    feedback(northshire, "Short breaks", Sentiment.MIXED, 3, "Good when it happens & hard to book.")
    feedback(southvale, "Transport", Sentiment.NEGATIVE, 4, "Southvale's own feedback.")
    text = page(client, commissioner_northshire).content.decode()
    assert "3 pieces of feedback recorded: 1 positive, 1 mixed and 1 negative." in text
    assert "Most was about Speech and language therapy (2)." in text
    assert "Good when it happens &amp; hard to book." in text
    assert "Southvale" not in text


# ---------------------------------------------------------------------------------------------------------
# Downloads and the PDF


def test_the_csv_has_every_number_and_escapes_formula_injection(
    client, published, local_wards, northshire, commissioner_northshire
):
    Feedback.objects.create(
        organisation=northshire,
        source=FeedbackSource.FORUM,
        received_on=datetime.date(2025, 1, 5),
        service_area='=HYPERLINK("http://example.com","x")',
        summary="Injected",
        sentiment=Sentiment.NEGATIVE,
        recorded_by=commissioner_northshire,
    )
    response = page(client, commissioner_northshire, CSV)
    assert response["Content-Disposition"] == 'attachment; filename="needs-profile-northshire-2024.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Area", "Year", "Breakdown", "Measure", "Value", "Marker"]
    assert ["EHC plans over time", "Northshire", "2024/25", "All needs", "EHC plans", "2400.0", ""] in rows
    assert any(row[1] == "Northshire" and row[3] == "Hearing impairment" and row[6] == "c" for row in rows)
    assert any(row[1] == "'=SUM(1+1)" for row in rows)
    assert any(row[3] == '\'=HYPERLINK("http://example.com","x")' for row in rows)
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor_id=commissioner_northshire.pk).exists()


def test_the_xlsx_keeps_numbers_as_numbers_and_text_formulas_as_text(
    client, published, local_wards, commissioner_northshire
):
    response = page(client, commissioner_northshire, XLSX)
    assert response["Content-Disposition"] == 'attachment; filename="needs-profile-northshire-2024.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert ["EHC plans over time", "Northshire", "2024/25", "All needs", "EHC plans", 2400, None] in rows
    ward = [row for row in rows if row[1] and "SUM" in row[1]]
    assert ward and all(row[1] == "'=SUM(1+1)" for row in ward)
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_the_pdf_is_the_whole_profile(client, published, local_wards, commissioner_northshire):
    response = page(client, commissioner_northshire, PDF)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="needs-profile-northshire-2024.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Needs profile: Northshire, 2024/25" in text
    assert "EHC plans in Northshire rose by 8%" in text
    assert "EHC plans by primary need" in text
    assert f"Page 1 of {len(reader.pages)}" in text


def test_the_pdf_with_no_data_still_renders(client, areas, commissioner_northshire):
    response = page(client, commissioner_northshire, PDF)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "No EHC plan data has been imported for Northshire yet." in text
    assert response["Content-Disposition"] == 'attachment; filename="needs-profile-northshire.pdf"'


# ---------------------------------------------------------------------------------------------------------
# Queries


def _bulk(areas, commissioner, *, years: int, wards: int):
    """Many observations: every year, need, single age, placement type, and many wards."""
    council, region, england = areas["council"], areas["region"], areas["england"]
    dataset = make_dataset(imported_by=commissioner, imported_at=timezone.now() - timedelta(days=1))
    needs = ["ASD", "HI", "MLD", "MSI", "OTH", "PD", "PMLD", "SEMH", "SLCN", "SLD", "SPLD", "VI"]
    settings_ = ["Mainstream - academy", "Special - independent", "FE - UKRLP provider", "AP/PRU - total"]
    rows = []
    for year in range(2024 - years + 1, 2025):
        for area in (council, region, england):
            rows.append(obs(area, year, "ehc_plans", 1000 + year))
            rows.append(obs(area, year, "new_ehc_plans", 100))
            rows.append(obs(area, year, "within_20_weeks_pct", 50))
            rows += [obs(area, year, "ehc_plans", 50, primary_need=need) for need in needs]
            rows += [obs(area, year, "ehc_plans", 20, age=(age, age)) for age in range(0, 26)]
            rows += [obs(area, year, "ehc_plans", 30, setting=setting) for setting in settings_]
            rows += population_rows(area, year, 1000)
    add_observations(dataset, rows)
    local = make_dataset(
        imported_by=commissioner, organisation=commissioner.organisation, source="local", series="wards"
    )
    ward_rows = []
    for n in range(wards):
        ward = make_area(f"E05{n:06d}", f"Ward {n}", GeographicLevel.WARD, council)
        ward_rows.append(obs(ward, 2024, "ehc_plans", 10 + n))
        ward_rows += [obs(ward, 2024, "ehc_plans", 2, primary_need=need) for need in needs[:3]]
    add_observations(local, ward_rows)
    return len(rows) + len(ward_rows)


def _count_queries(client, user) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PROFILE).status_code == 200
    return len(captured.captured_queries)


def test_the_profile_makes_the_same_number_of_queries_for_10_or_2000_observations(
    client, areas, commissioner_northshire, django_assert_max_num_queries
):
    dataset = make_dataset(imported_by=commissioner_northshire)
    add_observations(
        dataset,
        [
            obs(areas["council"], 2023, "ehc_plans", 2000),
            obs(areas["council"], 2024, "ehc_plans", 2100),
            obs(areas["council"], 2024, "ehc_plans", 600, primary_need="ASD"),
            obs(areas["council"], 2024, "ehc_plans", 50, age=(5, 5)),
            obs(areas["council"], 2024, "ehc_plans", 60, setting="Special - independent"),
            obs(areas["england"], 2024, "ehc_plans", 638745),
            *[obs(areas["council"], 2024, "population", 2500, age=(a, a)) for a in range(4)],
        ],
    )
    small = _count_queries(client, commissioner_northshire)
    added = _bulk(areas, commissioner_northshire, years=8, wards=80)
    assert added >= 2000
    with django_assert_max_num_queries(small):
        response = client.get(PROFILE)
    assert "Ward 79" in response.content.decode()
    assert small <= 21  # one more since two-factor sign-in checks the session's authenticator app
