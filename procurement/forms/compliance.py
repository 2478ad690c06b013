"""Forms a provider uses to keep its compliance pack: GOV.UK layout through core's form base."""

from crispy_forms_gds.layout import Button, Layout
from django import forms
from django.conf import settings

from core.forms import GovDateField, GovForm
from core.uploads import human_size

from ..models import FinancialResult, InsuranceKind, Judgement, PolicyKind, Regulator

# What a certificate, policy or statement of purpose may be: a document or a scan of one.
CERTIFICATE_TYPES = ["pdf", "docx", "odt", "png", "jpg"]


class PoundsField(forms.IntegerField):
    """Whole pounds, written as people write them: "5000000", "5,000,000" or "£5,000,000"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").replace(" ", "")
        return super().to_python(value)


FILE_HELP = "PDF, DOCX, ODT, PNG or JPEG, smaller than {limit}"
KEEP_HELP = "Leave this empty to keep the current file ({current})."


def _file_help(field: forms.FileField, *, changing: bool = False, current=None) -> None:
    """Say which files are accepted; on a change page the file is optional, and an empty answer keeps the
    current one."""
    text = FILE_HELP.format(limit=human_size(settings.DOCUMENT_MAX_BYTES))
    if changing:
        field.required = False
        if current is not None:
            text = f"{text}. {KEEP_HELP.format(current=current.original_name or current.safe_name)}"
    field.help_text = text


class InsuranceForm(GovForm):
    """Add an insurance (its certificate is required) or, with `changing`, change one: an empty file
    answer then keeps the current `certificate`."""

    submit_label = "Add insurance"

    kind = forms.ChoiceField(
        label="Which insurance is it?",
        choices=InsuranceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which insurance it is"},
    )
    insurer = forms.CharField(
        label="Insurer",
        max_length=200,
        error_messages={"required": "Enter the name of the insurer"},
    )
    cover_pounds = PoundsField(
        label="Cover, in pounds",
        help_text="The limit of indemnity, for example £5,000,000",
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the cover in pounds",
            "invalid": "Cover must be a whole number of pounds, like £5,000,000",
            "min_value": "Cover must be more than £0",
        },
    )
    expires_on = GovDateField(name="Expiry date", past_only=False, label="Expiry date")
    certificate = forms.FileField(
        label="Insurance certificate",
        error_messages={
            "required": "Select the insurance certificate",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, changing: bool = False, certificate=None, **kwargs):
        if changing:
            kwargs.setdefault("submit_label", "Save changes")
        super().__init__(*args, **kwargs)
        _file_help(self.fields["certificate"], changing=changing, current=certificate)


class SettingForm(GovForm):
    """A school or setting: its registration, latest inspection, documents and how it works."""

    submit_label = "Add school or setting"

    name = forms.CharField(
        label="Name of the school or setting",
        max_length=200,
        error_messages={"required": "Enter the name of the school or setting"},
    )
    regulator = forms.ChoiceField(
        label="Who registers and inspects it?",
        choices=Regulator.choices,
        initial=Regulator.OFSTED,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who registers and inspects it"},
    )
    urn = forms.CharField(
        label="Unique reference number (URN)",
        help_text="The Ofsted URN, or the Welsh or Scottish regulator's registration number",
        max_length=20,
        error_messages={"required": "Enter the unique reference number"},
    )
    dfe_number = forms.CharField(
        label="DfE registration number (optional)",
        help_text="For example, 931/6012",
        max_length=20,
        required=False,
    )
    judgement = forms.ChoiceField(
        label="Latest inspection judgement",
        choices=Judgement.choices,
        initial=Judgement.NOT_YET_INSPECTED,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the latest inspection judgement"},
    )
    judgement_date = GovDateField(
        name="Date of the latest judgement",
        label="Date of the latest judgement",
        help_text="Leave empty if it has not been inspected yet. For example, 27 3 2025",
        required=False,
    )
    registration_certificate = forms.FileField(
        label="Registration certificate (optional)",
        required=False,
        error_messages={"empty": "The selected file is empty"},
    )
    statement_of_purpose = forms.FileField(
        label="Statement of purpose (optional)",
        required=False,
        error_messages={"empty": "The selected file is empty"},
    )
    services_overview = forms.CharField(
        label="Overview of services (optional)",
        help_text="Who it is for, ages, needs it meets, number of places",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    working_with_parents = forms.CharField(
        label="How it works with parents (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    learner_voice = forms.CharField(
        label="How it hears the learner's voice (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, setting=None, **kwargs):
        if setting is not None:
            kwargs.setdefault("submit_label", "Save changes")
        super().__init__(*args, **kwargs)
        for key in ("registration_certificate", "statement_of_purpose"):
            _file_help(self.fields[key], changing=setting is not None, current=getattr(setting, key, None))

    def clean(self):
        data = super().clean()
        judgement = data.get("judgement")
        if judgement == Judgement.NOT_YET_INSPECTED:
            data["judgement_date"] = None
        elif judgement and not data.get("judgement_date") and "judgement_date" not in self.errors:
            self.add_error("judgement_date", "Enter the date of the latest judgement")
        return data


class PolicyForm(GovForm):
    """Add a policy (its document is required) or, with `changing`, change one: an empty file answer
    then keeps the current `document`."""

    submit_label = "Add policy"

    kind = forms.ChoiceField(
        label="Which policy is it?",
        choices=PolicyKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which policy it is"},
    )
    name = forms.CharField(
        label="Name of the policy, if you chose Other",
        help_text="For example, 'Positive behaviour support'",
        max_length=200,
        required=False,
    )
    review_on = GovDateField(name="Next review date", past_only=False, label="Next review date")
    document = forms.FileField(
        label="Policy document",
        error_messages={"required": "Select the policy document", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, changing: bool = False, document=None, **kwargs):
        if changing:
            kwargs.setdefault("submit_label", "Save changes")
        super().__init__(*args, **kwargs)
        _file_help(self.fields["document"], changing=changing, current=document)

    def clean(self):
        data = super().clean()
        if data.get("kind") == PolicyKind.OTHER and not (data.get("name") or "").strip():
            self.add_error("name", "Enter the name of the policy")
        elif data.get("kind") and data.get("kind") != PolicyKind.OTHER:
            data["name"] = ""
        return data


class FinancialCheckForm(GovForm):
    """A council commissioner records the result of a provider's financial check."""

    submit_label = "Record financial check"

    result = forms.ChoiceField(
        label="Result of the financial check",
        choices=FinancialResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the result of the financial check"},
    )
    checked_on = GovDateField(name="Date of the check", label="Date of the check")
    notes = forms.CharField(
        label="Notes (optional)",
        help_text="For example, which accounts were checked. Only councils see these notes.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RemoveForm(GovForm):
    """Confirms taking an item out of the pack: one warning button, no questions."""

    submit_label = "Remove"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Button.warning(self.submit_name, self.submit_label))
