"""Every form of the service, fed hostile input: validation never raises, and every error is a message.

The forms are found, not listed: every Form class defined in an app's `forms` module (or package), and
every `form_class` of a class-based view reachable from the URL configuration. Each is built with the
arguments its view would pass (made from the parameter's name, see FORM_ARGUMENTS), bound to data that
Hypothesis draws for each of its fields, validated and rendered the way its page renders it. A new form
whose arguments cannot be made fails `test_every_form_can_be_fuzzed` until FORM_ARGUMENTS learns them.

Then the main POST pages of each app are fuzzed through the real views, as the persona who uses them:
never a server error; either a redirect or the page again with its error summary; and when the form is
refused, no row of any table changes.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import RequestFactory
from django.utils.datastructures import MultiValueDict
from hypothesis import given
from hypothesis import strategies as st

from tests.urls_walk import all_routes

from .strategies import examples, file_bodies, hostile_names, posted_value
from .support import rolled_back

APPS = ["accounts", "core", "needs", "commissioning", "coproduction", "procurement", "contracts", "dashboard"]
# Bases that pages never bind themselves: their subclasses are fuzzed.
BASES = {"core.forms.GovForm", "core.forms.GovModelForm"}


def _form_modules():
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        yield module
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            yield importlib.import_module(f"{module.__name__}.{info.name}")


def _qualname(form_class) -> str:
    return f"{form_class.__module__}.{form_class.__name__}"


def discover_forms() -> list[type]:
    found = {}
    for module in _form_modules():
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__:
                found[_qualname(obj)] = obj
    for route in all_routes():
        form_class = getattr(getattr(route.callback, "view_class", None), "form_class", None)
        if form_class is not None and _qualname(form_class).split(".")[0] in APPS:
            found[_qualname(form_class)] = form_class
    return [found[name] for name in sorted(found) if name not in BASES]


FORMS = discover_forms()


# ---------------------------------------------------------------------------------------------------------
# The arguments each form's view passes, made from the parameter's name (and, where two forms use one name
# for different things, from the form's own name first).


def _years(world):
    from needs.analysis.profile import YearOption

    return [YearOption(2024, "2023 to 2024", True), YearOption(2023, "2022 to 2023", False)]


def _section(world):
    from commissioning.services.specifications import SECTION_BY_KEY

    return SECTION_BY_KEY["aims"]


FORM_ARGUMENTS = {
    # by "<form qualname>.<parameter>"
    "needs.forms.profile.ProfileFilterForm.years": _years,
    "contracts.forms.checks.CheckFilterForm.years": lambda world: [2025, 2026],
    "procurement.forms.evaluation.RecommendForm.lots": lambda world: list(world.draft_tender.lots.all()),
    "procurement.forms.fps.ReferralForm.lots": lambda world: world.system.lots.all(),
    "procurement.forms.tenders.StartBidForm.lots": lambda world: world.draft_tender.lots.all(),
    # by parameter name
    "max_bytes": lambda world: 64 * 1024,
    "label": lambda world: "Why are you returning it?",
    "error": lambda world: "Enter why you are returning it",
    "base_years": lambda world: [2024, 2023],
    "service_areas": lambda world: ["Specialist places", "Short breaks"],
    "intentions": lambda world: _model("commissioning.CommissioningIntention").objects.all(),
    "step": lambda world: "cabinet",
    "organisation_id": lambda world: world.commissioner.organisation_id,
    "organisation": lambda world: world.commissioner.organisation,
    "user": lambda world: world.commissioner,
    "consultation": lambda world: world.consultation,
    "section": _section,
    "versions": lambda world: world.consultation.specification.versions.all(),
    "tender": lambda world: world.draft_tender,
    "bidders": lambda world: _model("accounts.Organisation").objects.filter(kind="provider"),
    "providers": lambda world: _model("accounts.Organisation").objects.filter(kind="provider"),
    "criteria": lambda world: world.draft_tender.criteria.all(),
    "system": lambda world: world.system,
    "has_price": lambda world: True,
    "required_documents": lambda world: world.draft_tender.required_documents.all(),
    "kpis": lambda world: world.chain.contract.kpis.all(),
    "notice_period_months": lambda world: 6,
    "rows": lambda world: _model("contracts.ExitPlanRow").objects.all(),
    "officers": lambda world: _model("accounts.User").objects.filter(
        organisation=world.commissioner.organisation
    ),
    "request": lambda world: _request(world),
}
# Forms whose first positional argument is not the data (Django's password forms take the user first).
POSITIONAL = {
    "accounts.forms.ChangePasswordForm": lambda world: [world.commissioner],
    "accounts.forms.ResetPasswordForm": lambda world: [world.commissioner],
    "accounts.forms.SignInForm": lambda world: [_request(world)],
}


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _request(world):
    request = RequestFactory().post("/accounts/login/")
    request.user = AnonymousUser()
    request.session = {}
    return request


def _required_keywords(form_class) -> list[str]:
    signature = inspect.signature(form_class.__init__)
    return [
        name
        for name, parameter in signature.parameters.items()
        if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty
    ]


def _arguments(form_class, world) -> tuple[list, dict]:
    name = _qualname(form_class)
    kwargs = {}
    for parameter in _required_keywords(form_class):
        make = FORM_ARGUMENTS.get(f"{name}.{parameter}") or FORM_ARGUMENTS.get(parameter)
        if make is None:
            raise LookupError(f"{name} needs `{parameter}`: add a maker for it to FORM_ARGUMENTS")
        kwargs[parameter] = make(world)
    positional = POSITIONAL.get(name, lambda world: [])(world)
    return positional, kwargs


def build(form_class, world, data=None, files=None):
    positional, kwargs = _arguments(form_class, world)
    if positional:
        return form_class(*positional, data=data, files=files, **kwargs)
    return form_class(data=data, files=files, **kwargs)


# ---------------------------------------------------------------------------------------------------------
# Data for a form's fields


def _input_names(form, name: str, field) -> list[str]:
    """The names the browser posts for a field: one, or one per part of a multi-part widget (dates)."""
    html_name = form.add_prefix(name)
    widget = field.widget
    if isinstance(widget, forms.MultiWidget):
        return [f"{html_name}{suffix}" for suffix in widget.widgets_names]
    return [html_name]


def _options(field) -> list[str]:
    choices = getattr(field, "choices", None)
    if choices is None:
        return []
    options = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):  # an option group
            options.extend(str(inner) for inner, _ in label)
        else:
            options.append(str(getattr(value, "value", value)))
    return options


@st.composite
def form_data(draw, form):
    """A QueryDict and the files for an unbound form's fields, drawn field by field."""
    data = QueryDict(mutable=True)
    files = MultiValueDict()
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            if draw(st.booleans()):
                files[form.add_prefix(name)] = SimpleUploadedFile(
                    draw(hostile_names) or "x", draw(file_bodies)
                )
            else:
                data.setlist(form.add_prefix(name), draw(posted_value()))
            continue
        options = _options(field)
        for input_name in _input_names(form, name, field):
            values = draw(posted_value(options))
            if values:
                data.setlist(input_name, values)
    return data, files


