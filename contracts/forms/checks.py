"""Forms for the annual provider checks: the provider's evidence, the lead commissioner's decision, and
the list's filters. GOV.UK layout through core's form base."""

from __future__ import annotations

from django import forms
from django.conf import settings

from core.forms import GovDateField, GovForm
from core.uploads import human_size
from procurement.forms.compliance import PoundsField
from procurement.models import Judgement

from ..models import ProviderCheckStatus

FILE_HELP = "PDF, DOCX, ODT, PNG or JPEG, smaller than {limit}"


def _file(label: str, hint: str) -> forms.FileField:
    return forms.FileField(
        label=label,
        help_text=f"{hint}. {FILE_HELP.format(limit=human_size(settings.DOCUMENT_MAX_BYTES))}",
        error_messages={"required": f"Select the {label.lower()}", "empty": "The selected file is empty"},
    )


class EvidenceForm(GovForm):
    """The provider's annual evidence: one statement and one document per area."""

    submit_label = "Send evidence"

    registration_statement = forms.CharField(
        label="Registrations you hold",
        help_text="Your Ofsted or CQC registrations, URNs and DfE numbers, and any change this year",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the registrations you hold"},
    )
    ofsted_judgement = forms.ChoiceField(
        label="Latest Ofsted judgement",
        choices=Judgement.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the latest Ofsted judgement"},
    )
    ofsted_judgement_on = GovDateField(
        name="Date of the latest judgement",
        label="Date of the latest judgement",
        help_text="Leave empty if not yet inspected. For example, 27 3 2026",
        required=False,
    )
    registration_document = _file("Registration evidence", "For example, your registration certificate")
    insurance_cover_pounds = PoundsField(
        label="Insurance cover, in pounds",
        help_text="The limit of indemnity of your public liability insurance, for example £5,000,000",
        min_value=1,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
        error_messages={
            "required": "Enter the insurance cover in pounds",
            "invalid": "Insurance cover must be a whole number of pounds, like £5,000,000",
            "min_value": "Insurance cover must be more than £0",
        },
    )
    insurance_expires_on = GovDateField(
        name="Insurance expiry date", past_only=False, label="Insurance expiry date"
    )
    insurance_document = _file("Insurance certificate", "Your current certificate of insurance")
    financial_statement = forms.CharField(
        label="Financial standing",
        help_text="Your latest accounts (year end, turnover, result) and any material change since",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your latest accounts and any material change"},
    )
    financial_document = _file("Financial evidence", "For example, your latest filed accounts")

    def clean(self):
        data = super().clean()
        judgement = data.get("ofsted_judgement")
        if judgement == Judgement.NOT_YET_INSPECTED:
            data["ofsted_judgement_on"] = None
        elif judgement and not data.get("ofsted_judgement_on") and "ofsted_judgement_on" not in self.errors:
            self.add_error("ofsted_judgement_on", "Enter the date of the latest judgement")
        return data


class VerifyForm(GovForm):
    submit_label = "Verify check"

    notes = forms.CharField(
        label="Notes (optional)",
        help_text="For example, what you checked. The provider sees these notes.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FailForm(GovForm):
    submit_label = "Fail check"

    reason = forms.CharField(
        label="Why has the check failed?",
        help_text="The provider and every member authority see this reason.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the check has failed"},
    )


class CheckFilterForm(forms.Form):
    """The list's filters (a GET form, rendered by its template)."""

    year = forms.TypedChoiceField(label="Year", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ProviderCheckStatus.choices]
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Any year"), *((year, str(year)) for year in years)]
