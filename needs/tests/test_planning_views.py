"""Planning pages: who may use each one, what they say, what they write, and how many queries they cost."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditAction, AuditEvent
from needs.models import CommissionedCapacity, Feedback, ProjectionRun
from needs.services import planning as services
from needs.vocabulary import AGE_BANDS
from tests.access import ObjectCase, assert_access, assert_object_access, client_for, only, same_page

from .factories import add_observations, make_dataset, obs, standard_areas

pytestmark = pytest.mark.django_db

READERS = {
    "commissioner_northshire": 200,
    "lead_northshire": 200,
    "evaluator_northshire": 200,
    "finance_northshire": 200,
    "legal_northshire": 200,
    "commissioner_southvale": 200,
}
WRITERS = {"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 200}
# A Northshire object: Northshire's writers reach it, Southvale's commissioner gets 404 as if it were missing.
NORTHSHIRE_WRITERS = {"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 404}
NORTHSHIRE_READERS = {**READERS, "commissioner_southvale": 404}


def seed_figures(user, *, population: bool = True):
    """Northshire's EHC plans by need and single age in 2024, band totals 2020-2022, people by age."""
    _, _, northshire = standard_areas()
    dataset = make_dataset(imported_by=user)
    rows = []
    for need, per_age in (("ASD", 4), ("SEMH", 2), ("SLCN", 1)):
        rows += [
            obs(northshire, 2024, "ehc_plans", per_age * (age + 1), primary_need=need, age=(age, age))
            for age in range(26)
        ]
    for year, scale in ((2020, 0.8), (2021, 0.9), (2022, 1.0)):
        rows += [
            obs(northshire, year, "ehc_plans", round(100 * scale), age=(b.age_min, b.age_max))
            for b in AGE_BANDS
        ]
    if population:
        rows += [obs(northshire, 2024, "population", 2000 + 10 * age, age=(age, age)) for age in range(26)]
    add_observations(dataset, rows)
    return northshire


def capacity_for(user, **fields):
    values = {
        "year": 2025,
        "age_band": "5-10",
        "setting": "state_special",
        "places": 40,
        "primary_need": "ASD",
    }
    values.update(fields)
    return services.capacity_create(actor=user, **values)


def feedback_for(user, **fields):
    values = {
        "source": "parent_carer",
        "received_on": datetime.date(2025, 3, 27),
        "service_area": "Short breaks",
        "summary": "We waited a year for a short break.",
        "sentiment": "negative",
        "primary_need": "ASD",
    }
    values.update(fields)
    return services.feedback_create(actor=user, **values)


def run_for(user, **fields):
    return ProjectionRun.objects.create(
        organisation=user.organisation,
        method="prevalence",
        base_year=2024,
        horizon=1,
        parameters={"base_year": 2024, "horizon": 1, "prevalence_change_pct": 0},
        inputs={"area_name": user.organisation.name, "area_code": user.organisation.ons_code},
        results=[{"year": 2025, "primary_need": "ASD", "age_band": "5-10", "value": 12.0}],
        method_statement="A statement.",
        created_by=user,
        **fields,
    )


@pytest.fixture
def northshire_objects(commissioner_northshire):
    return {
        "capacity": capacity_for(commissioner_northshire),
        "projection": run_for(commissioner_northshire),
        "feedback": feedback_for(commissioner_northshire),
    }


@pytest.fixture
def southvale_objects(commissioner_southvale):
    return {
        "capacity": capacity_for(commissioner_southvale),
        "projection": run_for(commissioner_southvale),
        "feedback": feedback_for(commissioner_southvale),
    }


# ---------------------------------------------------------------------------------------------------------
# Who may use each page


@pytest.mark.parametrize(
    "url_name", ["needs:capacity_list", "needs:projection_list", "needs:gap_list", "needs:feedback_list"]
)
def test_council_staff_read_the_lists(request, northshire_objects, url_name):
    assert_access(request, reverse(url_name), only(READERS))


def test_council_staff_read_a_gap(request, northshire_objects):
    assert_access(request, reverse("needs:gap_detail", args=["5-10", "ASD"]), only(READERS))
    assert_access(request, reverse("needs:gap_detail", args=["0-4", "all"]), only(READERS))