def assert_errors_are_messages(form) -> None:
    for field, errors in form.errors.as_data().items():
        assert field is None or field == "__all__" or field in form.fields, f"error on unknown field {field}"
        for error in errors:
            for message in error.messages:
                assert isinstance(message, str) and message.strip(), f"{field}: empty error message"
                assert "%%" not in message, f"{field}: an escaped per cent sign shows: {message}"


def test_the_form_search_finds_the_service_forms():
    """The search sees forms of every stage (a broken search would make the fuzzing pass vacuously)."""
    names = {_qualname(form_class) for form_class in FORMS}
    assert len(FORMS) > 80
    assert {
        "accounts.forms.SignInForm",
        "needs.forms.planning.CapacityForm",
        "commissioning.forms.business_cases.BusinessCaseForm",
        "coproduction.forms.CommentForm",
        "procurement.forms.tenders.BidForm",
        "contracts.forms.contracts.ReturnForm",
    } <= names


@pytest.mark.django_db
def test_every_form_can_be_fuzzed(world):
    """Every form can be built with the arguments its view passes; a new one needs FORM_ARGUMENTS."""
    missing = []
    for form_class in FORMS:
        try:
            build(form_class, world)
        except LookupError as error:
            missing.append(str(error))
    assert not missing, "\n".join(missing)


@pytest.mark.django_db
def test_form_validation_never_raises(world):
    """Whatever is posted to any form, is_valid() answers True or False and each error is a message.

    One test walks every form (one world to build, not one per form); the failures of all forms are
    reported together, each with the smallest example Hypothesis found."""
    failures = []
    for form_class in FORMS:
        try:
            _fuzz_form(form_class, world)
        except Exception as error:
            failures.append(f"{_qualname(form_class)}: {type(error).__name__}: {error}")
    assert not failures, "\n\n".join(failures)


def _fuzz_form(form_class, world) -> None:
    template = build(form_class, world)

    @examples(8)
    @given(st.data())
    def check(data):
        posted, files = data.draw(form_data(template))
        with rolled_back():
            form = build(form_class, world, data=posted, files=files)
            form.is_valid()
            assert_errors_are_messages(form)

    check()
