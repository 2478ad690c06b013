"""Forms for commissioning intentions."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.contrib.auth import get_user_model

from accounts.models import Role
from core.forms import GovDateField, GovForm
from needs.vocabulary import AGE_BANDS, PrimaryNeed

from ..models import IntentionStatus, Priority

STAFF_ROLES = [
    Role.COMMISSIONER,
    Role.LEAD_COMMISSIONER,
    Role.EVALUATOR,
    Role.FINANCE_APPROVER,
    Role.LEGAL_APPROVER,
]


def council_staff(organisation_id: int):
    return (
        get_user_model()
        .objects.filter(
            organisation_id=organisation_id, is_active=True, role_assignments__role__in=STAFF_ROLES
        )
        .distinct()
        .order_by("full_name", "email")
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({obj.email})"


class IntentionForm(GovForm):
    submit_label = "Save intention"

    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title", "max_length": "Title must be 200 characters or fewer"},
    )
    summary = forms.CharField(
        label="Summary",
        help_text="What the council means to do, and why",
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter a summary",
            "max_length": "Summary must be 5,000 characters or fewer",
        },
    )
    priority = forms.ChoiceField(
        label="Priority",
        choices=Priority.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a priority", "invalid_choice": "Select a priority"},
    )
    service_area = forms.CharField(
        label="Service area",
        help_text="For example, specialist school places, short breaks",
        max_length=120,
        error_messages={
            "required": "Enter the service area",
            "max_length": "Service area must be 120 characters or fewer",
        },
    )
    primary_need = forms.ChoiceField(
        label="Primary need",
        choices=[("", "Any need"), *PrimaryNeed.choices],
        required=False,
        error_messages={"invalid_choice": "Select a primary need, or ‘Any need’"},
    )
    age_band = forms.ChoiceField(
        label="Age band",
        choices=[("", "All ages"), *((band.code, band.label) for band in AGE_BANDS)],
        required=False,
        error_messages={"invalid_choice": "Select an age band, or ‘All ages’"},
    )
    target_date = GovDateField(
        name="Target date", label="Target date", help_text="For example, 1 9 2027", past_only=False
    )
    owner = OwnerChoiceField(
        label="Owner",
        help_text="Who in the council is responsible for it",
        queryset=get_user_model().objects.none(),
        empty_label="Choose an owner",
        error_messages={
            "required": "Select an owner",
            "invalid_choice": "Select an owner from your council's staff",
        },
    )

    def __init__(self, *args, organisation_id: int, with_status: bool = False, **kwargs):
        self.with_status = with_status
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = council_staff(organisation_id)
        if with_status:
            self.fields["status"] = forms.ChoiceField(
                label="Status",
                choices=IntentionStatus.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Select a status", "invalid_choice": "Select a status"},
            )
            from crispy_forms_gds.layout import Layout, Submit

            self.helper.layout = Layout(*self.layout_fields(), Submit(self.submit_name, self.submit_label))

    def layout_fields(self) -> list:
        return [
            Field.text("title"),
            Field.textarea("summary", rows=5, max_characters=5000),
            Field.radios("priority", legend_size=Size.SMALL, inline=True),
            Field.text("service_area", field_width="two-thirds"),
            Field.select("primary_need"),
            Field.select("age_band"),
            Field("target_date", context={"legend_size": "govuk-fieldset__legend--s"}),
            Field.select("owner"),
            *([Field.radios("status", legend_size=Size.SMALL)] if "status" in self.fields else []),
        ]

    def clean_title(self):
        value = self.cleaned_data["title"].strip()
        if not value:
            raise forms.ValidationError("Enter a title")
        return value


class IntentionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *IntentionStatus.choices]
    )
    priority = forms.ChoiceField(
        label="Priority", required=False, choices=[("", "Any priority"), *Priority.choices]
    )
