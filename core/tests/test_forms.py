"""Core's form fields speak GOV.UK's words."""

import pytest

from core.forms import GovForm, WholeNumberField


class AgesForm(GovForm):
    age = WholeNumberField(name="the youngest age", label="Youngest age", min_value=0, max_value=25, width=2)
    places = WholeNumberField(name="places available", label="Places", min_value=0, required=False)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"age": ""}, "age", "Enter the youngest age"),
        ({"age": "ten"}, "age", "The youngest age must be a whole number from 0 to 25"),
        ({"age": "26"}, "age", "The youngest age must be a whole number from 0 to 25"),
        ({"age": "3", "places": "-1"}, "places", "Places available must be 0 or more"),
        ({"age": "3", "places": "2.5"}, "places", "Places available must be a whole number"),
    ],
)
def test_a_whole_number_field_names_what_is_wrong(data, field, message):
    form = AgesForm(data)
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_a_whole_number_is_typed_in_a_narrow_numeric_text_input():
    """GOV.UK advises against type="number": a text input with a numeric keyboard."""
    html = str(AgesForm()["age"])
    assert 'type="text"' in html and 'inputmode="numeric"' in html and "govuk-input--width-2" in html
    assert AgesForm({"age": " 7 "}).is_valid()
