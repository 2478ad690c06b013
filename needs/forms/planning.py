"""Forms for capacity, projections and feedback: GOV.UK layouts and messages; the services do the writing."""

from __future__ import annotations

import re

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from core.forms import GovDateField, GovForm

from ..analysis.inputs import year_label
from ..analysis.projections import (
    MAX_PREVALENCE_CHANGE_PCT,
    MAX_TREND_YEARS,
    MIN_TREND_YEARS,
    PREVALENCE,
    TREND,
)
from ..models import FeedbackSource, Sentiment
from ..vocabulary import AGE_BANDS, PrimaryNeed, Setting

NUMERIC = {"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}
DECIMAL = {"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off"}
AGE_BAND_CHOICES = [(band.code, band.label) for band in AGE_BANDS]


class WholeNumberField(forms.IntegerField):
    """A whole number typed into a text input (GOV.UK: no type="number"); spaces and commas are allowed."""

    def __init__(self, *, attrs: dict | None = None, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs or NUMERIC))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s,]", "", value)
        return super().to_python(value)


def whole_number(
    *, label: str, what: str, example: int, minimum: int, maximum: int, required: str, **kwargs
) -> WholeNumberField:
    """A whole-number field with the GOV.UK messages for a missing, malformed or out-of-range answer."""
    between = f"{what} must be between {minimum:,} and {maximum:,}"
    return WholeNumberField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        error_messages={
            "required": required,
            "invalid": f"{what} must be a whole number, like {example}",
            "min_value": kwargs.pop("min_message", between),
            "max_value": kwargs.pop("max_message", between),
        },
        **kwargs,
    )


# ---------------------------------------------------------------------------------------------------------
# Capacity


class CapacityForm(GovForm):
    submit_label = "Save places"

    year = whole_number(
        label="Academic year the places are for",
        help_text="The year it starts, for example 2025 for 2025/26",
        what="Year",
        example=2025,
        minimum=2000,
        maximum=2100,
        required="Enter the academic year the places are for",
    )
    age_band = forms.ChoiceField(
        label="Age band",
        choices=AGE_BAND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select an age band", "invalid_choice": "Select an age band"},
    )
    primary_need = forms.ChoiceField(
        label="Primary need",
        help_text="Choose ‘Any need’ for places open to children and young people with any need",
        choices=[("", "Any need"), *PrimaryNeed.choices],
        required=False,
        error_messages={"invalid_choice": "Select a primary need, or ‘Any need’"},
    )
    setting = forms.ChoiceField(
        label="Setting",
        choices=[("", "Choose a setting"), *Setting.choices],
        error_messages={"required": "Select a setting", "invalid_choice": "Select a setting"},
    )
    places = whole_number(
        label="Number of places",
        what="Places",
        example=12,
        minimum=0,
        maximum=100_000,
        required="Enter the number of places",
        min_message="Places must be 0 or more",
        max_message="Places must be 100,000 or fewer",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        help_text="For example, the contract or provider the places come from",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": "Notes must be 2,000 characters or fewer"},
    )

    def layout_fields(self) -> list:
        return [
            Field.text("year", field_width=4),
            Field.radios("age_band", legend_size=Size.SMALL),
            Field.select("primary_need"),
            Field.select("setting"),
            Field.text("places", field_width=5),
            Field.textarea("notes", rows=3),
        ]


class DeleteConfirmForm(GovForm):
    """A yes-only confirmation whose button is the red warning button GOV.UK uses for deleting."""

    submit_label = "Delete"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Submit(self.submit_name, self.submit_label, css_class="govuk-button--warning")
        )


# ---------------------------------------------------------------------------------------------------------
# Projections

METHOD_CHOICES = [
    Choice(
        PREVALENCE,
        "Prevalence × population projection",
        hint=(
            "Works out the share of children and young people with an EHC plan in each primary need and age "
            "band in the base year (the prevalence), then applies it to the population as each year's "
            "children grow a year older. Needs population estimates."
        ),
    ),
    Choice(
        TREND,
        "Trend extrapolation",
        hint=(
            "Fits a straight line to the number of EHC plans in each age band over recent years and extends "
            "it, then splits each band between primary needs in the base year's proportions."
        ),
    ),
]


