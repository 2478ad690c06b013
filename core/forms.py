"""One base for every form: GOV.UK layout through crispy-forms-gds, errors in the page's error summary."""

import datetime
from contextlib import contextmanager

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.shortcuts import render
from django.utils import timezone

from .transitions import InvalidTransition
from .uploads import human_size


class GovFormMixin:
    """Gives a form a crispy-forms-gds helper: every field in order, then one submit button.

    Pages render `{% error_summary form %}` above the heading and `{% crispy form %}` below it.
    Numbers use text inputs with `inputmode` (GOV.UK advises against type="number").
    """

    submit_label = "Continue"
    submit_name = "submit"
    label_size = ""

    def __init__(self, *args, submit_label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if submit_label:
            self.submit_label = submit_label
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.form_method = "post"
        self.helper.attrs = {"novalidate": ""}
        self.helper.label_size = self.label_size
        self.helper.layout = Layout(*self.layout_fields(), Submit(self.submit_name, self.submit_label))

    def layout_fields(self) -> list:
        return list(self.fields)


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names where the form has that field,
    otherwise above the form, so the page's error summary lists it either way."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@contextmanager
def refusals_on(form):
    """Run a service call for a bound, valid form, and put its refusal on the form:

        with refusals_on(form):
            services.thing_approve(thing=thing, actor=request.user, **form.cleaned_data)
            messages.success(request, "Approved.")
            return redirect(...)
        return render_form(request, template, form, context)   # the refusal is in the error summary

    A ValidationError lands on the field it names (or above the form); a refused move
    (InvalidTransition) above the form. Anything else propagates.
    """
    try:
        yield
    except ValidationError as error:
        add_service_errors(form, error)
    except InvalidTransition as error:
        form.add_error(None, error.message)


class GovForm(GovFormMixin, forms.Form):
    pass


def posted_data(request):
    """The submitted data on a POST, even an empty one (an empty POST still binds the form and shows its
    errors); None on a GET."""
    return request.POST if request.method == "POST" else None


def render_form(request, template: str, form, context: dict | None = None):
    """A form page: 400 when the form carries errors, so a refused POST never answers like a success."""
    return render(request, template, {**(context or {}), "form": form}, status=400 if form.errors else 200)


class WholeNumberField(forms.IntegerField):
    """A whole number typed in a text input (GOV.UK advises against type="number"), with its error
    messages in GOV.UK's words, made from `name`, the thing it counts ("the youngest age"):
    "Enter the youngest age", "The youngest age must be a whole number from 0 to 25".
    `width` is the GOV.UK fixed input width in characters (2, 3, 4, 5, 10 or 20)."""

    def __init__(self, *, name: str, min_value=None, max_value=None, width: int = 4, **kwargs):
        subject = name[:1].upper() + name[1:]
        if min_value is not None and max_value is not None:
            out_of_range = f"{subject} must be a whole number from {min_value} to {max_value}"
            messages = {"invalid": out_of_range, "min_value": out_of_range, "max_value": out_of_range}
        else:
            messages = {"invalid": f"{subject} must be a whole number"}
            if min_value is not None:
                messages["min_value"] = f"{subject} must be {min_value} or more"
            if max_value is not None:
                messages["max_value"] = f"{subject} must be {max_value} or fewer"
        messages["required"] = f"Enter {name}"
        kwargs["error_messages"] = {**messages, **kwargs.get("error_messages", {})}
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric", "spellcheck": "false", "class": f"govuk-input--width-{width}"}
            ),
        )
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)


class GovModelForm(GovFormMixin, forms.ModelForm):
    pass


class DocumentUploadForm(GovForm):
    submit_label = "Upload document"

    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, 'Employer's liability insurance certificate 2026'",
        error_messages={"required": "Enter a title for the document"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, DOCX, XLSX, ODT, ODS, CSV, PNG or JPEG, smaller than {limit}",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text.format(limit=human_size(max_bytes))


class ConfirmForm(GovForm):
    """A yes-only confirmation: the page says what will happen, the button does it."""

    submit_label = "Confirm"


class ReasonForm(GovForm):
    """One reason for a step (cancel, suspend, return...): the page names the question and its error."""

    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, label: str, error: str, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].required = required
        self.fields["reason"].error_messages["required"] = error


class GovDateField(DateInputField):
    """The GOV.UK date input with messages that name the question, and a check for a real date."""

    def __init__(self, *, name: str, past_only: bool = True, **kwargs):
        super().__init__(require_all_fields=False, **kwargs)
        self.name = name
        self.past_only = past_only
        self.error_messages["required"] = f"Enter the {name.lower()}"
        self.error_messages["incomplete"] = f"{name} must be a real date"
        for part, subfield in zip(("day", "month", "year"), self.fields, strict=True):
            subfield.error_messages["incomplete"] = f"{name} must include a {part}"
            subfield.validators = [RegexValidator(r"^\s*[0-9]+\s*$", f"{name} must be a real date")]

    def compress(self, data_list):
        day, month, year = (str(part or "").strip() for part in data_list)
        if not (day and month and year):
            return None
        if len(year) != 4:
            raise ValidationError(f"Year must include 4 numbers, like {timezone.localdate().year}")
        try:
            value = datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as error:  # day 99999999999999999999 overflows a C long
            raise ValidationError(f"{self.name} must be a real date") from error
        if self.past_only and value > timezone.localdate():
            raise ValidationError(f"{self.name} must be today or in the past")
        return value
