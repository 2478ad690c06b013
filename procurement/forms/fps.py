"""Forms for purchasing systems, memberships, referrals and placement agreements (GOV.UK layout)."""

from __future__ import annotations

import calendar

from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.core.validators import RegexValidator

from accounts.models import Organisation, OrganisationKind
from core.forms import GovDateField, GovForm, WholeNumberField
from needs.vocabulary import PrimaryNeed

from ..models import Judgement, PurchasingSystemKind
from ..services.referrals import CASE_REFERENCE

NUMERIC = {"inputmode": "numeric", "spellcheck": "false"}
ADDITIONAL_SERVICE_ROWS = 4
REVIEW_DATE_ROWS = 3


class PoundsAndPenceField(forms.DecimalField):
    """Money as people write it: "1250", "1,250.50" or "£1,250.50"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-10"}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").replace(" ", "")
        return super().to_python(value)


class PurchasingSystemForm(GovForm):
    submit_label = "Create purchasing system"

    kind = forms.ChoiceField(
        label="Kind of purchasing system",
        choices=PurchasingSystemKind.choices,
        initial=PurchasingSystemKind.FPS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of purchasing system"},
    )
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the name of the purchasing system"}
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    overarching_contract_title = forms.CharField(
        label="Title of the overarching contract",
        max_length=200,
        error_messages={"required": "Enter the title of the overarching contract"},
    )
    overarching_contract_terms = forms.CharField(
        label="Terms of the overarching contract",
        help_text="Every provider admitted reads and accepts these terms before receiving referrals",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the terms of the overarching contract"},
    )
    annual_check_month = forms.TypedChoiceField(
        label="Month the annual provider checks start",
        coerce=int,
        choices=[(number, calendar.month_name[number]) for number in range(1, 13)],
        initial=4,
    )
    annual_check_day = WholeNumberField(
        name="the day the annual checks start",
        label="Day of the month the annual checks start",
        help_text="From 1 to 28",
        min_value=1,
        max_value=28,
        initial=1,
        width=2,
    )
    starts_on = GovDateField(name="Start date", past_only=False, label="Start date")
    ends_on = GovDateField(name="End date", past_only=False, label="End date", required=False)


class MemberAuthorityForm(GovForm):
    submit_label = "Add member authority"

    authority = forms.ModelChoiceField(
        label="Local authority",
        queryset=Organisation.objects.none(),
        empty_label="Select a local authority",
        error_messages={"required": "Select a local authority"},
    )

    def __init__(self, *args, system, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.LOCAL_AUTHORITY
        ).exclude(pk__in=system.member_authorities.values("pk"))


class LotForm(GovForm):
    submit_label = "Add lot"

    code = forms.CharField(
        label="Code",
        max_length=12,
        help_text="For example, L3",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": "Enter the lot's code, for example L1"},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, 0–16 52-week residential",
        error_messages={"required": "Enter the lot's title"},
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    age_from = WholeNumberField(
        name="the youngest age", label="Youngest age", min_value=0, max_value=25, width=2
    )
    age_to = WholeNumberField(name="the oldest age", label="Oldest age", min_value=0, max_value=25, width=2)


class AdmitForm(GovForm):
    submit_label = "Admit provider"

    lot = forms.ModelChoiceField(
        label="Lot", queryset=None, empty_label="Select a lot", error_messages={"required": "Select a lot"}
    )
    provider = forms.ModelChoiceField(
        label="Provider",
        queryset=Organisation.objects.filter(kind=OrganisationKind.PROVIDER),
        empty_label="Select a provider",
        error_messages={"required": "Select a provider"},
    )
    reason = forms.CharField(
        label="Why is the provider admitted?",
        help_text="For example, 'On the list before it moved to this service'",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the provider is admitted"},
    )

    def __init__(self, *args, system, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = system.lots.all()


class AcceptContractForm(GovForm):
    submit_label = "Accept the overarching contract"

    name = forms.CharField(
        label="Your full name", max_length=150, error_messages={"required": "Enter your full name"}
    )
    role = forms.CharField(
        label="Your role at the provider",
        help_text="For example, Director of Education",
        max_length=150,
        error_messages={"required": "Enter your role at the provider"},
    )
    confirm = forms.BooleanField(
        label="I have read the terms and accept them on behalf of the provider",
        error_messages={"required": "Confirm that you accept the terms on behalf of the provider"},
    )


class OfferForm(GovForm):
    submit_label = "Save offer"

    needs_met = forms.MultipleChoiceField(
        label="Primary needs you can meet",
        choices=[(code, label) for code, label in PrimaryNeed.choices if code not in ("NSA", "UNKNOWN")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    age_from = WholeNumberField(
        name="the youngest age", label="Youngest age", min_value=0, max_value=25, width=2
    )
    age_to = WholeNumberField(name="the oldest age", label="Oldest age", min_value=0, max_value=25, width=2)
    area = forms.CharField(
        label="Area",
        help_text="Where your settings are, for example Greater Manchester",
        max_length=120,
        required=False,
    )
    places_available = WholeNumberField(
        name="places available",
        label="Places available now",
        min_value=0,
        error_messages={"required": "Enter the places available, 0 if none"},
    )


class ListFilterForm(forms.Form):
    """The electronic list's filters, read from the query string (a GET form, no submit helper)."""

    lot = forms.ModelChoiceField(label="Lot", queryset=None, required=False, empty_label="All lots")
    need = forms.ChoiceField(label="Primary need", required=False)
    age = forms.IntegerField(label="Child's age", min_value=0, max_value=25, required=False)
    area = forms.CharField(label="Area contains", max_length=120, required=False)
    judgement = forms.ChoiceField(label="Latest inspection judgement", required=False)
    min_places = forms.IntegerField(label="Places available, at least", min_value=0, required=False)

    def __init__(self, *args, system, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = system.lots.all()
        self.fields["need"].choices = [("", "Any need"), *PrimaryNeed.choices]
        self.fields["judgement"].choices = [("", "Any judgement"), *Judgement.choices]


class ReferralForm(GovForm):
    submit_label = "Save referral"

    lot = forms.ModelChoiceField(
        label="Lot", queryset=None, empty_label="Select a lot", error_messages={"required": "Select a lot"}
    )
    case_reference = forms.CharField(
        label="Case reference",
        max_length=40,
        help_text="Your authority's case reference for the child: letters, numbers and hyphens, for "
        "example NS-2026-0457. Never a child's name.",
        widget=forms.TextInput(
            attrs={"spellcheck": "false", "autocomplete": "off", "class": "govuk-input--width-20"}
        ),
        validators=[
            RegexValidator(
                CASE_REFERENCE,
                "Enter the case reference: letters, numbers and hyphens only, with at least one number. "
                "Never a child's name",
            )
        ],
        error_messages={"required": "Enter the case reference"},
    )
    year_of_birth = forms.IntegerField(
        label="Year of birth",
        widget=forms.TextInput(attrs={**NUMERIC, "class": "govuk-input--width-4"}),
        error_messages={"required": "Enter the year of birth", "invalid": "Year of birth must be a number"},
    )
    primary_need = forms.ChoiceField(
        label="Primary need",
        choices=[("", "Select the primary need"), *PrimaryNeed.choices],
        error_messages={"required": "Select the child's primary need"},
    )
    has_ehc_plan = forms.TypedChoiceField(
        label="Does the child have an EHC plan?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the child has an EHC plan"},
    )
    key_requirements = forms.CharField(
        label="Key requirements",
        help_text="What a placement must provide. Do not include names, addresses or other details that "
        "identify the child or family.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the child's key requirements"},
    )
    wanted_start_on = GovDateField(name="Wanted start date", past_only=False, label="Wanted start date")
    respond_by = GovDateField(
        name="Answer-by date",
        past_only=False,
        label="Providers must answer by",
        help_text="Providers can answer until 5pm on this day",
    )

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots


