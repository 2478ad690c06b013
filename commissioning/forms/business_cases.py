"""Forms for business cases: the case's sections as fixed rows, and the decision at each step."""

from __future__ import annotations

from crispy_forms_gds.layout import HTML, Field, Fieldset, Size
from django import forms

from core.forms import GovDateField, GovForm

from ..models import BusinessCaseStatus, DecisionOutcome, DecisionStep, FundingSource

OPTION_ROWS = 4
COST_ROWS = 5
FUNDING_ROWS = 4
RISK_ROWS = 4
RATINGS = [("", "Choose"), ("Low", "Low"), ("Medium", "Medium"), ("High", "High")]
AMOUNT_ATTRS = {"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input govuk-input--width-10"}


def amount_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs=AMOUNT_ATTRS),
        error_messages={
            "invalid": f"{label} must be an amount in pounds, like 125000 or 125000.50",
            "min_value": f"{label} must be 0 or more",
            "max_decimal_places": f"{label} must have no more than 2 decimal places (pence)",
            "max_digits": f"{label} is too large",
            "max_whole_digits": f"{label} is too large",
        },
    )


def text_field(label: str, *, textarea: bool = False, max_length: int = 2000) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 3}) if textarea else forms.TextInput,
        error_messages={"max_length": f"{label} must be {max_length:,} characters or fewer"},
    )


