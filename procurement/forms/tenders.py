"""Forms for tenders, clarifications and bids: GOV.UK layout through core's form base. They check what a
form can check (types, sizes, a real date); the services check the rest, and their errors are put back
on the form with `add_service_errors`."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.forms import GovDateField, GovForm, WholeNumberField
from core.uploads import human_size

from ..models import CriterionKind, TenderRoute
from ..services.submissions import ANSWERED_KINDS
from ..services.tenders import (
    approved_business_cases,
    approved_specification_versions,
    purchasing_systems_for,
)

TENDER_DOCUMENT_TYPES = ["pdf", "docx", "xlsx", "odt", "ods", "csv"]


class MoneyField(forms.DecimalField):
    """Pounds and pence, written as people write them: "1234.50", "1,234.50" or "£1,234.50"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").replace(" ", "")
        return super().to_python(value)


class TimeField(forms.CharField):
    """A time of day in 24-hour form, "12:00" or "17:30"."""

    def __init__(self, *, name: str, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "spellcheck": "false",
                    "maxlength": "5",
                    "class": "govuk-input govuk-input--width-5",
                }
            ),
        )
        super().__init__(**kwargs)
        self.name = name
        self.error_messages["required"] = f"Enter the {name.lower()}"

    def to_python(self, value):
        value = (super().to_python(value) or "").strip().replace(".", ":")
        if not value:
            return None
        match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value)
        if not match:
            raise ValidationError(f"{self.name} must be a time like 12:00 or 17:30")
        return datetime.time(int(match.group(1)), int(match.group(2)))


def _money_messages(what: str) -> dict:
    return {
        "invalid": f"{what} must be an amount in pounds, like £125,000.00",
        "max_decimal_places": f"{what} must have no more than 2 numbers after the decimal point",
        "max_digits": f"{what} is too large",
        "max_whole_digits": f"{what} is too large",
    }


