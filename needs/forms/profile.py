"""The needs profile's filters: a GET form, so a filtered profile has its own address to share."""

from __future__ import annotations

from django import forms

from core.forms import GovForm

from ..analysis.profile import ALL_NEEDS, NEED_LABELS, YearOption
from ..vocabulary import PrimaryNeed

# "No specialist assessment" is a SEN support category: EHC plans always name a need.
NEED_CHOICES = [(ALL_NEEDS, "All needs"), *(c for c in PrimaryNeed.choices if c[0] != PrimaryNeed.NSA)]


class ProfileFilterForm(GovForm):
    """Which year the breakdowns show and which primary need the trend follows.

    The form only displays the filters: `requested()` reads the query string leniently, so a malformed
    or unknown value falls back to the default (the latest year, all needs) rather than an error.
    """

    submit_label = "Show figures"
    submit_name = "show"

    year = forms.TypedChoiceField(
        label="Year",
        coerce=int,
        help_text="For the breakdowns by need, age, setting and ward",
    )
    need = forms.ChoiceField(
        label="Primary need over time",
        choices=NEED_CHOICES,
        required=False,
        help_text="For the chart of EHC plans over time",
    )

    def __init__(self, *args, years: list[YearOption], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(option.year, option.label) for option in years]
        self.helper.form_method = "get"
        self.helper.attrs = {"novalidate": "", "aria-label": "Filter the profile"}

    @staticmethod
    def requested(query) -> tuple[int | None, str]:
        """(year or None, need code or "") from a query string; anything not understood is ignored."""
        raw_year = str(query.get("year", "")).strip()
        year = int(raw_year) if raw_year.isdigit() and len(raw_year) == 4 else None
        need = str(query.get("need", "")).strip()
        return year, need if need in NEED_LABELS else ALL_NEEDS