class ProjectionForm(GovForm):
    submit_label = "Run projection"

    method = forms.ChoiceField(
        label="Method",
        choices=METHOD_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a projection method",
            "invalid_choice": "Select a projection method",
        },
    )
    base_year = forms.TypedChoiceField(
        label="Base year",
        help_text="The latest year with EHC plans by primary need and age is usually the best start",
        coerce=int,
        choices=[],
        error_messages={
            "required": "Select a base year",
            "invalid_choice": "Select a base year from the list",
        },
    )
    horizon = whole_number(
        label="Years to project",
        help_text="From 1 to 10 years after the base year",
        what="Years to project",
        example=5,
        minimum=1,
        maximum=10,
        required="Enter how many years to project",
        initial=5,
    )
    trend_years = whole_number(
        label="Years of figures to fit the trend to (trend extrapolation only)",
        help_text=f"The last {MIN_TREND_YEARS} to {MAX_TREND_YEARS} years up to and including the base year",
        what="Years to fit the trend to",
        example=5,
        minimum=MIN_TREND_YEARS,
        maximum=MAX_TREND_YEARS,
        required="Enter how many years of figures to fit the trend to",
        initial=5,
    )
    prevalence_change_pct = forms.DecimalField(
        label="Annual change in prevalence, in % (prevalence × population only)",
        help_text=(
            "For example, 2.5 for a rise of 2.5% a year or -1 for a fall of 1% a year; 0 holds it steady"
        ),
        required=False,
        initial=0,
        max_digits=5,
        decimal_places=2,
        min_value=-MAX_PREVALENCE_CHANGE_PCT,
        max_value=MAX_PREVALENCE_CHANGE_PCT,
        widget=forms.TextInput(attrs=DECIMAL),
        error_messages={
            "invalid": "Annual change in prevalence must be a number, like 2.5 or -1",
            "min_value": "Annual change in prevalence must be between -50 and 50",
            "max_value": "Annual change in prevalence must be between -50 and 50",
            "max_digits": "Annual change in prevalence must be between -50 and 50",
            "max_decimal_places": "Annual change in prevalence can have at most 2 decimal places, like 2.25",
            "max_whole_digits": "Annual change in prevalence must be between -50 and 50",
        },
    )

    def __init__(self, *args, base_years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_year"].choices = [(year, year_label(year)) for year in base_years]
        self.fields["trend_years"].required = False
        if base_years and not self.initial.get("base_year"):
            self.initial["base_year"] = base_years[0]
        self.initial.setdefault("method", PREVALENCE)

    def layout_fields(self) -> list:
        # Not a conditional reveal: govuk-frontend puts aria-expanded on the radios, which axe-core reports
        # as a critical error (alphagov/govuk-frontend#979). Each question's label names its method instead.
        return [
            Field.radios("method", legend_size=Size.SMALL),
            Field.select("base_year"),
            Field.text("horizon", field_width=2),
            Field.text("trend_years", field_width=2),
            Field.text("prevalence_change_pct", field_width=4),
        ]

    def clean(self):
        data = super().clean()
        # The other method's question is not used, so whatever it holds raises no error.
        unused = {PREVALENCE: "trend_years", TREND: "prevalence_change_pct"}.get(data.get("method"))
        if unused in self._errors:
            del self._errors[unused]
            data.pop(unused, None)
        if (
            data.get("method") == TREND
            and data.get("trend_years") is None
            and "trend_years" not in self.errors
        ):
            self.add_error("trend_years", self.fields["trend_years"].error_messages["required"])
        if data.get("trend_years") is None:
            data["trend_years"] = 5
        if data.get("prevalence_change_pct") is None:
            data["prevalence_change_pct"] = 0
        return data


# ---------------------------------------------------------------------------------------------------------
# Feedback


class FeedbackForm(GovForm):
    submit_label = "Save feedback"

    source = forms.ChoiceField(
        label="Who said it",
        choices=[("", "Choose who said it"), *FeedbackSource.choices],
        error_messages={
            "required": "Select who the feedback came from",
            "invalid_choice": "Select who the feedback came from",
        },
    )
    received_on = GovDateField(
        name="Date received", label="Date received", help_text="For example, 27 3 2025"
    )
    service_area = forms.CharField(
        label="Service area",
        help_text="For example, short breaks, speech and language therapy, specialist school places",
        max_length=120,
        error_messages={
            "required": "Enter the service area",
            "max_length": "Service area must be 120 characters or fewer",
        },
    )
    primary_need = forms.ChoiceField(
        label="Primary need (optional)",
        choices=[("", "Not about one need"), *PrimaryNeed.choices],
        required=False,
        error_messages={"invalid_choice": "Select a primary need, or ‘Not about one need’"},
    )
    summary = forms.CharField(
        label="What was said",
        help_text=(
            "Quote or summarise it. Do not include names or anything else that identifies a child or family."
        ),
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter what was said",
            "max_length": "What was said must be 5,000 characters or fewer",
        },
    )
    sentiment = forms.ChoiceField(
        label="Was it positive, mixed or negative?",
        choices=Sentiment.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the feedback was positive, mixed or negative",
            "invalid_choice": "Select whether the feedback was positive, mixed or negative",
        },
    )

    def layout_fields(self) -> list:
        return [
            Field.select("source"),
            Field("received_on", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field.text("service_area", field_width="two-thirds"),
            Field.select("primary_need"),
            Field.textarea("summary", rows=5, max_characters=5000),
            Field.radios("sentiment", legend_size=Size.SMALL, inline=True),
        ]

    def clean_service_area(self):
        value = self.cleaned_data["service_area"].strip()
        if not value:
            raise ValidationError("Enter the service area")
        return value

    def clean_summary(self):
        value = self.cleaned_data["summary"].strip()
        if not value:
            raise ValidationError("Enter what was said")
        return value


class FeedbackFilterForm(forms.Form):
    """The feedback list's filters (a GET form; every field optional; unknown values are ignored)."""

    service_area = forms.ChoiceField(label="Service area", required=False, choices=[])
    need = forms.ChoiceField(
        label="Primary need", required=False, choices=[("", "All needs"), *PrimaryNeed.choices]
    )
    sentiment = forms.ChoiceField(
        label="Sentiment", required=False, choices=[("", "All"), *Sentiment.choices]
    )

    def __init__(self, *args, service_areas: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].choices = [("", "All service areas"), *[(a, a) for a in service_areas]]

    def filters(self) -> dict[str, str]:
        """The valid filters chosen; an invalid one (a tampered URL) is dropped rather than refused."""
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}
