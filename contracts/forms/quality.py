"""Forms for quality assurance visits and improvement plans (GOV.UK layout)."""

from __future__ import annotations

from crispy_forms_gds.layout import HTML
from django import forms
from django.conf import settings
from django.utils.html import escape

from core.forms import GovDateField, GovForm
from core.uploads import human_size

from ..models import QAArea, QARating

RATING_CHOICES = QARating.choices


class VisitArrangeForm(GovForm):
    """Plan a visit: when, who leads it, and whether the provider is told beforehand."""

    submit_label = "Save the visit"

    planned_on = GovDateField(
        name="Planned date",
        past_only=False,
        label="Planned date of the visit",
        help_text="For example, 27 3 2027. Leave blank if not yet planned",
        required=False,
    )
    lead_officer = forms.ModelChoiceField(
        label="Lead officer",
        queryset=None,
        required=False,
        empty_label="Not yet chosen",
        help_text="A commissioner of the authority",
    )
    announced = forms.TypedChoiceField(
        label="Will the provider be told of the visit beforehand?",
        choices=[("yes", "Yes, an announced visit"), ("no", "No, an unannounced visit")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
        error_messages={"required": "Select whether the provider will be told of the visit beforehand"},
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_officer"].queryset = officers
        self.fields["lead_officer"].label_from_instance = lambda user: user.full_name or user.email


class VisitAddForm(VisitArrangeForm):
    submit_label = "Add the visit"

    due_on = GovDateField(
        name="Due date", past_only=False, label="Date the visit is due by", help_text="For example, 27 3 2027"
    )

    field_order = ["due_on", "planned_on", "lead_officer", "announced"]


class VisitRecordForm(GovForm):
    """The checklist: the visited date, a rating and findings per area, the overall rating and summary.

    Everything may be saved part-done; issuing the report checks that nothing is missing.
    """

    submit_label = "Save the record"

    visited_on = GovDateField(
        name="Date of the visit",
        label="Date of the visit",
        help_text="For example, 27 3 2027",
        required=False,
    )

    def layout_fields(self) -> list:
        """The visited date, then each area under its own heading, then the overall rating and summary."""
        fields = ["visited_on"]
        for area in QAArea:
            heading = f'<h2 class="govuk-heading-m govuk-!-margin-top-8">{escape(area.label)}</h2>'
            fields += [HTML(heading), f"rating_{area.value}", f"findings_{area.value}"]
        report = HTML('<h2 class="govuk-heading-m govuk-!-margin-top-8">The report</h2>')
        return [*fields, report, "overall_rating", "summary"]

    def findings(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            area: (data.get(f"rating_{area}") or "", data.get(f"findings_{area}") or "")
            for area in QAArea.values
        }

    @staticmethod
    def initial_for(visit) -> dict:
        initial = {
            "visited_on": visit.visited_on,
            "overall_rating": visit.overall_rating,
            "summary": visit.summary,
        }
        for finding in visit.findings.all():
            initial[f"rating_{finding.area}"] = finding.rating
            initial[f"findings_{finding.area}"] = finding.findings
        return initial


# The checklist's fields, in the order the visit follows it, after the visited date.
for _area in QAArea:
    VisitRecordForm.base_fields[f"rating_{_area.value}"] = forms.ChoiceField(
        label=f"Rating: {_area.label}", choices=RATING_CHOICES, widget=forms.RadioSelect, required=False
    )
    VisitRecordForm.base_fields[f"findings_{_area.value}"] = forms.CharField(
        label=f"Findings: {_area.label}", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
VisitRecordForm.base_fields["overall_rating"] = forms.ChoiceField(
    label="Overall rating", choices=RATING_CHOICES, widget=forms.RadioSelect, required=False
)
VisitRecordForm.base_fields["summary"] = forms.CharField(
    label="Summary of the report",
    help_text="What the provider reads first",
    widget=forms.Textarea(attrs={"rows": 6}),
    required=False,
)


class PlanForm(GovForm):
    submit_label = "Create the improvement plan"

    title = forms.CharField(
        label="Title of the plan",
        max_length=200,
        help_text="For example, 'Improvement plan after the visit of 3 December 2026'",
        error_messages={"required": "Enter a title for the improvement plan"},
    )


class ActionForm(GovForm):
    submit_label = "Add the action"

    area = forms.ChoiceField(
        label="Area of the checklist",
        choices=[("", "Not tied to one area"), *QAArea.choices],
        required=False,
    )
    description = forms.CharField(
        label="What the provider must do",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what the provider must do"},
    )
    owner = forms.CharField(
        label="Person responsible at the provider",
        max_length=150,
        help_text="Their name and role, for example 'Jo Bloggs, Registered Manager'",
        error_messages={"required": "Enter the name of the person at the provider responsible"},
    )
    due_on = GovDateField(
        name="Due date", past_only=False, label="Due date", help_text="For example, 27 3 2027"
    )


class ActionUpdateForm(GovForm):
    submit_label = "Post the update"

    text = forms.CharField(
        label="Progress made",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the progress made"},
    )
    evidence = forms.FileField(
        label="Evidence (optional)",
        required=False,
        help_text="PDF, DOCX, XLSX, ODT, ODS, CSV, PNG or JPEG, smaller than {limit}",
        error_messages={"empty": "The selected file is empty"},
    )
    reports_done = forms.BooleanField(
        label="The action is done: ask the council to verify it", required=False
    )

    def __init__(self, *args, can_report_done: bool = True, **kwargs):
        self.can_report_done = can_report_done
        super().__init__(*args, **kwargs)
        limit = human_size(settings.DOCUMENT_MAX_BYTES)
        self.fields["evidence"].help_text = self.fields["evidence"].help_text.format(limit=limit)
        if not can_report_done:
            del self.fields["reports_done"]

    def layout_fields(self) -> list:
        return [name for name in self.fields if self.can_report_done or name != "reports_done"]


class VerifyForm(GovForm):
    submit_label = "Verify the action"

    notes = forms.CharField(
        label="Verification notes (optional)",
        help_text="What you checked, for example the evidence seen on the visit",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
