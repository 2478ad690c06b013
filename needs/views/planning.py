"""Planning pages: commissioned capacity, projections, gaps and feedback.

Thin views: reads go through `needs.selectors` and `needs.analysis`, writes through
`needs.services.planning`. Each view declares its permission; pages for readers get flags saying which
write buttons to show, decided here rather than in templates.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.charts import Series, make_chart
from core.forms import add_service_errors
from core.permissions import requires

from ..analysis import gaps as gap_analysis
from ..analysis.inputs import available_base_years, year_label
from ..analysis.projections import PREVALENCE, TREND, band_label, need_label, need_sort_key
from ..forms.planning import CapacityForm, DeleteConfirmForm, FeedbackFilterForm, FeedbackForm, ProjectionForm
from ..models import ProjectionMethod
from ..selectors import (
    capacity_for_user,
    feedback_for_user,
    get_entered_capacity_for_user_or_404,
    get_feedback_for_user_or_404,
    get_projection_for_user_or_404,
    projections_for_user,
)
from ..services import planning as services
from ..vocabulary import AGE_BANDS

PAGE_SIZE = 25
HISTORY_SHOWN = 6  # recorded years shown before the projection in charts


def _paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _flags(user) -> dict[str, bool]:
    return {
        "can_manage_capacity": user.has_perm("needs.manage_capacity"),
        "can_run_projection": user.has_perm("needs.run_projection"),
        "can_record_feedback": user.has_perm("needs.record_feedback"),
    }


def _render_form(request, template: str, context: dict):
    status = 400 if context["form"].errors else 200
    return render(request, template, context, status=status)


# ---------------------------------------------------------------------------------------------------------
# Capacity


@require_GET
@requires("needs.view_analysis")
def capacity_list(request):
    rows = capacity_for_user(request.user)
    years = sorted(set(rows.values_list("year", flat=True).distinct()), reverse=True)
    year = request.GET.get("year", "")
    chosen = int(year) if year.isdigit() and int(year) in years else None
    if chosen is not None:
        rows = rows.filter(year=chosen)
    page = _paginate(request, rows.order_by("-year", "age_band", "primary_need", "setting", "pk"))
    for row in page.object_list:
        row.age_band_label = band_label(row.age_band)
        row.year_label = year_label(row.year)
    total = rows.aggregate(places=Sum("places"))["places"] or 0
    return render(
        request,
        "needs/planning/capacity_list.html",
        {
            "page": page,
            "years": [(y, year_label(y)) for y in years],
            "year": chosen,
            "year_label": year_label(chosen) if chosen else "",
            "total_places": total,
            "query_string": urlencode({"year": chosen}) if chosen else "",
            **_flags(request.user),
        },
    )


def _capacity_values(form) -> dict:
    data = form.cleaned_data
    return {
        "year": data["year"],
        "primary_need": data["primary_need"],
        "age_band": data["age_band"],
        "setting": data["setting"],
        "places": data["places"],
        "notes": data["notes"],
    }


def _capacity_list_url(year: int) -> str:
    return f"{reverse('needs:capacity_list')}?{urlencode({'year': year})}"


@require_http_methods(["GET", "POST"])
@requires("needs.manage_capacity")
def capacity_create(request):
    form = CapacityForm(request.POST if request.method == "POST" else None, submit_label="Add places")
    if request.method == "POST" and form.is_valid():
        try:
            capacity = services.capacity_create(actor=request.user, **_capacity_values(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            plural = "s" if capacity.places != 1 else ""
            messages.success(
                request, f"{capacity.places:,} place{plural} added for {year_label(capacity.year)}."
            )
            return redirect(_capacity_list_url(capacity.year))
    return _render_form(request, "needs/planning/capacity_form.html", {"form": form, "capacity": None})


@require_http_methods(["GET", "POST"])
@requires("needs.manage_capacity")
def capacity_edit(request, pk):
    capacity = get_entered_capacity_for_user_or_404(request.user, pk)
    initial = {
        "year": capacity.year,
        "primary_need": capacity.primary_need,
        "age_band": capacity.age_band,
        "setting": capacity.setting,
        "places": capacity.places,
        "notes": capacity.notes,
    }
    form = CapacityForm(
        request.POST if request.method == "POST" else None, initial=initial, submit_label="Save changes"
    )
    if request.method == "POST" and form.is_valid():
        try:
            capacity = services.capacity_update(
                capacity=capacity, actor=request.user, **_capacity_values(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The places have been updated.")
            return redirect(_capacity_list_url(capacity.year))
    capacity.age_band_label = band_label(capacity.age_band)
    return _render_form(request, "needs/planning/capacity_form.html", {"form": form, "capacity": capacity})


@require_http_methods(["GET", "POST"])
@requires("needs.manage_capacity")
def capacity_delete(request, pk):
    capacity = get_entered_capacity_for_user_or_404(request.user, pk)
    form = DeleteConfirmForm(request.POST if request.method == "POST" else None, submit_label="Delete places")
    if request.method == "POST" and form.is_valid():
        year = capacity.year
        services.capacity_delete(capacity=capacity, actor=request.user)
        messages.success(request, "The places have been deleted.")
        return redirect(_capacity_list_url(year))
    capacity.age_band_label = band_label(capacity.age_band)
    capacity.year_label = year_label(capacity.year)
    return render(request, "needs/planning/capacity_delete.html", {"capacity": capacity, "form": form})


# ---------------------------------------------------------------------------------------------------------
# Projections


@require_GET
@requires("needs.view_analysis")
def projection_list(request):
    page = _paginate(request, projections_for_user(request.user).select_related("created_by"))
    for run in page.object_list:
        run.base_year_label = year_label(run.base_year)
        run.last_year_label = year_label(run.base_year + run.horizon)
    return render(request, "needs/planning/projection_list.html", {"page": page, **_flags(request.user)})


PREFILL_FIELDS = ("method", "base_year", "horizon", "trend_years", "prevalence_change_pct")


@require_http_methods(["GET", "POST"])
@requires("needs.run_projection")
def projection_create(request):
    base_years = available_base_years(request.user)
    # "Run again with these parameters" links here with the run's parameters in the query string.
    initial = {name: request.GET[name] for name in PREFILL_FIELDS if request.GET.get(name)}
    form = ProjectionForm(
        request.POST if request.method == "POST" else None, initial=initial, base_years=base_years
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.projection_run_create(
                actor=request.user,
                method=data["method"],
                base_year=data["base_year"],
                horizon=data["horizon"],
                trend_years=data["trend_years"],
                prevalence_change_pct=float(data["prevalence_change_pct"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The projection has been run.")
            return redirect("needs:projection_detail", pk=run.pk)
    return _render_form(
        request,
        "needs/planning/projection_form.html",
        {"form": form, "base_years": base_years, "can_import": request.user.has_perm("needs.import_data")},
    )


def _whole(value: float | None) -> int | None:
    return gap_analysis.whole(value)


def _band_charts(run) -> list[dict]:
    """Per age band: a line chart of recorded and projected plans (all needs), and a table by need."""
    history = run.inputs.get("plans_history", {})
    projected_years = sorted({row["year"] for row in run.results})
    recorded_years = sorted(
        {int(year) for years in history.values() for year in years if int(year) <= run.base_year}
    )
    # Every year from the first recorded one shown, so a year with no figure leaves a gap, not a jump.
    first = max(recorded_years[0], run.base_year - HISTORY_SHOWN + 1) if recorded_years else run.base_year + 1
    years = list(range(first, max(projected_years, default=run.base_year) + 1))
    labels = [year_label(year) for year in years]
    by_band_need: dict[str, dict[str, dict[int, float]]] = {}
    for row in run.results:
        by_band_need.setdefault(row["age_band"], {}).setdefault(row["primary_need"], {})[row["year"]] = row[
            "value"
        ]
    sections = []
    for band in AGE_BANDS:
        recorded = history.get(band.code, {})
        needs = by_band_need.get(band.code, {})
        totals = {year: sum(values.get(year, 0.0) for values in needs.values()) for year in projected_years}
        recorded_values = [_whole(recorded.get(str(year))) for year in years]
        projected_values = [_whole(totals[year]) if needs and year in totals else None for year in years]
        if not any(v is not None for v in recorded_values + projected_values):
            continue
        last_recorded = next(
            ((labels[i], v) for i, v in reversed(list(enumerate(recorded_values))) if v is not None), None
        )
        last_projected = next(
            ((labels[i], v) for i, v in reversed(list(enumerate(projected_values))) if v is not None), None
        )
        description = f"EHC plans for children and young people aged {band.label.lower()}, all needs."
        if last_recorded:
            description += f" Recorded: {last_recorded[1]:,} in {last_recorded[0]}."
        if last_projected:
            description += f" Projected: {last_projected[1]:,} in {last_projected[0]}."
        else:
            description += " This band was not projected."
        chart = make_chart(
            "line",
            title=f"EHC plans, {band.label.lower()}: recorded and projected",
            categories=labels,
            series=[
                Series("Recorded", recorded_values, decimals=0),
                Series("Projected", projected_values, decimals=0),
            ],
            y_label="EHC plans",
            description=description,
            category_label="Year",
        )
        need_rows = [
            {"label": need_label(need), "values": [_whole(values.get(year)) for year in projected_years]}
            for need, values in sorted(needs.items(), key=lambda item: need_sort_key(item[0]))
        ]
        sections.append(
            {
                "band": band,
                "chart": chart,
                "years": [year_label(year) for year in projected_years],
                "need_rows": need_rows,
                "totals": [_whole(totals[year]) for year in projected_years] if needs else [],
            }
        )
    return sections


def _base_year_table(run) -> dict:
    """The base-year EHC plans by need (rows) and age band (columns) the projection started from."""
    by_need = run.inputs.get("plans_by_need", {})
    bands = [band for band in AGE_BANDS if any(band.code in values for values in by_need.values())]
    rows = [
        {"label": need_label(need), "values": [values.get(band.code) for band in bands]}
        for need, values in sorted(by_need.items(), key=lambda item: need_sort_key(item[0]))
    ]
    totals = [sum(values.get(band.code, 0) for values in by_need.values()) for band in bands]
    return {"bands": bands, "rows": rows, "totals": totals}


def _population_table(run) -> list[dict]:
    population = run.inputs.get("derived", {}).get("population_by_band", {})
    source = run.inputs.get("derived", {}).get("population_source", {})
    how = {"published": "Published", "aged": "Aged forward", "held": "Held at last published"}
    return [
        {
            "year": year,
            "source": how.get(source.get(year, ""), ""),
            "values": [population[year].get(band.code) for band in AGE_BANDS],
        }
        for year in sorted(population, key=int)
    ]


def _trend_table(run) -> list[dict]:
    fits = run.inputs.get("derived", {}).get("fits", {})
    return [
        {
            "band": band.label,
            "years": ", ".join(year_label(year) for year in fits[band.code]["years"]),
            "slope": f"{fits[band.code]['slope']:+,.1f}",
        }
        for band in AGE_BANDS
        if band.code in fits
    ]


def _reproduce_url(run) -> str:
    parameters = {"method": run.method, "base_year": run.base_year, "horizon": run.horizon}
    if run.method == TREND:
        parameters["trend_years"] = run.parameters.get("trend_years", 5)
    else:
        parameters["prevalence_change_pct"] = run.parameters.get("prevalence_change_pct", 0)
    return f"{reverse('needs:projection_create')}?{urlencode(parameters)}"


@require_GET
@requires("needs.view_analysis")
def projection_detail(request, pk):
    run = get_projection_for_user_or_404(request.user, pk)
    context = {
        "run": run,
        "base_year_label": year_label(run.base_year),
        "last_year_label": year_label(run.base_year + run.horizon),
        "population_year": run.inputs.get("population_year"),
        "statement_paragraphs": [p for p in run.method_statement.split("\n\n") if p.strip()],
        "sections": _band_charts(run),
        "base_table": _base_year_table(run),
        "population_rows": _population_table(run) if run.method == PREVALENCE else [],
        "age_bands": AGE_BANDS,
        "trend_rows": _trend_table(run) if run.method == TREND else [],
        "reproduce_url": _reproduce_url(run),
        "gap_url": f"{reverse('needs:gap_list')}?{urlencode({'run': run.pk})}",
        "is_prevalence": run.method == PREVALENCE,
        "method_label": ProjectionMethod(run.method).label,
        **_flags(request.user),
    }
    return render(request, "needs/planning/projection_detail.html", context)


# ---------------------------------------------------------------------------------------------------------
# Gaps


def _gap_chart(analysis) -> object | None:
    totals = [row for row in analysis.rows if row.is_total]
    if not totals:
        return None
    categories = [row.age_band_label for row in totals]
    demand = [row.projected_whole for row in totals]
    places = [row.capacity for row in totals]
    shortfalls = [f"{row.age_band_label.lower()} ({row.gap:,})" for row in totals if row.is_shortfall]
    description = (
        f"Projected demand and commissioned places by age band in {year_label(analysis.target_year)}, "
        "all needs. "
        + (
            "Shortfalls: " + "; ".join(shortfalls) + "."
            if shortfalls
            else "No age band has fewer places than projected demand."
        )
    )
    return make_chart(
        "bar",
        title=f"Projected demand and places by age band, {year_label(analysis.target_year)}",
        categories=categories,
        series=[
            Series("Projected demand", demand, decimals=0),
            Series("Commissioned places", places, decimals=0),
        ],
        table_series=[
            Series("Projected demand", demand, decimals=0),
            Series("Commissioned places", places, decimals=0),
            Series("Gap (demand minus places)", [row.gap for row in totals], decimals=0),
        ],
        y_label="Children and young people",
        description=description,
        category_label="Age band",
    )


@require_GET
@requires("needs.view_analysis")
def gap_list(request):
    analysis = gap_analysis.gap_analysis_for(
        request.user, run_id=request.GET.get("run"), year=request.GET.get("year")
    )
    runs = list(projections_for_user(request.user)[:20]) if analysis.run else []
    if analysis.run and analysis.run not in runs:
        runs.append(analysis.run)
    for run in runs:
        run.base_year_label = year_label(run.base_year)
    bands = []
    for band in AGE_BANDS:
        rows = [row for row in analysis.rows if row.age_band == band.code]
        if rows:
            bands.append({"band": band, "rows": rows})
    return render(
        request,
        "needs/planning/gap_list.html",
        {
            "analysis": analysis,
            "bands": bands,
            "runs": runs,
            "years": [(year, year_label(year)) for year in analysis.years],
            "target_year_label": year_label(analysis.target_year) if analysis.target_year else "",
            "capacity_year_label": year_label(analysis.capacity_year) if analysis.capacity_year else "",
            "chart": _gap_chart(analysis) if analysis.run else None,
            "query": analysis.query(),
            **_flags(request.user),
        },
    )


@require_GET
@requires("needs.view_analysis")
def gap_detail(request, age_band, need):
    detail = gap_analysis.gap_detail_for(
        request.user,
        age_band=age_band,
        need=need,
        run_id=request.GET.get("run"),
        year=request.GET.get("year"),
    )
    chart = None
    if detail.series:
        labels = [point["label"] for point in detail.series]
        projected = [_whole(point["projected"]) for point in detail.series]
        places = [point["capacity"] for point in detail.series]
        chart = make_chart(
            "line",
            title=(
                f"Projected demand and places: {detail.need_label.lower()}, {detail.age_band_label.lower()}"
            ),
            categories=labels,
            series=[
                Series("Projected demand", projected, decimals=0),
                Series("Commissioned places", places, decimals=0),
            ],
            y_label="Children and young people",
            description=(
                f"Projected demand for {detail.need_label.lower()}, {detail.age_band_label.lower()}, from "
                f"{labels[0]} to {labels[-1]}, against the places commissioned for each year (or the latest "
                "year before it)."
            ),
            category_label="Year",
        )
    for row in detail.capacity_rows:
        row.age_band_label = band_label(row.age_band)
    analysis = detail.analysis
    return render(
        request,
        "needs/planning/gap_detail.html",
        {
            "detail": detail,
            "analysis": analysis,
            "row": detail.row,
            "chart": chart,
            "target_year_label": year_label(analysis.target_year) if analysis.target_year else "",
            "capacity_year_label": year_label(analysis.capacity_year) if analysis.capacity_year else "",
            "back_url": f"{reverse('needs:gap_list')}?{analysis.query()}"
            if analysis.run
            else reverse("needs:gap_list"),
            **_flags(request.user),
        },
    )


# ---------------------------------------------------------------------------------------------------------
# Feedback


@require_GET
@requires("needs.view_analysis")
def feedback_list(request):
    items = feedback_for_user(request.user)
    service_areas = list(items.order_by("service_area").values_list("service_area", flat=True).distinct())
    filter_form = FeedbackFilterForm(request.GET or None, service_areas=service_areas)
    filters = filter_form.filters() if request.GET else {}
    if filters.get("service_area"):
        items = items.filter(service_area=filters["service_area"])
    if filters.get("need"):
        items = items.filter(primary_need=filters["need"])
    if filters.get("sentiment"):
        items = items.filter(sentiment=filters["sentiment"])
    page = _paginate(request, items.select_related("recorded_by"))
    return render(
        request,
        "needs/planning/feedback_list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "filtered": bool(filters),
            "query_string": urlencode(filters),
            **_flags(request.user),
        },
    )


def _feedback_values(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.FEEDBACK_FIELDS}


@require_http_methods(["GET", "POST"])
@requires("needs.record_feedback")
def feedback_create(request):
    form = FeedbackForm(request.POST if request.method == "POST" else None, submit_label="Save feedback")
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_create(actor=request.user, **_feedback_values(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The feedback has been recorded.")
            return redirect("needs:feedback_list")
    return _render_form(request, "needs/planning/feedback_form.html", {"form": form, "feedback": None})


@require_http_methods(["GET", "POST"])
@requires("needs.record_feedback")
def feedback_edit(request, pk):
    feedback = get_feedback_for_user_or_404(request.user, pk)
    initial = {name: getattr(feedback, name) for name in services.FEEDBACK_FIELDS}
    form = FeedbackForm(
        request.POST if request.method == "POST" else None, initial=initial, submit_label="Save changes"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_update(feedback=feedback, actor=request.user, **_feedback_values(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The feedback has been updated.")
            return redirect("needs:feedback_list")
    return _render_form(request, "needs/planning/feedback_form.html", {"form": form, "feedback": feedback})