class BusinessCaseForm(GovForm):
    """Every section of a case. Options, costs, funding and risks are a fixed number of rows; empty rows
    are ignored."""

    submit_label = "Save business case"

    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title", "max_length": "Title must be 200 characters or fewer"},
    )
    intention = forms.ModelChoiceField(
        label="Commissioning intention (optional)",
        required=False,
        queryset=None,
        empty_label="Not linked to an intention",
        error_messages={"invalid_choice": "Select one of your council's intentions"},
    )
    need = forms.CharField(
        label="The need",
        help_text="Who needs what, how many, and the evidence for it",
        required=False,
        max_length=10000,
        widget=forms.Textarea,
        error_messages={"max_length": "The need must be 10,000 characters or fewer"},
    )
    recommended_option = forms.ChoiceField(
        label="Recommended option",
        required=False,
        choices=[("", "Choose an option")] + [(str(n), f"Option {n}") for n in range(1, OPTION_ROWS + 1)],
        error_messages={"invalid_choice": "Select the recommended option"},
    )
    outcomes = forms.CharField(
        label="Outcomes sought",
        help_text="What will be different for children, young people and families",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"max_length": "Outcomes sought must be 5,000 characters or fewer"},
    )

    def __init__(self, *args, intentions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intention"].queryset = intentions
        for n in range(1, OPTION_ROWS + 1):
            self.fields[f"option_{n}_name"] = text_field(f"Option {n} name", max_length=200)
            self.fields[f"option_{n}_description"] = text_field(f"Option {n} description", textarea=True)
            self.fields[f"option_{n}_pros"] = text_field(f"Option {n} advantages", textarea=True)
            self.fields[f"option_{n}_cons"] = text_field(f"Option {n} disadvantages", textarea=True)
            self.fields[f"option_{n}_cost"] = amount_field(f"Option {n} cost (£)")
        for n in range(1, COST_ROWS + 1):
            self.fields[f"cost_{n}_year"] = forms.RegexField(
                label=f"Year {n}: financial year",
                help_text="For example, 2026-27" if n == 1 else "",
                regex=r"^\d{4}-\d{2}$",
                required=False,
                max_length=7,
                widget=forms.TextInput(
                    attrs={"class": "govuk-input govuk-input--width-5", "spellcheck": "false"}
                ),
                error_messages={"invalid": f"Year {n}: enter the financial year like 2026-27"},
            )
            self.fields[f"cost_{n}_amount"] = amount_field(f"Year {n}: cost (£)")
        for n in range(1, FUNDING_ROWS + 1):
            self.fields[f"funding_{n}_source"] = forms.ChoiceField(
                label=f"Funding source {n}",
                required=False,
                choices=[("", "Choose a source"), *FundingSource.choices],
                error_messages={"invalid_choice": f"Funding source {n}: select a source"},
            )
            self.fields[f"funding_{n}_amount"] = amount_field(f"Funding source {n}: amount (£)")
        for n in range(1, RISK_ROWS + 1):
            self.fields[f"risk_{n}_risk"] = text_field(f"Risk {n}", max_length=500)
            self.fields[f"risk_{n}_likelihood"] = forms.ChoiceField(
                label=f"Risk {n}: likelihood", required=False, choices=RATINGS
            )
            self.fields[f"risk_{n}_impact"] = forms.ChoiceField(
                label=f"Risk {n}: impact", required=False, choices=RATINGS
            )
            self.fields[f"risk_{n}_mitigation"] = text_field(f"Risk {n}: mitigation", textarea=True)
        # Rebuild the layout now the row fields exist.
        from crispy_forms_gds.layout import Layout, Submit

        self.helper.layout = Layout(*self.layout_fields(), Submit(self.submit_name, self.submit_label))

    def layout_fields(self) -> list:
        if f"option_{OPTION_ROWS}_name" not in self.fields:
            return []
        options = []
        for n in range(1, OPTION_ROWS + 1):
            options.append(
                Fieldset(
                    Field.text(f"option_{n}_name"),
                    Field.textarea(f"option_{n}_description", rows=3),
                    Field.textarea(f"option_{n}_pros", rows=2),
                    Field.textarea(f"option_{n}_cons", rows=2),
                    Field.text(f"option_{n}_cost"),
                    legend=f"Option {n}",
                    legend_size=Size.SMALL,
                )
            )
        costs = [
            Fieldset(
                Field.text(f"cost_{n}_year"),
                Field.text(f"cost_{n}_amount"),
                legend=f"Year {n}",
                legend_size=Size.SMALL,
            )
            for n in range(1, COST_ROWS + 1)
        ]
        funding = [
            Fieldset(
                Field.select(f"funding_{n}_source"),
                Field.text(f"funding_{n}_amount"),
                legend=f"Source {n}",
                legend_size=Size.SMALL,
            )
            for n in range(1, FUNDING_ROWS + 1)
        ]
        risks = [
            Fieldset(
                Field.text(f"risk_{n}_risk"),
                Field.select(f"risk_{n}_likelihood"),
                Field.select(f"risk_{n}_impact"),
                Field.textarea(f"risk_{n}_mitigation", rows=2),
                legend=f"Risk {n}",
                legend_size=Size.SMALL,
            )
            for n in range(1, RISK_ROWS + 1)
        ]
        return [
            Field.text("title"),
            Field.select("intention"),
            Fieldset(
                Field.textarea("need", rows=6),
                legend="1. The need",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                HTML(
                    '<p class="govuk-body">Describe up to 4 options. '
                    "Leave the rows you do not need empty.</p>"
                ),
                *options,
                legend="2. Options appraisal",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(Field.select("recommended_option"), legend="3. Recommendation", legend_size=Size.MEDIUM),
            Fieldset(*costs, legend="4. Whole-life cost by financial year", legend_size=Size.MEDIUM),
            Fieldset(*funding, legend="5. Funding sources", legend_size=Size.MEDIUM),
            Fieldset(*risks, legend="6. Risks", legend_size=Size.MEDIUM),
            Fieldset(
                Field.textarea("outcomes", rows=5), legend="7. Outcomes sought", legend_size=Size.MEDIUM
            ),
        ]

    @classmethod
    def initial_for(cls, case) -> dict:
        initial = {
            "title": case.title,
            "intention": case.intention_id,
            "need": case.need,
            "outcomes": case.outcomes,
        }
        for n, option in enumerate(case.options[:OPTION_ROWS], start=1):
            for key in ("name", "description", "pros", "cons", "cost"):
                initial[f"option_{n}_{key}"] = option.get(key) or ""
            if option.get("name") and option["name"] == case.recommended_option:
                initial["recommended_option"] = str(n)
        for n, row in enumerate(case.whole_life_cost[:COST_ROWS], start=1):
            initial[f"cost_{n}_year"] = row["financial_year"]
            initial[f"cost_{n}_amount"] = row["amount"]
        for n, row in enumerate(case.funding[:FUNDING_ROWS], start=1):
            initial[f"funding_{n}_source"] = row["source"]
            initial[f"funding_{n}_amount"] = row["amount"]
        for n, row in enumerate(case.risks[:RISK_ROWS], start=1):
            for key in ("risk", "likelihood", "impact", "mitigation"):
                initial[f"risk_{n}_{key}"] = row.get(key) or ""
        return initial

    def clean(self):
        data = super().clean()
        chosen = data.get("recommended_option")
        if chosen and not (data.get(f"option_{chosen}_name") or "").strip():
            self.add_error("recommended_option", f"Option {chosen} has no name: enter it, or choose another")
        for n in range(1, COST_ROWS + 1):
            year, amount = data.get(f"cost_{n}_year"), data.get(f"cost_{n}_amount")
            if year and amount is None and f"cost_{n}_amount" not in self.errors:
                self.add_error(f"cost_{n}_amount", f"Year {n}: enter the cost for {year}")
            if amount is not None and not year and f"cost_{n}_year" not in self.errors:
                self.add_error(f"cost_{n}_year", f"Year {n}: enter the financial year like 2026-27")
        for n in range(1, FUNDING_ROWS + 1):
            source, amount = data.get(f"funding_{n}_source"), data.get(f"funding_{n}_amount")
            if source and amount is None and f"funding_{n}_amount" not in self.errors:
                self.add_error(f"funding_{n}_amount", f"Funding source {n}: enter the amount")
            if amount is not None and not source:
                self.add_error(f"funding_{n}_source", f"Funding source {n}: select a source")
        return data

    def values(self) -> dict:
        """The cleaned form as the service's keyword arguments."""
        data = self.cleaned_data
        options = [
            {
                "name": data[f"option_{n}_name"],
                "description": data[f"option_{n}_description"],
                "pros": data[f"option_{n}_pros"],
                "cons": data[f"option_{n}_cons"],
                "cost": "" if data[f"option_{n}_cost"] is None else str(data[f"option_{n}_cost"]),
            }
            for n in range(1, OPTION_ROWS + 1)
        ]
        chosen = data.get("recommended_option")
        return {
            "title": data["title"],
            "intention": data.get("intention"),
            "need": data["need"],
            "options": options,
            "recommended_option": (data.get(f"option_{chosen}_name") or "").strip() if chosen else "",
            "whole_life_cost": [
                {
                    "financial_year": data[f"cost_{n}_year"],
                    "amount": "" if data[f"cost_{n}_amount"] is None else str(data[f"cost_{n}_amount"]),
                }
                for n in range(1, COST_ROWS + 1)
            ],
            "funding": [
                {
                    "source": data[f"funding_{n}_source"],
                    "amount": "" if data[f"funding_{n}_amount"] is None else str(data[f"funding_{n}_amount"]),
                }
                for n in range(1, FUNDING_ROWS + 1)
            ],
            "risks": [
                {key: data[f"risk_{n}_{key}"] for key in ("risk", "likelihood", "impact", "mitigation")}
                for n in range(1, RISK_ROWS + 1)
            ],
            "outcomes": data["outcomes"],
        }


# Service errors by section, shown on the field that opens the section.
SECTION_FIELDS = {
    "need": "need",
    "options": "option_1_name",
    "recommended_option": "recommended_option",
    "whole_life_cost": "cost_1_year",
    "funding": "funding_1_source",
    "risks": "risk_1_risk",
    "title": "title",
    "intention": "intention",
}


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *BusinessCaseStatus.choices]
    )


