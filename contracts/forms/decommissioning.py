"""Forms for decommissioning a contract (GOV.UK layout). The services hold the rules; these forms ask
the questions and give each its message."""

from __future__ import annotations

from django import forms

from core.forms import GovDateField, GovForm

from ..models import CommunicationMethod, DecommissionReason, TransitionDestination
from ..services.decommissioning import CASE_REFERENCE_ERROR

TEXTAREA = {"rows": 5}


class ProposeForm(GovForm):
    submit_label = "Propose decommissioning"

    reason = forms.ChoiceField(
        label="Why should the contract be decommissioned?",
        choices=DecommissionReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the contract is being decommissioned"},
    )
    reason_detail = forms.CharField(
        label="Detail",
        help_text="The evidence for the decision: performance returns, QA findings, changes in need. "
        "Another commissioner reads this to approve it.",
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": "Enter the detail of why the contract is being decommissioned"},
    )


class NoticeForm(GovForm):
    submit_label = "Record notice served"

    notice_served_on = GovDateField(
        name="Date notice was served",
        label="Date notice was served",
        help_text="The day the provider received the notice, for example 27 3 2027",
    )
    end_on = GovDateField(
        name="Date the service ends",
        past_only=False,
        label="Date the service ends",
        help_text="The last day of the service",
    )
    shorter_notice_agreed = forms.BooleanField(
        label="A shorter notice period than the contract's was agreed with the provider, or the contract "
        "allows it for this reason",
        required=False,
    )

    def __init__(self, *args, notice_period_months: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_on"].help_text = (
            f"The last day of the service. The contract's notice period is {notice_period_months} "
            f"month{'s' if notice_period_months != 1 else ''}."
        )


class ExitRowAddForm(GovForm):
    submit_label = "Add to the exit plan"

    case_reference = forms.CharField(
        label="Case reference",
        help_text="Your council's case reference for the child, for example NS-CYP-0412. "
        "Never enter a child's name.",
        max_length=40,
        error_messages={"required": "Enter the case reference", "max_length": CASE_REFERENCE_ERROR},
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )


class ExitRowForm(GovForm):
    submit_label = "Save exit plan row"

    destination = forms.ChoiceField(
        label="Where does the child go next?",
        choices=TransitionDestination.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    destination_detail = forms.CharField(
        label="Detail of where the child goes next",
        help_text="For example, the school or provider. Never the child's name or address.",
        max_length=200,
        required=False,
    )
    transition_on = GovDateField(
        name="Transition date",
        past_only=False,
        label="Transition date",
        required=False,
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    resolve = forms.BooleanField(
        label="The child's move is agreed: mark this row resolved",
        required=False,
    )

    def __init__(self, *args, end_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        if end_on:
            self.fields[
                "transition_on"
            ].help_text = f"On or before {end_on.day} {end_on:%B %Y}, when the service ends"


class CommunicationForm(GovForm):
    submit_label = "Record communication"

    exit_row = forms.ModelChoiceField(
        label="Who was told?",
        queryset=None,
        required=False,
        empty_label="All families",
    )
    sent_on = GovDateField(name="Date the family was told", label="Date the family was told")
    method = forms.ChoiceField(
        label="How were they told?",
        choices=CommunicationMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the family was told"},
    )
    summary = forms.CharField(
        label="Summary of what was said",
        help_text="Do not enter names or addresses.",
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": "Enter a summary of what was said"},
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exit_row"].queryset = rows
        self.fields["exit_row"].label_from_instance = lambda row: row.case_reference


class CompleteForm(GovForm):
    submit_label = "Complete decommissioning"

    lessons = forms.CharField(
        label="What was learnt?",
        help_text="This is kept as evidence for the next needs assessment: what went wrong or changed, "
        "and what the next commissioning cycle should do differently.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what was learnt, as evidence for the next needs assessment"},
    )


class CancelForm(GovForm):
    submit_label = "Cancel decommissioning"

    reason = forms.CharField(
        label="Why is the decommissioning cancelled?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the decommissioning is cancelled"},
    )
