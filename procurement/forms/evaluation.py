"""Forms for evaluation: GOV.UK layout through core's form base. Each form only gathers answers; the
services in `procurement.services.evaluation` and `.awards` decide."""

from __future__ import annotations

from crispy_forms_gds.layout import Layout, Submit
from django import forms

from accounts.models import Role, User
from core.forms import GovForm

from ..models import ComplianceCheckKind

TEXTAREA = {"rows": 3}


class MarksField(forms.IntegerField):
    """A whole number of marks in a text input with a numeric keyboard (GOV.UK advises against
    type=number)."""

    def __init__(self, *, max_marks: int, title: str, **kwargs):
        # Django %-formats a message that carries parameters (as these three always do, see to_python), so
        # a "%" in the council's question must be escaped in them.
        said = title.replace("%", "%%")
        super().__init__(
            min_value=0,
            max_value=max_marks,
            widget=forms.TextInput(
                attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-3"}
            ),
            error_messages={
                "required": f"Enter the marks for {title}",
                "invalid": f"Marks for {said} must be a whole number from 0 to {max_marks}",
                "min_value": f"Marks for {said} must be a whole number from 0 to {max_marks}",
                "max_value": f"Marks for {said} must be a whole number from 0 to {max_marks}",
            },
            **kwargs,
        )

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from error


class PanelAddForm(GovForm):
    submit_label = "Add to the panel"

    evaluator = forms.ModelChoiceField(
        label="Evaluator",
        queryset=User.objects.none(),
        empty_label="Choose an evaluator",
        error_messages={"required": "Choose an evaluator", "invalid_choice": "Choose an evaluator"},
    )
    is_moderator = forms.BooleanField(
        label="Make them the panel's moderator", required=False, help_text="Otherwise you moderate"
    )

    def __init__(self, *args, tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = (
            User.objects.filter(
                organisation_id=tender.organisation_id, is_active=True, role_assignments__role=Role.EVALUATOR
            )
            .exclude(panels__tender=tender)
            .distinct()
            .order_by("full_name")
        )


class DeclarationForm(GovForm):
    submit_label = "Make my declaration"

    has_conflict = forms.TypedChoiceField(
        label="Do you have a conflict of interest with any of these bidders?",
        choices=[("no", "No, I have no conflict of interest"), ("yes", "Yes, I have a conflict of interest")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you have a conflict of interest"},
    )
    conflicted_providers = forms.ModelMultipleChoiceField(
        label="Which bidders do you have a conflict with?",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You will not see these bidders' bids",
    )
    details = forms.CharField(
        label="The nature of the conflict",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="For example, a family member works there",
    )

    def __init__(self, *args, bidders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conflicted_providers"].queryset = bidders

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") == "yes":
            if not data.get("conflicted_providers"):
                self.add_error("conflicted_providers", "Select the bidders you have a conflict with")
            if not (data.get("details") or "").strip():
                self.add_error("details", "Describe the conflict of interest")
        else:
            data["conflicted_providers"] = []
        return data


class ConflictAddForm(GovForm):
    submit_label = "Add this conflict"

    conflicted_providers = forms.ModelMultipleChoiceField(
        label="Which bidders have you found a conflict with?",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the bidders you have a conflict with"},
    )
    details = forms.CharField(
        label="The nature of the conflict",
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": "Describe the conflict of interest"},
    )

    def __init__(self, *args, bidders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conflicted_providers"].queryset = bidders


class _MarksForm(GovForm):
    """Marks and a written reason for each quality and social value criterion."""

    text_label = "Justification"

    def __init__(self, *args, criteria, initial_scores: dict | None = None, **kwargs):
        self.criteria = list(criteria)
        super().__init__(*args, **kwargs)
        initial_scores = initial_scores or {}
        for criterion in self.criteria:
            marks_name, text_name = f"marks_{criterion.pk}", f"text_{criterion.pk}"
            self.fields[marks_name] = MarksField(
                max_marks=criterion.max_marks,
                title=criterion.title,
                label=f"{criterion.title}: marks out of {criterion.max_marks}",
            )
            self.fields[text_name] = forms.CharField(
                label=f"{self.text_label} for {criterion.title}",
                widget=forms.Textarea(attrs=TEXTAREA),
                error_messages={"required": f"Enter the {self.text_label.lower()} for {criterion.title}"},
            )
            if criterion.pk in initial_scores:
                marks, text = initial_scores[criterion.pk]
                self.initial.setdefault(marks_name, marks)
                self.initial.setdefault(text_name, text)
        self.helper.layout = Layout(*self.fields, Submit(self.submit_name, self.submit_label))

    def values(self) -> dict:
        return {
            c.pk: (self.cleaned_data[f"marks_{c.pk}"], self.cleaned_data[f"text_{c.pk}"])
            for c in self.criteria
        }


class ScoreForm(_MarksForm):
    submit_label = "Save my scores"
    text_label = "Justification"


class ModerationForm(_MarksForm):
    submit_label = "Save the moderated scores"
    text_label = "Rationale"


class ComplianceForm(GovForm):
    submit_label = "Save the compliance checks"

    def __init__(self, *args, initial_checks: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_checks = initial_checks or {}
        for kind, label in ComplianceCheckKind.choices:
            self.fields[f"{kind}_passed"] = forms.ChoiceField(
                label=label,
                choices=[("pass", "Pass"), ("fail", "Fail")],
                widget=forms.RadioSelect,
                error_messages={"required": f"Select pass or fail for {label.lower()}"},
            )
            self.fields[f"{kind}_evidence"] = forms.CharField(
                label=f"Evidence for {label.lower()}",
                widget=forms.Textarea(attrs=TEXTAREA),
                error_messages={"required": f"Enter the evidence for {label.lower()}"},
            )
            if kind in initial_checks:
                passed, evidence = initial_checks[kind]
                self.initial.setdefault(f"{kind}_passed", "pass" if passed else "fail")
                self.initial.setdefault(f"{kind}_evidence", evidence)
        self.helper.layout = Layout(*self.fields, Submit(self.submit_name, self.submit_label))

    def values(self) -> dict:
        return {
            kind: (self.cleaned_data[f"{kind}_passed"] == "pass", self.cleaned_data[f"{kind}_evidence"])
            for kind, _ in ComplianceCheckKind.choices
        }


class RecommendForm(GovForm):
    submit_label = "Recommend the award"

    def __init__(self, *args, lots, **kwargs):
        self.lots = list(lots)
        super().__init__(*args, **kwargs)
        for lot in self.lots:
            self.fields[f"reasons_{lot.pk}"] = forms.CharField(
                label=f"Reasons for lot {lot.number} (optional)",
                required=False,
                widget=forms.Textarea(attrs=TEXTAREA),
            )
        self.helper.layout = Layout(*self.fields, Submit(self.submit_name, self.submit_label))

    def values(self) -> dict:
        return {lot.pk: self.cleaned_data.get(f"reasons_{lot.pk}", "") for lot in self.lots}


class WithdrawForm(GovForm):
    submit_label = "Withdraw the recommendation"

    reason = forms.CharField(
        label="Why is the recommendation withdrawn?",
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": "Enter why the recommendation is withdrawn"},
    )
