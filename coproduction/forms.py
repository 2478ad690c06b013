"""Forms for consultations: GOV.UK layout through core.forms."""

from django import forms
from django.urls import reverse

from accounts.models import Organisation, OrganisationKind
from commissioning.models import ServiceSpecification, SpecificationStatus
from commissioning.services.specifications import SECTIONS
from core.forms import GovForm

from .models import COMMENT_MAX_LENGTH, Outcome


class DateInput(forms.DateInput):
    input_type = "date"


class ConsultationForm(GovForm):
    submit_label = "Open the consultation"

    specification = forms.ModelChoiceField(
        label="Specification",
        queryset=ServiceSpecification.objects.none(),
        empty_label="Select a specification",
        help_text="Its current version is locked and consulted on; a later change makes a new version.",
        error_messages={"required": "Select a specification"},
    )
    opens_on = forms.DateField(
        label="Opens on",
        widget=DateInput,
        help_text="Invited forums are told when it opens. Today opens it now.",
        error_messages={"required": "Enter the date the consultation opens", "invalid": "Enter a real date"},
    )
    closes_on = forms.DateField(
        label="Closes on",
        widget=DateInput,
        help_text="Comments are taken until the day before; it closes automatically on this date.",
        error_messages={"required": "Enter the date the consultation closes", "invalid": "Enter a real date"},
    )
    forums = forms.ModelMultipleChoiceField(
        label="Parent carer forums to invite",
        queryset=Organisation.objects.filter(kind=OrganisationKind.PARENT_CARER_FORUM).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one parent carer forum"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specification"].queryset = (
            ServiceSpecification.objects.filter(organisation_id=user.organisation_id, versions__isnull=False)
            .exclude(status=SpecificationStatus.APPROVED)
            .distinct()
            .order_by("title")
        )


class CommentForm(GovForm):
    text = forms.CharField(
        label="Your comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Up to {COMMENT_MAX_LENGTH} characters. Your forum and the council will see it.",
        error_messages={
            "required": "Enter your comment",
            "max_length": f"Your comment must be {COMMENT_MAX_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args, consultation, section, **kwargs):
        kwargs.setdefault("prefix", section.key)
        kwargs.setdefault("submit_label", f"Comment on {section.heading.lower()}")
        super().__init__(*args, **kwargs)
        self.fields["text"].label = f"Your comment on {section.heading.lower()}"
        self.helper.form_action = reverse("coproduction:comment_add", args=[consultation.pk, section.key])


class ResponseForm(GovForm):
    submit_label = "Save the answer"

    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the comment was accepted, partly accepted or not accepted"
        },
    )
    explanation = forms.CharField(
        label="What you did, and why",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text='The forum sees this answer, and it appears in "You said, we did".',
        error_messages={"required": "Explain the decision"},
    )
    changed_section = forms.ChoiceField(
        label="Section that changed",
        required=False,
        choices=[("", "Not applicable")] + [(s.key, s.heading) for s in SECTIONS],
        help_text="Required when the comment was accepted or partly accepted.",
    )
    changed_in_version = forms.ModelChoiceField(
        label="Version with the change",
        required=False,
        queryset=None,
        empty_label="Not made yet",
        help_text="A later version of the specification, if it has been made.",
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["changed_in_version"].queryset = versions
        self.fields["changed_in_version"].label_from_instance = lambda v: f"Version {v.number}"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") in (Outcome.ACCEPTED, Outcome.PARTLY) and not cleaned.get(
            "changed_section"
        ):
            self.add_error("changed_section", "Select the section that changed")
        return cleaned