class TenderDetailsForm(GovForm):
    submit_label = "Save and continue"

    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the tender's title"}
    )
    reference = forms.CharField(
        label="Reference",
        max_length=40,
        help_text="Your council's own reference, for example NS-2026-014",
        error_messages={"required": "Enter the tender's reference"},
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    route = forms.ChoiceField(
        label="Procurement route",
        choices=TenderRoute.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the procurement route"},
    )
    purchasing_system = forms.ModelChoiceField(
        label="Purchasing system",
        queryset=None,
        required=False,
        empty_label="None",
        help_text="Only for an admission round or a mini-competition",
    )
    estimated_value = MoneyField(
        label="Estimated value, in pounds", required=False, error_messages=_money_messages("Estimated value")
    )
    business_case = forms.ModelChoiceField(
        label="Business case approved by Cabinet", queryset=None, required=False, empty_label="Not chosen yet"
    )
    specification_version = forms.ModelChoiceField(
        label="Approved specification version", queryset=None, required=False, empty_label="Not chosen yet"
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purchasing_system"].queryset = purchasing_systems_for(organisation)
        self.fields["business_case"].queryset = approved_business_cases(organisation)
        self.fields["specification_version"].queryset = approved_specification_versions(organisation)


class TimetableForm(GovForm):
    submit_label = "Save timetable"

    publish_on = GovDateField(name="Publication date", past_only=False, label="Publication date")
    clarification_date = GovDateField(
        name="Clarification deadline date", past_only=False, label="Clarification questions close on"
    )
    clarification_time = TimeField(
        name="Clarification deadline time",
        label="Clarification deadline time (24-hour)",
        help_text="For example, 17:00",
    )
    submission_date = GovDateField(
        name="Submission deadline date", past_only=False, label="Submission deadline date"
    )
    submission_time = TimeField(
        name="Submission deadline time",
        label="Submission deadline time (24-hour)",
        help_text="For example, 12:00",
    )
    evaluation_end_on = GovDateField(name="Evaluation end date", past_only=False, label="Evaluation ends on")
    award_on = GovDateField(name="Planned award date", past_only=False, label="Planned award date")

    def timetable(self) -> dict:
        """The cleaned values as the tender's fields, the times in the service's time zone."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()

        def at(day, time):
            if day is None or time is None:
                return None
            return timezone.make_aware(datetime.datetime.combine(day, time), zone)

        return {
            "publish_on": data.get("publish_on"),
            "clarification_deadline": at(data.get("clarification_date"), data.get("clarification_time")),
            "submission_deadline": at(data.get("submission_date"), data.get("submission_time")),
            "evaluation_end_on": data.get("evaluation_end_on"),
            "award_on": data.get("award_on"),
        }

    @staticmethod
    def initial_for(tender) -> dict:
        initial = {"publish_on": tender.publish_on, "evaluation_end_on": tender.evaluation_end_on}
        initial["award_on"] = tender.award_on
        for prefix, value in (
            ("clarification", tender.clarification_deadline),
            ("submission", tender.submission_deadline),
        ):
            if value is not None:
                local = timezone.localtime(value)
                initial[f"{prefix}_date"] = local.date()
                initial[f"{prefix}_time"] = local.strftime("%H:%M")
        return initial


class ConflictsForm(GovForm):
    submit_label = "Record the assessment"

    assessment = forms.CharField(
        label="Conflicts of interest assessment",
        help_text="Who was asked, what was declared, and how each conflict is managed",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        error_messages={"required": "Enter the conflicts of interest assessment"},
    )


class LotForm(GovForm):
    submit_label = "Add lot"

    title = forms.CharField(
        label="Lot title", max_length=200, error_messages={"required": "Enter the lot's title"}
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    estimated_value = MoneyField(
        label="Estimated value, in pounds", required=False, error_messages=_money_messages("Estimated value")
    )
    fps_lot = forms.ModelChoiceField(
        label="Purchasing system lot",
        help_text="Winning bidders are admitted to this lot of the purchasing system",
        queryset=None,
        required=False,
        empty_label="None",
    )

    def __init__(self, *args, tender, **kwargs):
        super().__init__(*args, **kwargs)
        if tender.purchasing_system_id is None:
            del self.fields["fps_lot"]
            self.helper.layout = Layout(*self.layout_fields(), Submit(self.submit_name, self.submit_label))
        else:
            self.fields["fps_lot"].queryset = tender.purchasing_system.lots.all()


class CriterionForm(GovForm):
    submit_label = "Add criterion"

    kind = forms.ChoiceField(
        label="What kind of criterion is it?",
        choices=CriterionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of criterion it is"},
    )
    title = forms.CharField(
        label="Question",
        max_length=200,
        help_text="The question bidders answer, or ‘Price’",
        error_messages={"required": "Enter the question, or ‘Price’"},
    )
    guidance = forms.CharField(
        label="Guidance for bidders",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    weight = WholeNumberField(
        name="weight", label="Weight, as a percentage of the total score", min_value=1, max_value=100, width=3
    )
    max_marks = WholeNumberField(
        name="the marks available",
        label="Marks available",
        initial=5,
        min_value=1,
        max_value=100,
        width=3,
        help_text="Quality and social value questions are marked out of this",
    )
    word_limit = WholeNumberField(
        name="the word limit", label="Word limit (optional)", required=False, min_value=1
    )


class RequiredDocumentForm(GovForm):
    submit_label = "Add required document"

    title = forms.CharField(
        label="Document every bid must include",
        max_length=200,
        help_text="For example, ‘Pricing schedule’ or ‘Safeguarding statement’",
        error_messages={"required": "Enter the document's title"},
    )
    description = forms.CharField(
        label="What it must show", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class _UploadForm(GovForm):
    file = forms.FileField(
        label="Upload a file",
        help_text="{types}, smaller than {limit}",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )
    types_label = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text.format(
            types=self.types_label, limit=human_size(settings.DOCUMENT_MAX_BYTES)
        )


class TenderDocumentForm(_UploadForm):
    submit_label = "Upload document"
    types_label = "PDF, DOCX, XLSX, ODT, ODS or CSV"

    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, ‘Invitation to tender’",
        error_messages={"required": "Enter a title for the document"},
    )
    field_order = ["title", "file"]


class CancelForm(GovForm):
    submit_label = "Cancel the tender"

    reason = forms.CharField(
        label="Why is the tender cancelled?",
        help_text="Every provider with a submitted bid is told this reason",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Enter why the tender is cancelled"},
    )


class ClarificationForm(GovForm):
    submit_label = "Send question"

    question = forms.CharField(
        label="Your question",
        help_text="The council publishes its answer to every bidder without saying who asked",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Enter your question"},
    )


class AnswerForm(GovForm):
    submit_label = "Publish the answer"

    question = forms.CharField(
        label="Question, as every bidder will read it",
        help_text="Reword it if it would tell bidders who asked",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Enter the question"},
    )
    answer = forms.CharField(
        label="Answer",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={"required": "Enter the answer"},
    )


class StartBidForm(GovForm):
    submit_label = "Start a bid"

    lot = forms.ModelChoiceField(
        label="Which lot are you bidding for?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the lot you are bidding for"},
    )

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots


class BidForm(GovForm):
    """The price and one answer per quality and social value question, with its word limit."""

    submit_label = "Save answers"

    price = MoneyField(
        label="Your total price, in pounds",
        required=False,
        min_value=Decimal("0.01"),
        error_messages={**_money_messages("Price"), "min_value": "Price must be more than £0"},
    )
    pricing_notes = forms.CharField(
        label="Notes on your price (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args, criteria, has_price: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_price:
            del self.fields["price"]
            del self.fields["pricing_notes"]
        self.criteria = [criterion for criterion in criteria if criterion.kind in ANSWERED_KINDS]
        for criterion in self.criteria:
            limit = f" Up to {criterion.word_limit} words." if criterion.word_limit else ""
            self.fields[f"answer_{criterion.pk}"] = forms.CharField(
                label=criterion.title,
                required=False,
                help_text=f"{criterion.get_kind_display()}, {criterion.weight}% of the score.{limit}"
                + (f" {criterion.guidance}" if criterion.guidance else ""),
                widget=forms.Textarea(attrs={"rows": 8}),
                max_length=100000,
            )
        self.helper.layout = Layout(*self.layout_fields(), Submit(self.submit_name, self.submit_label))

    def answers(self) -> dict[int, str]:
        return {
            criterion.pk: (self.cleaned_data.get(f"answer_{criterion.pk}") or "").strip()
            for criterion in self.criteria
        }


class BidDocumentForm(_UploadForm):
    submit_label = "Upload document"
    types_label = "PDF, DOCX, XLSX, ODT, ODS, CSV, PNG or JPEG"

    required_document = forms.TypedChoiceField(
        label="Which document is it?",
        widget=forms.RadioSelect,
        coerce=int,
        error_messages={"required": "Select which document it is"},
    )
    title = forms.CharField(
        label="Title (for another document)",
        max_length=200,
        required=False,
        help_text="Leave blank for a required document: it takes that document's name",
    )
    field_order = ["required_document", "title", "file"]

    def __init__(self, *args, required_documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_document"].choices = [
            *((required.pk, required.title) for required in required_documents),
            (0, "Another document"),
        ]

    def clean(self):
        data = super().clean()
        if data.get("required_document") == 0 and not (data.get("title") or "").strip():
            self.add_error("title", "Enter a title for the document")
        return data