@pytest.mark.parametrize(
    "url_name", ["needs:capacity_create", "needs:projection_create", "needs:feedback_create"]
)
def test_only_commissioners_open_the_forms(request, url_name):
    assert_access(request, reverse(url_name), only(WRITERS))


@pytest.mark.parametrize(
    "url_name", ["needs:capacity_create", "needs:projection_create", "needs:feedback_create"]
)
def test_only_commissioners_may_post_the_forms(request, url_name):
    # An empty form: commissioners get it back with errors (400), nothing is written; others 403.
    assert_access(request, reverse(url_name), only({p: 400 for p in WRITERS}), method="post")
    assert not CommissionedCapacity.objects.exists() and not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("url_name", "kind"),
    [
        ("needs:capacity_edit", "capacity"),
        ("needs:capacity_delete", "capacity"),
        ("needs:feedback_edit", "feedback"),
    ],
)
def test_only_the_councils_commissioners_open_its_objects_forms(request, northshire_objects, url_name, kind):
    assert_access(request, reverse(url_name, args=[northshire_objects[kind].pk]), only(NORTHSHIRE_WRITERS))


@pytest.mark.parametrize(
    ("url_name", "kind"), [("needs:capacity_edit", "capacity"), ("needs:feedback_edit", "feedback")]
)
def test_only_the_councils_commissioners_may_post_its_objects_forms(
    request, northshire_objects, url_name, kind
):
    # An empty form: Northshire's commissioners get it back with errors, Southvale's a 404, others 403.
    expected = {"commissioner_northshire": 400, "lead_northshire": 400, "commissioner_southvale": 404}
    assert_access(
        request, reverse(url_name, args=[northshire_objects[kind].pk]), only(expected), method="post"
    )


def test_only_the_councils_commissioners_may_delete_its_places(request, northshire_objects):
    url = reverse("needs:capacity_delete", args=[northshire_objects["capacity"].pk])
    expected = {"commissioner_northshire": 302, "lead_northshire": 404, "commissioner_southvale": 404}
    # The first Northshire commissioner deletes the row, so the second finds it gone.
    assert_access(request, url, only(expected), method="post")
    assert not CommissionedCapacity.objects.filter(pk=northshire_objects["capacity"].pk).exists()


def test_council_staff_read_its_projections(request, northshire_objects):
    url = reverse("needs:projection_detail", args=[northshire_objects["projection"].pk])
    assert_access(request, url, only(NORTHSHIRE_READERS))


@pytest.mark.parametrize(
    ("url_name", "kind", "method", "own_status"),
    [
        ("needs:capacity_edit", "capacity", "get", 200),
        ("needs:capacity_delete", "capacity", "get", 200),
        ("needs:capacity_edit", "capacity", "post", 400),
        ("needs:projection_detail", "projection", "get", 200),
        ("needs:feedback_edit", "feedback", "get", 200),
        ("needs:feedback_edit", "feedback", "post", 400),
    ],
)
def test_another_councils_objects_answer_404_like_missing_ones(
    request, northshire_objects, southvale_objects, url_name, kind, method, own_status
):
    def url_for(obj):
        return reverse(url_name, args=[obj.pk])

    missing = reverse(url_name, args=[999_999])
    assert_object_access(
        request,
        url_for=url_for,
        own_object_for=lambda persona: southvale_objects[kind],
        other_object=northshire_objects[kind],
        missing_url=missing,
        cases=[ObjectCase("commissioner_southvale", own_status)],
        method=method,
    )
    assert_object_access(
        request,
        url_for=url_for,
        own_object_for=lambda persona: northshire_objects[kind],
        other_object=southvale_objects[kind],
        missing_url=missing,
        cases=[ObjectCase("commissioner_northshire", own_status), ObjectCase("lead_northshire", own_status)],
        method=method,
    )


def test_deleting_another_councils_capacity_answers_404_and_deletes_nothing(
    request, northshire_objects, southvale_objects
):
    # By hand rather than assert_object_access: a successful delete leaves a message on the next page.
    client = client_for(request, "commissioner_southvale")
    other = client.post(reverse("needs:capacity_delete", args=[northshire_objects["capacity"].pk]))
    missing = client.post(reverse("needs:capacity_delete", args=[999_999]))
    assert other.status_code == missing.status_code == 404
    assert same_page(other.content, missing.content)
    assert CommissionedCapacity.objects.filter(pk=northshire_objects["capacity"].pk).exists()
    own = client.post(reverse("needs:capacity_delete", args=[southvale_objects["capacity"].pk]))
    assert own.status_code == 302
    assert not CommissionedCapacity.objects.filter(pk=southvale_objects["capacity"].pk).exists()


