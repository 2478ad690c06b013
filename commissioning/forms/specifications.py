"""Forms for service specifications: every section from the one SECTIONS table, with its guidance."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils.html import escape

from core.forms import GovForm

from ..selectors import business_cases_for_user, intentions_for_user
from ..services.specifications import SECTIONS, Section

SPARE_ROWS = 2
MIN_ROWS = 3


def row_field_name(section: Section, index: int, column_key: str) -> str:
    return f"{section.key}-{index}-{column_key}"


class SpecificationForm(GovForm):
    """Title and links (when creating), each section, and a change summary (when it makes a new version)."""

    submit_label = "Save specification"

    def __init__(
        self,
        *args,
        user,
        sections: dict[str, Any] | None = None,
        creating: bool = False,
        new_version: bool = False,
        draft_summary: str | None = None,
        **kwargs,
    ):
        self.creating = creating
        self.new_version = new_version
        self.row_counts: dict[str, int] = {}
        sections = sections or {}
        initial = kwargs.pop("initial", None) or {}
        fields: dict[str, forms.Field] = {}
        if creating:
            fields["title"] = forms.CharField(
                label="Title",
                max_length=200,
                help_text="For example, ‘Autism outreach for primary schools’",
                error_messages={"required": "Enter a title"},
            )
            fields["intention"] = forms.ModelChoiceField(
                label="Commissioning intention (optional)",
                queryset=intentions_for_user(user),
                required=False,
                empty_label="None",
            )
            fields["business_case"] = forms.ModelChoiceField(
                label="Business case (optional)",
                queryset=business_cases_for_user(user),
                required=False,
                empty_label="None",
            )
        for section in SECTIONS:
            value = sections.get(section.key)
            if section.is_table:
                rows = list(value or [])
                count = max(len(rows) + SPARE_ROWS, MIN_ROWS)
                self.row_counts[section.key] = count
                for index in range(count):
                    row = rows[index] if index < len(rows) else {}
                    for column in section.columns:
                        name = row_field_name(section, index, column.key)
                        fields[name] = forms.CharField(label=column.label, required=False, max_length=500)
                        initial.setdefault(name, row.get(column.key, ""))
            else:
                fields[section.key] = forms.CharField(
                    label=section.heading,
                    help_text=section.guidance,
                    required=section.required,
                    widget=forms.Textarea(attrs={"rows": 5}),
                    error_messages={"required": f"Enter the {section.heading.lower()}"},
                )
                initial.setdefault(section.key, value or "")
        if draft_summary is not None:  # a later version's working draft: its summary may be changed
            fields["change_summary"] = forms.CharField(
                label="What has changed in this version",
                help_text="This is shown in the version history and when comparing versions.",
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
            )
            initial.setdefault("change_summary", draft_summary)
        if new_version:
            fields["change_summary"] = forms.CharField(
                label="What has changed in this version",
                help_text="This is shown in the version history and when comparing versions.",
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": "Say what has changed in this version"},
            )
        self._ready = False
        super().__init__(*args, initial=initial, **kwargs)
        self.fields = fields
        self._ready = True
        self.helper.layout = Layout(*self.layout_fields(), Submit(self.submit_name, self.submit_label))

    def layout_fields(self) -> list:
        if not self._ready:
            return []
        items: list = []
        if self.creating:
            items += ["title", "intention", "business_case"]
        for section in SECTIONS:
            if section.is_table:
                rows = [
                    Fieldset(
                        *[row_field_name(section, index, column.key) for column in section.columns],
                        legend=f"{section.row_label} {index + 1}",
                        legend_size="s",
                    )
                    for index in range(self.row_counts[section.key])
                ]
                items.append(
                    Fieldset(
                        HTML(f'<p class="govuk-hint">{escape(section.guidance)} Leave spare rows empty.</p>'),
                        *rows,
                        legend=section.heading,
                        legend_size="m",
                    )
                )
            else:
                items.append(Field.textarea(section.key, label_size=Size.MEDIUM))
        if "change_summary" in self.fields:
            items.append("change_summary")
        return items

    def clean(self):
        data = super().clean()
        for section in SECTIONS:
            if not section.is_table:
                continue
            first = section.columns[0]
            for index in range(self.row_counts[section.key]):
                values = [data.get(row_field_name(section, index, c.key), "") for c in section.columns]
                if any(values) and not values[0]:
                    self.add_error(
                        row_field_name(section, index, first.key),
                        f"Enter the {first.label.lower()} for {section.row_label.lower()} {index + 1}",
                    )
        return data

    def sections_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        result: dict[str, Any] = {}
        for section in SECTIONS:
            if section.is_table:
                result[section.key] = [
                    {c.key: data.get(row_field_name(section, index, c.key), "") for c in section.columns}
                    for index in range(self.row_counts[section.key])
                ]
            else:
                result[section.key] = data.get(section.key, "")
        return result
