"""Forms for contracts and their management (GOV.UK layout through crispy-forms-gds)."""

from __future__ import annotations

from crispy_forms_gds.layout import Fieldset, Layout, Submit
from django import forms

from accounts.models import Organisation, OrganisationKind
from core.forms import GovDateField, GovForm, WholeNumberField
from needs.vocabulary import AGE_BANDS, PrimaryNeed, Setting
from procurement.forms.fps import PoundsAndPenceField

from ..models import (
    ContractOrigin,
    ContractStatus,
    KpiDirection,
    KpiFrequency,
    MeetingActionOwner,
    ReviewDecision,
    RiskRating,
)
from ..services.contracts import awards_open_for_contract, memberships_open_for_contract

MEETING_ACTION_ROWS = 3


def _decimal(label: str, required_message: str, *, name: str | None = None, **kwargs) -> forms.DecimalField:
    """`name` is the field in its error messages when the label holds text typed into the service (a KPI's
    unit, such as "%"), which Django would read as a format in messages that carry parameters."""
    said = name or label
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
        error_messages={
            "required": required_message,
            "invalid": f"{said} must be a number",
            "max_digits": f"{said} must be smaller",
            "max_decimal_places": f"{said} must have no more than 2 decimal places",
            "max_whole_digits": f"{said} must be smaller",
        },
        **kwargs,
    )


class RouteForm(GovForm):
    submit_label = "Continue"

    route = forms.ChoiceField(
        label="Where does the contract come from?",
        choices=ContractOrigin.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the contract comes from"},
    )