def test_a_projection_of_another_council_chosen_for_the_gaps_answers_404(
    client, commissioner_southvale, northshire_objects
):
    client.force_login(commissioner_southvale)
    response = client.get(reverse("needs:gap_list"), {"run": northshire_objects["projection"].pk})
    assert response.status_code == 404


def test_readers_see_no_write_buttons(
    client, evaluator_northshire, commissioner_northshire, northshire_objects
):
    pages = {
        reverse("needs:capacity_list"): ["Add places", "/edit/", "/delete/"],
        reverse("needs:projection_list"): ["New projection"],
        reverse("needs:projection_detail", args=[northshire_objects["projection"].pk]): [
            "Run again with these parameters"
        ],
        reverse("needs:feedback_list"): ["Record feedback", "/edit/"],
    }
    client.force_login(evaluator_northshire)
    for url, words in pages.items():
        html = client.get(url).content.decode()
        for word in words:
            assert word not in html, f"{url} shows {word!r} to a reader"
    client.force_login(commissioner_northshire)
    for url, words in pages.items():
        html = client.get(url).content.decode()
        for word in words:
            assert word in html, f"{url} does not show {word!r} to a commissioner"


# ---------------------------------------------------------------------------------------------------------
# The services refuse those who may not write


def test_the_services_check_the_actor(evaluator_northshire, commissioner_southvale, northshire_objects):
    with pytest.raises(PermissionDenied):
        capacity_for(evaluator_northshire)
    with pytest.raises(PermissionDenied):
        services.capacity_update(
            capacity=northshire_objects["capacity"],
            actor=commissioner_southvale,
            year=2025,
            age_band="5-10",
            setting="other",
            places=1,
        )
    with pytest.raises(PermissionDenied):
        services.capacity_delete(capacity=northshire_objects["capacity"], actor=commissioner_southvale)
    with pytest.raises(PermissionDenied):
        services.projection_run_create(actor=evaluator_northshire, method="trend", base_year=2024)
    with pytest.raises(PermissionDenied):
        feedback_for(evaluator_northshire)
    with pytest.raises(PermissionDenied):
        services.feedback_update(
            feedback=northshire_objects["feedback"],
            actor=commissioner_southvale,
            **{
                "source": "other",
                "received_on": datetime.date(2025, 1, 1),
                "service_area": "x",
                "summary": "y",
                "sentiment": "mixed",
            },
        )


def test_the_services_refuse_bad_codes(commissioner_northshire):
    with pytest.raises(ValidationError) as error:
        capacity_for(commissioner_northshire, age_band="5-9", setting="castle", primary_need="XYZ", places=-1)
    assert set(error.value.message_dict) == {"age_band", "setting", "primary_need", "places"}


# ---------------------------------------------------------------------------------------------------------
# Capacity


