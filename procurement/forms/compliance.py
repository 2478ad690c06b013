"""Forms a provider uses to keep its compliance pack: GOV.UK layout through core's form base."""

from django import forms
from django.conf import settings

from core.forms import GovDateField, GovForm
from core.uploads import human_size

from ..models import InsuranceKind

# What a certificate, policy or statement of purpose may be: a document or a scan of one.
CERTIFICATE_TYPES = ["pdf", "docx", "odt", "png", "jpg"]


class PoundsField(forms.IntegerField):
    """Whole pounds, written as people write them: "5000000", "5,000,000" or "£5,000,000"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").replace(" ", "")
        return super().to_python(value)


class InsuranceForm(GovForm):
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
        help_text="PDF, DOCX, ODT, PNG or JPEG, smaller than {limit}",
        error_messages={
            "required": "Select the insurance certificate",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = human_size(settings.DOCUMENT_MAX_BYTES)
        self.fields["certificate"].help_text = self.fields["certificate"].help_text.format(limit=limit)
