"""Error summary links that land on the field, whatever widget it uses."""

from django import forms, template

register = template.Library()

# crispy-forms-gds numbers radios and checkboxes from 1: id_<name>_1 is the first option.
_CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def error_anchor(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, _CHOICE_WIDGETS):
        return f"id_{bound_field.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


@register.simple_tag
def error_links(form) -> list[tuple[str, str]]:
    """(anchor, message) for every error in a form, non-field errors first, in field order."""
    visible = form.visible_fields()
    first = error_anchor(visible[0]) if visible else ""
    links = [(first, error) for error in form.non_field_errors()]
    for field in visible:
        links.extend((error_anchor(field), error) for error in field.errors)
    return links
