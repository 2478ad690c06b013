from django import forms

from core.forms import GovForm
from core.uploads import human_size


class SourceChoice:
    AUTO = "auto"
    CHOICES = [
        ("auto", "Work it out from the columns"),
        ("ees", "DfE statistics from Explore Education Statistics"),
        ("population", "ONS population estimates"),
        ("local", "Our own local data, in the local data template"),
    ]


class DatasetUploadForm(GovForm):
    submit_label = "Upload and check"

    file = forms.FileField(
        label="Data file",
        help_text="A CSV or XLSX file, smaller than {limit}, exactly as published",
        error_messages={"required": "Select a data file", "empty": "The selected file is empty"},
    )
    source = forms.ChoiceField(
        label="What kind of data is it?",
        choices=SourceChoice.CHOICES,
        initial=SourceChoice.AUTO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of data it is"},
    )
    meta_file = forms.FileField(
        label="EES metadata file (optional)",
        help_text="The .meta.csv file published beside an EES data file says which columns are filters",
        required=False,
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text.format(limit=human_size(max_bytes))


class ConfirmImportForm(GovForm):
    submit_label = "Import this data"