class SubmitCaseForm(GovForm):
    submit_label = "Submit for Finance approval"


OUTCOME_LABELS = {
    DecisionOutcome.APPROVED: "Approve",
    DecisionOutcome.RETURNED: "Return for changes",
    DecisionOutcome.REJECTED: "Reject",
}


class DecisionForm(GovForm):
    submit_label = "Record decision"

    outcome = forms.ChoiceField(
        label="Decision",
        choices=[(value, OUTCOME_LABELS[value]) for value in DecisionOutcome.values],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you approve, return or reject the business case",
            "invalid_choice": "Select whether you approve, return or reject the business case",
        },
    )
    comments = forms.CharField(
        label="Comments",
        help_text=(
            "Required if you return or reject the business case: say why, and what would need to change"
        ),
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"max_length": "Comments must be 5,000 characters or fewer"},
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, step: str, **kwargs):
        self.step = step
        super().__init__(*args, **kwargs)
        if step == DecisionStep.CABINET:
            self.fields["outcome"].label = "Cabinet's decision"
            self.fields["cabinet_date"] = GovDateField(
                name="Cabinet meeting date",
                label="Cabinet meeting date",
                help_text="Required if Cabinet approved it. For example, 12 3 2026",
                required=False,
            )
            self.fields["minute_reference"] = forms.CharField(
                label="Minute reference",
                help_text=(
                    "Required if Cabinet approved it. As in the published minutes, for example CAB/2026/41"
                ),
                required=False,
                max_length=60,
                error_messages={"max_length": "Minute reference must be 60 characters or fewer"},
            )
            from crispy_forms_gds.layout import Layout, Submit

            self.helper.layout = Layout(*self.layout_fields(), Submit(self.submit_name, self.submit_label))

    def layout_fields(self) -> list:
        fields = [
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.textarea("comments", rows=5, max_characters=5000),
        ]
        if "cabinet_date" in self.fields:
            fields += [
                Field("cabinet_date", context={"legend_size": "govuk-fieldset__legend--s"}),
                Field.text("minute_reference", field_width="one-third"),
            ]
        return [*fields, "seen_version"]