class ContractTermsForm(GovForm):
    """The terms every contract has, whichever route it came by."""

    submit_label = "Create contract"
    include_title = True
    include_value = True

    reference = forms.CharField(
        label="Contract reference",
        max_length=40,
        help_text="Your council's own reference, for example NS-C-2027-003",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
        error_messages={"required": "Enter the contract reference"},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the contract title"}
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    value = PoundsAndPenceField(
        label="Total value, in pounds",
        max_digits=14,
        error_messages={
            "required": "Enter the total value",
            "invalid": "The total value must be an amount of money, like 250000",
        },
    )
    starts_on = GovDateField(
        name="Start date", past_only=False, label="Start date", help_text="For example, 1 4 2027"
    )
    ends_on = GovDateField(
        name="End date", past_only=False, label="End date", help_text="For example, 31 3 2029"
    )
    extension_options = forms.CharField(
        label="Extension options (optional)",
        required=False,
        max_length=200,
        help_text="For example, two periods of 12 months",
    )
    extension_months_available = WholeNumberField(
        name="the months of extension available",
        label="Months of extension available",
        min_value=0,
        max_value=120,
        initial=0,
        width=3,
    )
    notice_period_months = WholeNumberField(
        name="the notice period in months",
        label="Notice period, in months",
        help_text="The review decision is due this many months before the end date",
        min_value=0,
        max_value=36,
        initial=6,
        width=2,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.include_title:
            del self.fields["title"]
        if not self.include_value:
            del self.fields["value"]
        self.helper.layout = Layout(*self.layout_fields(), Submit(self.submit_name, self.submit_label))

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", "The end date must be after the start date")
        return data

    def terms(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if key not in self.source_fields}

    source_fields: tuple[str, ...] = ()


class AwardContractForm(ContractTermsForm):
    include_title = False
    include_value = False
    source_fields = ("award",)

    award = forms.ModelChoiceField(
        label="Award",
        queryset=None,
        widget=forms.RadioSelect,
        help_text="Awards of your council's tenders that have no contract yet",
        error_messages={"required": "Select the award"},
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].queryset = awards_open_for_contract(organisation)
        self.fields["award"].label_from_instance = lambda award: (
            f"{award.tender.reference}: {award.tender.title}, lot {award.lot.number}, "
            f"awarded to {award.submission.provider.name} for £{award.value:,.2f}"
        )

    def layout_fields(self) -> list:
        fields = list(self.fields)
        fields.remove("award")
        return ["award", *fields]


class MembershipContractForm(ContractTermsForm):
    include_title = False
    source_fields = ("membership",)

    membership = forms.ModelChoiceField(
        label="Provider's place on a purchasing system",
        queryset=None,
        widget=forms.RadioSelect,
        help_text="Active places with the overarching contract accepted, "
        "that your council has no contract for yet",
        error_messages={"required": "Select the provider's place"},
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = memberships_open_for_contract(organisation)
        self.fields["membership"].label_from_instance = lambda m: (
            f"{m.provider.name} on {m.lot.system.name}, {m.lot.code}: {m.lot.title}"
        )

    def layout_fields(self) -> list:
        fields = list(self.fields)
        fields.remove("membership")
        return ["membership", *fields]


class SpotContractForm(ContractTermsForm):
    source_fields = ("provider", "spot_justification")

    provider = forms.ModelChoiceField(
        label="Provider",
        queryset=Organisation.objects.filter(kind=OrganisationKind.PROVIDER).order_by("name"),
        empty_label="Select a provider",
        error_messages={"required": "Select the provider"},
    )
    spot_justification = forms.CharField(
        label="Why is no tender or purchasing system used?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why no tender or purchasing system was used"},
    )

    def layout_fields(self) -> list:
        fields = list(self.fields)
        for name in ("provider", "spot_justification"):
            fields.remove(name)
        return ["provider", "spot_justification", *fields]


class ContractDetailsForm(GovForm):
    submit_label = "Save details"

    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the contract title"}
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    extension_options = forms.CharField(
        label="Extension options (optional)",
        required=False,
        max_length=200,
        help_text="For example, two periods of 12 months",
    )
    notice_period_months = WholeNumberField(
        name="the notice period in months",
        label="Notice period, in months",
        help_text="The review decision is due this many months before the end date",
        min_value=0,
        max_value=36,
        width=2,
    )


class ContractFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ContractStatus.choices]
    )
    provider = forms.ModelChoiceField(
        label="Provider", required=False, queryset=None, empty_label="Any provider"
    )
    risk = forms.ChoiceField(label="Risk", required=False, choices=[("", "Any risk"), *RiskRating.choices])
    origin = forms.ChoiceField(
        label="Origin", required=False, choices=[("", "Any origin"), *ContractOrigin.choices]
    )

    def __init__(self, *args, providers, is_council: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        if not is_council:
            # A provider filters its own contracts; the council's risk rating is the council's own view.
            del self.fields["provider"]
            del self.fields["risk"]
        for field in self.fields.values():
            field.widget.attrs["class"] = "govuk-select"


class KpiForm(GovForm):
    submit_label = "Save KPI"

    title = forms.CharField(
        label="KPI",
        max_length=200,
        help_text="For example, children attending at least 90% of sessions",
        error_messages={"required": "Enter the KPI"},
    )
    unit = forms.CharField(
        label="Unit (optional)",
        max_length=40,
        required=False,
        help_text="For example, %, days, children",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    target = _decimal("Target", "Enter the target")
    direction = forms.ChoiceField(
        label="A result meets the target when it is",
        choices=KpiDirection.choices,
        initial=KpiDirection.AT_LEAST,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the result must be at least or at most the target"},
    )
    frequency = forms.ChoiceField(
        label="How often it is reported",
        choices=KpiFrequency.choices,
        initial=KpiFrequency.QUARTERLY,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often it is reported"},
    )


class CapacityForm(GovForm):
    submit_label = "Add places"

    primary_need = forms.ChoiceField(
        label="Primary need", required=False, choices=[("", "Any need"), *PrimaryNeed.choices]
    )
    age_band = forms.ChoiceField(
        label="Age band",
        choices=[("", "Select an age band"), *[(band.code, band.label) for band in AGE_BANDS]],
        error_messages={"required": "Select an age band"},
    )
    setting = forms.ChoiceField(
        label="Setting",
        choices=[("", "Select a setting"), *Setting.choices],
        error_messages={"required": "Select a setting"},
    )
    places = WholeNumberField(
        name="the number of places", label="Places", min_value=1, max_value=10000, width=4
    )


class RiskForm(GovForm):
    submit_label = "Save risk rating"

    rating = forms.ChoiceField(
        label="Risk rating",
        choices=RiskRating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the risk rating"},
    )
    reasons = forms.CharField(
        label="Reasons",
        help_text="What you considered: performance, quality, safeguarding, finances, complaints",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the reasons for the rating"},
    )


class ReviewDecisionForm(GovForm):
    submit_label = "Record decision"

    decision = forms.ChoiceField(
        label="Decision",
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision"},
    )
    new_ends_on = GovDateField(
        name="New end date",
        past_only=False,
        label="New end date (if extending)",
        required=False,
    )
    notes = forms.CharField(
        label="Notes",
        help_text="Why this decision: performance, need, value for money",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the notes for the decision"},
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == ReviewDecision.EXTEND
            and not data.get("new_ends_on")
            and "new_ends_on" not in self.errors
        ):
            self.add_error("new_ends_on", "Enter the new end date")
        return data


class ReturnForm(GovForm):
    """A value (and commentary) for every KPI of the contract; the period's dates."""

    submit_label = "Submit return"

    period_start = GovDateField(name="Start of the period", label="Start of the period")
    period_end = GovDateField(name="End of the period", label="End of the period")
    provider_commentary = forms.CharField(
        label="Commentary on the period (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, kpis, fixed_start=False, **kwargs):
        self.kpis = list(kpis)
        super().__init__(*args, **kwargs)
        if fixed_start:
            del self.fields["period_start"]
        fieldsets = []
        for kpi in self.kpis:
            unit = f" ({kpi.unit})" if kpi.unit else ""
            value_name, note_name = f"kpi_{kpi.pk}_value", f"kpi_{kpi.pk}_commentary"
            self.fields[value_name] = _decimal(
                f"Result{unit}", f"Enter the result for “{kpi.title}”", name="The result"
            )
            target = f"{kpi.target.normalize():f}{kpi.unit}"
            self.fields[value_name].help_text = f"Target: {kpi.get_direction_display().lower()}, {target}"
            self.fields[note_name] = forms.CharField(
                label="Commentary (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            fieldsets.append(Fieldset(value_name, note_name, legend=kpi.title, legend_size="s"))
        base = [name for name in ("period_start", "period_end", "provider_commentary") if name in self.fields]
        self.helper.layout = Layout(*base, *fieldsets, Submit(self.submit_name, self.submit_label))

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end of the period must be on or after its start")
        return data

    def results(self) -> dict:
        return {
            kpi.pk: (
                self.cleaned_data.get(f"kpi_{kpi.pk}_value"),
                self.cleaned_data.get(f"kpi_{kpi.pk}_commentary", ""),
            )
            for kpi in self.kpis
        }


class ReturnReviewForm(GovForm):
    submit_label = "Save review"

    outcome = forms.ChoiceField(
        label="Your review",
        choices=[("accept", "Accept the return"), ("query", "Return it to the provider with questions")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to accept the return or return it to the provider"},
    )
    notes = forms.CharField(
        label="Notes for the provider",
        required=False,
        help_text="Required when you return it: what the provider needs to correct or explain",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "query" and not (data.get("notes") or "").strip():
            self.add_error("notes", "Enter what the provider needs to change or explain")
        return data


class MeetingForm(GovForm):
    submit_label = "Save meeting"

    held_on = GovDateField(name="Date of the meeting", label="Date of the meeting")
    attendees = forms.CharField(
        label="Attendees",
        help_text="One per line, with their organisation",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter who attended"},
    )
    notes = forms.CharField(
        label="Notes",
        help_text="The council's own record. The provider sees the date, attendees and actions, "
        "not these notes",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the notes of the meeting"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fieldsets = []
        for index in range(MEETING_ACTION_ROWS):
            number = index + 1
            prefix = f"action_{index}_"
            self.fields[prefix + "description"] = forms.CharField(
                label="What needs doing", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[prefix + "owner"] = forms.ChoiceField(
                label="Who owns it",
                required=False,
                choices=[("", "Select who owns it"), *MeetingActionOwner.choices],
            )
            self.fields[prefix + "owner_name"] = forms.CharField(
                label="Name of the person (optional)", required=False, max_length=150
            )
            self.fields[prefix + "due_on"] = GovDateField(
                name=f"Due date of action {number}", past_only=False, label="Due date", required=False
            )
            fieldsets.append(
                Fieldset(
                    prefix + "description",
                    prefix + "owner",
                    prefix + "owner_name",
                    prefix + "due_on",
                    legend=f"Action {number} (optional)",
                    legend_size="s",
                )
            )
        self.helper.layout = Layout(
            "held_on", "attendees", "notes", *fieldsets, Submit(self.submit_name, self.submit_label)
        )

    def clean(self):
        data = super().clean()
        for index in range(MEETING_ACTION_ROWS):
            prefix = f"action_{index}_"
            description = (data.get(prefix + "description") or "").strip()
            filled = (
                description
                or data.get(prefix + "owner")
                or data.get(prefix + "due_on")
                or (data.get(prefix + "owner_name") or "").strip()
            )
            if not filled:
                continue
            if not description:
                self.add_error(prefix + "description", f"Enter what action {index + 1} is")
            if not data.get(prefix + "owner"):
                self.add_error(prefix + "owner", f"Select who owns action {index + 1}")
            if not data.get(prefix + "due_on") and prefix + "due_on" not in self.errors:
                self.add_error(prefix + "due_on", f"Enter when action {index + 1} is due")
        return data

    def actions(self) -> list[dict]:
        actions = []
        for index in range(MEETING_ACTION_ROWS):
            prefix = f"action_{index}_"
            if (self.cleaned_data.get(prefix + "description") or "").strip():
                actions.append(
                    {
                        "description": self.cleaned_data[prefix + "description"],
                        "owner": self.cleaned_data[prefix + "owner"],
                        "owner_name": self.cleaned_data.get(prefix + "owner_name", ""),
                        "due_on": self.cleaned_data[prefix + "due_on"],
                    }
                )
        return actions