def test_adding_places_records_them_and_an_audit_event(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(
        reverse("needs:capacity_create"),
        {
            "year": "2025",
            "age_band": "5-10",
            "primary_need": "",
            "setting": "state_special",
            "places": "1,200",
            "notes": "Oakfield",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/needs/capacity/?year=2025"
    capacity = CommissionedCapacity.objects.get()
    assert (capacity.organisation, capacity.places, capacity.primary_need, capacity.entered_by) == (
        commissioner_northshire.organisation,
        1200,
        "",
        commissioner_northshire,
    )
    event = AuditEvent.objects.get(action=AuditAction.CREATE, target_type="needs.commissionedcapacity")
    assert event.target_id == str(capacity.pk) and event.detail["places"] == 1200
    page = client.get(response["Location"]).content.decode()
    assert "1,200 places added for 2025/26" in page
    assert "Any need" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the academic year the places are for"),
        ({}, "Select an age band"),
        ({}, "Select a setting"),
        ({}, "Enter the number of places"),
        ({"places": "12.5"}, "Places must be a whole number, like 12"),
        ({"places": "twelve"}, "Places must be a whole number, like 12"),
        ({"places": "-3"}, "Places must be 0 or more"),
        ({"places": "100001"}, "Places must be 100,000 or fewer"),
        ({"year": "25"}, "Year must be between 2,000 and 2,100"),
        ({"year": "next"}, "Year must be a whole number, like 2025"),
        ({"age_band": "5-9"}, "Select an age band"),
        ({"primary_need": "XYZ"}, "Select a primary need, or ‘Any need’"),
    ],
)
def test_capacity_form_messages(client, commissioner_northshire, data, message):
    client.force_login(commissioner_northshire)
    response = client.post(reverse("needs:capacity_create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "There is a problem" in html
    assert "<title>Error: Add places" in html
    assert not CommissionedCapacity.objects.exists()


def test_the_same_cell_twice_is_refused_with_a_clear_message(
    client, commissioner_northshire, northshire_objects
):
    client.force_login(commissioner_northshire)
    data = {
        "year": "2025",
        "age_band": "5-10",
        "primary_need": "ASD",
        "setting": "state_special",
        "places": "3",
    }
    response = client.post(reverse("needs:capacity_create"), data)
    assert response.status_code == 400
    assert (
        "Places for this year, primary need, age band and setting have already been entered"
        in response.content.decode()
    )
    assert CommissionedCapacity.objects.count() == 1
    # Editing another row into the same cell is refused too.
    other = capacity_for(commissioner_northshire, setting="resourced")
    response = client.post(reverse("needs:capacity_edit", args=[other.pk]), data)
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.setting == "resourced"


def test_changing_places_audits_what_changed(client, commissioner_northshire, northshire_objects):
    capacity = northshire_objects["capacity"]
    client.force_login(commissioner_northshire)
    response = client.get(reverse("needs:capacity_edit", args=[capacity.pk]))
    assert 'value="40"' in response.content.decode()
    data = {
        "year": "2025",
        "age_band": "5-10",
        "primary_need": "ASD",
        "setting": "state_special",
        "places": "44",
    }
    response = client.post(reverse("needs:capacity_edit", args=[capacity.pk]), data)
    assert response.status_code == 302
    capacity.refresh_from_db()
    assert capacity.places == 44
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, target_id=str(capacity.pk))
    assert event.detail == {"changes": {"places": {"from": 40, "to": 44}}}


def test_deleting_places_asks_first_then_deletes_and_audits(
    client, commissioner_northshire, northshire_objects
):
    capacity = northshire_objects["capacity"]
    client.force_login(commissioner_northshire)
    page = client.get(reverse("needs:capacity_delete", args=[capacity.pk])).content.decode()
    assert "Are you sure you want to delete these places?" in page
    assert "govuk-button--warning" in page
    assert CommissionedCapacity.objects.filter(pk=capacity.pk).exists()
    response = client.post(reverse("needs:capacity_delete", args=[capacity.pk]))
    assert response.status_code == 302
    assert not CommissionedCapacity.objects.filter(pk=capacity.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETE, target_type="needs.commissionedcapacity")
    assert event.target_id == str(capacity.pk) and event.detail["places"] == 40


def test_the_capacity_list_filters_by_year_paginates_and_has_an_empty_state(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    assert (
        "No commissioned capacity has been recorded yet"
        in client.get(reverse("needs:capacity_list")).content.decode()
    )
    for index, setting in enumerate(["mainstream", "resourced", "state_special"]):
        for band in AGE_BANDS:
            for need in ["ASD", "SEMH"]:
                capacity_for(
                    commissioner_northshire,
                    year=2024 + index % 2,
                    age_band=band.code,
                    primary_need=need,
                    setting=setting,
                    places=1,
                )
    html = client.get(reverse("needs:capacity_list")).content.decode()
    assert "30 rows: 30 places" in html
    assert "Page 1 of 2" in html
    html = client.get(reverse("needs:capacity_list"), {"year": 2024}).content.decode()
    assert "20 rows for 2024/25: 20 places" in html
    html = client.get(reverse("needs:capacity_list"), {"year": 2024, "page": 1}).content.decode()
    assert "Page 1 of 1" not in html  # a single page shows no pagination
    # A year that is not recorded (or nonsense) shows every year.
    assert "30 rows" in client.get(reverse("needs:capacity_list"), {"year": "1999"}).content.decode()


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_capacity_list_costs_the_same_queries_for_10_or_200_rows(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    settings = ["mainstream", "resourced", "state_special", "independent_special", "post_16"]
    needs = ["ASD", "SEMH", "SLCN", "MLD", "SLD", "PD", "HI", "VI"]

    def add(count, year):
        cells = [(s, n, b.code) for s in settings for n in needs for b in AGE_BANDS][:count]
        CommissionedCapacity.objects.bulk_create(
            CommissionedCapacity(
                organisation=commissioner_northshire.organisation,
                year=year,
                setting=s,
                primary_need=n,
                age_band=b,
                places=3,
                entered_by=commissioner_northshire,
            )
            for s, n, b in cells
        )

    add(10, 2024)
    few = _count_queries(client, reverse("needs:capacity_list"))
    add(190, 2025)
    assert CommissionedCapacity.objects.count() == 200
    many = _count_queries(client, reverse("needs:capacity_list"))
    assert few == many


# ---------------------------------------------------------------------------------------------------------
# Projections


def test_running_a_projection_stores_it_and_shows_how_it_was_worked_out(client, commissioner_northshire):
    seed_figures(commissioner_northshire)
    client.force_login(commissioner_northshire)
    page = client.get(reverse("needs:projection_create")).content.decode()
    assert '<option value="2024" selected>2024/25</option>' in page
    assert "Works out the share of children and young people with an EHC plan" in page
    response = client.post(
        reverse("needs:projection_create"),
        {
            "method": "prevalence",
            "base_year": "2024",
            "horizon": "3",
            "trend_years": "5",
            "prevalence_change_pct": "1.5",
        },
    )
    assert response.status_code == 302
    run = ProjectionRun.objects.get()
    assert response["Location"] == reverse("needs:projection_detail", args=[run.pk])
    assert (run.organisation, run.method, run.base_year, run.horizon) == (
        commissioner_northshire.organisation,
        "prevalence",
        2024,
        3,
    )
    assert run.parameters == {"base_year": 2024, "horizon": 3, "prevalence_change_pct": 1.5}
    assert run.inputs["plans_by_need"]["ASD"]["0-4"] == 4 * (1 + 2 + 3 + 4 + 5)
    assert run.inputs["derived"]["prevalence"]["ASD"]["0-4"] == pytest.approx(60 / (2000 * 5 + 10 * 10))
    assert {r["year"] for r in run.results} == {2025, 2026, 2027}
    assert run.method_statement.startswith("Prevalence × population projection for Northshire")
    event = AuditEvent.objects.get(action=AuditAction.CREATE, target_type="needs.projectionrun")
    assert event.detail["method"] == "prevalence"

    html = client.get(response["Location"]).content.decode()
    assert "How this projection was worked out" in html
    assert "Prevalence changes by +1.5% a year, compounded" in html
    assert html.count('role="img"') == 5  # a chart per age band
    assert "Projected EHC plans by primary need, age 5 to 10" in html
    assert "EHC plans by primary need and age band, 2024/25" in html
    assert "Population by age band, published and projected" in html
    again = (
        "/needs/projections/new/?method=prevalence&amp;base_year=2024&amp;horizon=3"
        "&amp;prevalence_change_pct=1.5"
    )
    assert again in html


def test_a_trend_projection_from_the_same_figures(client, commissioner_northshire):
    seed_figures(commissioner_northshire)
    client.force_login(commissioner_northshire)
    response = client.post(
        reverse("needs:projection_create"),
        {
            "method": "trend",
            "base_year": "2024",
            "horizon": "5",
            "trend_years": "5",
            "prevalence_change_pct": "",
        },
    )
    assert response.status_code == 302
    run = ProjectionRun.objects.get()
    assert run.parameters == {"base_year": 2024, "horizon": 5, "trend_years": 5}
    html = client.get(response["Location"]).content.decode()
    assert "Trend lines fitted to EHC plans, all needs" in html
    assert "Trend extrapolation for Northshire (E06000998), from 2024/25 to 2029/30." in html


def test_run_again_prefills_the_form(client, commissioner_northshire):
    seed_figures(commissioner_northshire)
    client.force_login(commissioner_northshire)
    html = client.get(
        reverse("needs:projection_create"),
        {"method": "trend", "base_year": "2024", "horizon": "7", "trend_years": "3"},
    ).content.decode()
    assert 'value="trend"\n    \n      checked="checked"' in html or (
        'value="trend"' in html and 'checked="checked"' in html.split('value="trend"')[1][:60]
    )
    assert 'name="horizon" value="7"' in html
    assert 'name="trend_years" value="3"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"horizon": "0"}, "Years to project must be between 1 and 10"),
        ({"horizon": "11"}, "Years to project must be between 1 and 10"),
        ({"horizon": "five"}, "Years to project must be a whole number, like 5"),
        ({"horizon": ""}, "Enter how many years to project"),
        ({"method": "trend", "trend_years": ""}, "Enter how many years of figures to fit the trend to"),
        ({"method": "trend", "trend_years": "1"}, "Years to fit the trend to must be between 2 and 20"),
        ({"prevalence_change_pct": "lots"}, "Annual change in prevalence must be a number, like 2.5 or -1"),
        ({"prevalence_change_pct": "60"}, "Annual change in prevalence must be between -50 and 50"),
        ({"base_year": "2019"}, "Select a base year from the list"),
        ({"method": ""}, "Select a projection method"),
    ],
)
def test_projection_form_messages(client, commissioner_northshire, data, message):
    seed_figures(commissioner_northshire)
    client.force_login(commissioner_northshire)
    values = {
        "method": "prevalence",
        "base_year": "2024",
        "horizon": "5",
        "trend_years": "5",
        "prevalence_change_pct": "0",
    }
    values.update(data)
    response = client.post(reverse("needs:projection_create"), values)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProjectionRun.objects.exists()


def test_the_other_methods_hidden_question_is_ignored(client, commissioner_northshire):
    seed_figures(commissioner_northshire)
    client.force_login(commissioner_northshire)
    values = {
        "method": "prevalence",
        "base_year": "2024",
        "horizon": "2",
        "trend_years": "1",
        "prevalence_change_pct": "0",
    }
    assert client.post(reverse("needs:projection_create"), values).status_code == 302
    values = {
        "method": "trend",
        "base_year": "2024",
        "horizon": "2",
        "trend_years": "3",
        "prevalence_change_pct": "lots",
    }
    assert client.post(reverse("needs:projection_create"), values).status_code == 302
    assert [run.parameters for run in ProjectionRun.objects.order_by("pk")] == [
        {"base_year": 2024, "horizon": 2, "prevalence_change_pct": 0.0},
        {"base_year": 2024, "horizon": 2, "trend_years": 3},
    ]


def test_a_prevalence_projection_without_population_says_what_is_missing(client, commissioner_northshire):
    seed_figures(commissioner_northshire, population=False)
    client.force_login(commissioner_northshire)
    response = client.post(
        reverse("needs:projection_create"),
        {
            "method": "prevalence",
            "base_year": "2024",
            "horizon": "5",
            "trend_years": "5",
            "prevalence_change_pct": "0",
        },
    )
    assert response.status_code == 400
    assert "There are no population figures for Northshire in 2024 or before it" in response.content.decode()
    assert not ProjectionRun.objects.exists()


def test_a_trend_with_too_few_years_is_refused_not_stored(client, commissioner_northshire):
    seed_figures(commissioner_northshire)  # band totals 2020-2022 and needs in 2024: 2023 has no figures
    client.force_login(commissioner_northshire)
    values = {
        "method": "trend",
        "base_year": "2024",
        "horizon": "5",
        "trend_years": "2",
        "prevalence_change_pct": "",
    }
    response = client.post(reverse("needs:projection_create"), values)
    assert response.status_code == 400
    assert "Nothing could be projected from these figures" in response.content.decode()
    assert not ProjectionRun.objects.exists()


def test_without_figures_the_form_says_what_to_import(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    html = client.get(reverse("needs:projection_create")).content.decode()
    assert "There are no EHC plan figures by primary need and age for your council yet" in html
    assert "Run projection" not in html


def test_the_projection_list_and_its_empty_state(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    assert "No projection has been run yet" in client.get(reverse("needs:projection_list")).content.decode()
    run = run_for(commissioner_northshire)
    html = client.get(reverse("needs:projection_list")).content.decode()
    assert reverse("needs:projection_detail", args=[run.pk]) in html
    assert "2024/25 to 2025/26" in html


def test_the_projection_list_and_detail_cost_a_fixed_number_of_queries(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    run_for(commissioner_northshire)
    few = _count_queries(client, reverse("needs:projection_list"))
    for _ in range(30):
        run_for(commissioner_northshire)
    assert _count_queries(client, reverse("needs:projection_list")) == few


# ---------------------------------------------------------------------------------------------------------
# Feedback


def feedback_post(**fields):
    data = {
        "source": "parent_carer",
        "received_on_0": "27",
        "received_on_1": "3",
        "received_on_2": "2025",
        "service_area": "Speech and language therapy",
        "primary_need": "SLCN",
        "summary": "  The therapist listened to us.  ",
        "sentiment": "positive",
    }
    data.update(fields)
    return data


def test_recording_feedback(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    page = client.get(reverse("needs:feedback_create")).content.decode()
    assert "govuk-date-input" in page
    response = client.post(reverse("needs:feedback_create"), feedback_post())
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert (item.received_on, item.summary, item.recorded_by) == (
        datetime.date(2025, 3, 27),
        "The therapist listened to us.",
        commissioner_northshire,
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, target_type="needs.feedback", target_id=str(item.pk)
    ).exists()
    html = client.get(reverse("needs:feedback_list")).content.decode()
    assert "The feedback has been recorded." in html
    assert "The therapist listened to us." in html


def test_changing_feedback_audits_the_fields_changed(client, commissioner_northshire, northshire_objects):
    item = northshire_objects["feedback"]
    client.force_login(commissioner_northshire)
    html = client.get(reverse("needs:feedback_edit", args=[item.pk])).content.decode()
    assert 'name="received_on_0" value="27"' in html
    response = client.post(
        reverse("needs:feedback_edit", args=[item.pk]),
        feedback_post(
            summary="We waited a year for a short break.",
            service_area="Short breaks",
            primary_need="ASD",
            sentiment="mixed",
        ),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.sentiment == "mixed"
    event = AuditEvent.objects.get(
        action=AuditAction.UPDATE, target_id=str(item.pk), target_type="needs.feedback"
    )
    assert event.detail == {"changed": ["sentiment"]}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"received_on_0": "", "received_on_1": "", "received_on_2": ""}, "Enter the date received"),
        ({"received_on_1": ""}, "Date received must include a month"),
        ({"received_on_0": "31", "received_on_1": "2"}, "Date received must be a real date"),
        ({"received_on_0": "x"}, "Date received must be a real date"),
        ({"received_on_2": "25"}, "Year must include 4 numbers"),
        ({"received_on_2": str(timezone.localdate().year + 1)}, "Date received must be today or in the past"),
        ({"source": ""}, "Select who the feedback came from"),
        ({"service_area": "   "}, "Enter the service area"),
        ({"service_area": "x" * 121}, "Service area must be 120 characters or fewer"),
        ({"summary": ""}, "Enter what was said"),
        ({"sentiment": ""}, "Select whether the feedback was positive, mixed or negative"),
        ({"primary_need": "XYZ"}, "Select a primary need, or ‘Not about one need’"),
    ],
)
def test_feedback_form_messages(client, commissioner_northshire, fields, message):
    client.force_login(commissioner_northshire)
    response = client.post(reverse("needs:feedback_create"), feedback_post(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Feedback.objects.exists()


def test_the_feedback_list_filters(client, commissioner_northshire, commissioner_southvale):
    feedback_for(
        commissioner_northshire,
        summary="Autism outreach was brilliant",
        sentiment="positive",
        service_area="Outreach",
    )
    feedback_for(
        commissioner_northshire,
        summary="Transport was late again",
        sentiment="negative",
        primary_need="",
        service_area="Transport",
    )
    feedback_for(commissioner_southvale, summary="A Southvale comment", service_area="Southvale only")
    client.force_login(commissioner_northshire)
    html = client.get(reverse("needs:feedback_list")).content.decode()
    assert "Autism outreach" in html and "Transport was late" in html
    assert "Southvale" not in html
    html = client.get(reverse("needs:feedback_list"), {"sentiment": "negative"}).content.decode()
    assert "Transport was late" in html and "Autism outreach" not in html
    html = client.get(reverse("needs:feedback_list"), {"need": "ASD"}).content.decode()
    assert "Autism outreach" in html and "Transport was late" not in html
    html = client.get(reverse("needs:feedback_list"), {"service_area": "Transport"}).content.decode()
    assert "Transport was late" in html and "Autism outreach" not in html
    # A value not on offer is ignored, not an error.
    response = client.get(reverse("needs:feedback_list"), {"sentiment": "furious", "need": "ASD"})
    assert response.status_code == 200
    assert "Autism outreach" in response.content.decode()
    html = client.get(reverse("needs:feedback_list"), {"sentiment": "mixed"}).content.decode()
    assert "No feedback matches these filters" in html


def test_the_feedback_list_costs_the_same_queries_for_10_or_200_items(client, commissioner_northshire):
    client.force_login(commissioner_northshire)

    def add(count):
        Feedback.objects.bulk_create(
            Feedback(
                organisation=commissioner_northshire.organisation,
                source="forum",
                received_on=datetime.date(2025, 1, 1 + i % 28),
                service_area=f"Area {i % 7}",
                primary_need="ASD",
                summary="Said",
                sentiment="mixed",
                recorded_by=commissioner_northshire,
            )
            for i in range(count)
        )

    add(10)
    few = _count_queries(client, reverse("needs:feedback_list"))
    filtered_few = _count_queries(client, reverse("needs:feedback_list") + "?sentiment=mixed&need=ASD")
    add(190)
    assert Feedback.objects.count() == 200
    assert _count_queries(client, reverse("needs:feedback_list")) == few
    assert (
        _count_queries(client, reverse("needs:feedback_list") + "?sentiment=mixed&need=ASD") == filtered_few
    )
    assert "Page 1 of 8" in client.get(reverse("needs:feedback_list")).content.decode()


# ---------------------------------------------------------------------------------------------------------
# Gaps, from a real projection run


def test_gaps_from_a_projection_and_capacity(client, commissioner_northshire):
    seed_figures(commissioner_northshire)
    run = services.projection_run_create(
        actor=commissioner_northshire, method="prevalence", base_year=2024, horizon=2
    )
    capacity_for(commissioner_northshire, year=2024, age_band="5-10", primary_need="ASD", places=10)
    capacity_for(commissioner_northshire, year=2024, age_band="5-10", primary_need="", places=7)
    client.force_login(commissioner_northshire)
    html = client.get(reverse("needs:gap_list")).content.decode()
    assert f"using the projection ‘Prevalence × population projection’ from 2024/25 (run {run.pk})" in html
    assert "No capacity is recorded for 2026/27, so the places recorded for 2024/25" in html
    assert "Counted in the all-needs total" in html
    assert "Shortfall of" in html
    detail = client.get(reverse("needs:gap_detail", args=["5-10", "ASD"])).content.decode()
    assert 'href="/commissioning/intentions/new/?gap=5-10/ASD"' in detail
    assert "Prevalence, 2024/25" in detail
    assert "per 1,000 children and young people of this age" in detail


def test_places_from_contracts_cannot_be_changed_or_deleted_here(client, commissioner_northshire, northshire):
    """Contracted places follow the contracts: the list marks them, their forms answer 404, the
    services refuse them, and the row is unchanged."""
    row = CommissionedCapacity.objects.create(
        organisation=northshire,
        primary_need="ASD",
        age_band="11-15",
        setting="independent_special",
        places=12,
        year=2026,
        basis="contracted",
        entered_by=commissioner_northshire,
    )
    client.force_login(commissioner_northshire)
    listing = client.get(reverse("needs:capacity_list"))
    assert "From contracts" in listing.content.decode()
    assert reverse("needs:capacity_edit", args=[row.pk]) not in listing.content.decode()
    for name in ("needs:capacity_edit", "needs:capacity_delete"):
        assert client.get(reverse(name, args=[row.pk])).status_code == 404
        assert client.post(reverse(name, args=[row.pk]), {"places": "1", "confirm": "yes"}).status_code == 404
    with pytest.raises(ValidationError, match="come from contracts"):
        services.capacity_delete(capacity=row, actor=commissioner_northshire)
    with pytest.raises(ValidationError, match="come from contracts"):
        services.capacity_update(
            capacity=row,
            actor=commissioner_northshire,
            year=2026,
            age_band="11-15",
            setting="mainstream",
            places=1,
        )
    row.refresh_from_db()
    assert (row.places, row.setting) == (12, "independent_special")