class ResponseForm(GovForm):
    submit_label = "Send answer"

    can_meet_needs = forms.TypedChoiceField(
        label="Can you meet the child's needs?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you can meet the child's needs"},
    )
    weekly_fee = PoundsAndPenceField(
        label="Weekly fee, in pounds",
        help_text="Required if you can meet the needs, for example £3,250.00",
        required=False,
        error_messages={"invalid": "The weekly fee must be an amount in pounds, like £3,250.00"},
    )
    start_on = GovDateField(name="Start date", past_only=False, label="Date you could start", required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DirectAwardForm(GovForm):
    submit_label = "Make direct award"

    provider = forms.ModelChoiceField(
        label="Provider",
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": "Select a provider"},
    )
    justification = forms.CharField(
        label="Why is a direct award justified?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter why a direct award is justified"},
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class IpaForm(GovForm):
    submit_label = "Create placement agreement"

    start_on = GovDateField(name="Start date", past_only=False, label="Start date")
    end_on = GovDateField(name="End date", past_only=False, label="End date")
    weekly_fee = PoundsAndPenceField(
        label="Weekly fee, in pounds",
        error_messages={
            "required": "Enter the weekly fee",
            "invalid": "The weekly fee must be an amount in pounds, like £3,250.00",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, ADDITIONAL_SERVICE_ROWS + 1):
            self.fields[f"service_{number}"] = forms.CharField(
                label=f"Additional service {number}",
                required=False,
                max_length=200,
                help_text="For example, 1:1 support or speech and language therapy" if number == 1 else "",
            )
            self.fields[f"service_{number}_cost"] = PoundsAndPenceField(
                label=f"Weekly cost of additional service {number}, in pounds",
                required=False,
                error_messages={
                    "invalid": f"The weekly cost of additional service {number} must be in pounds"
                },
            )
        for number in range(1, REVIEW_DATE_ROWS + 1):
            self.fields[f"review_{number}"] = GovDateField(
                name=f"Review date {number}", past_only=False, label=f"Review date {number}", required=False
            )
        self.helper.layout = Layout(*self.fields, Submit(self.submit_name, self.submit_label))

    def clean(self):
        cleaned = super().clean()
        for number in range(1, ADDITIONAL_SERVICE_ROWS + 1):
            service = (cleaned.get(f"service_{number}") or "").strip()
            cost = cleaned.get(f"service_{number}_cost")
            if service and cost is None and f"service_{number}_cost" not in self.errors:
                self.add_error(f"service_{number}_cost", f"Enter the weekly cost of {service}")
            if cost is not None and not service:
                self.add_error(f"service_{number}", f"Enter the name of additional service {number}")
        return cleaned

    def services(self) -> list[dict]:
        rows = []
        for number in range(1, ADDITIONAL_SERVICE_ROWS + 1):
            service = (self.cleaned_data.get(f"service_{number}") or "").strip()
            cost = self.cleaned_data.get(f"service_{number}_cost")
            if service:
                rows.append({"service": service, "weekly_cost": cost})
        return rows

    def review_dates(self) -> list:
        return [
            self.cleaned_data[f"review_{number}"]
            for number in range(1, REVIEW_DATE_ROWS + 1)
            if self.cleaned_data.get(f"review_{number}")
        ]
