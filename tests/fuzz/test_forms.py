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
from html.parser import HTMLParser

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from hypothesis import given
from hypothesis import strategies as st

from tests.urls_walk import all_routes

from .strategies import examples, file_bodies, hostile_names, posted_value
from .support import changed_counts, rolled_back, row_counts

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


def test_a_date_part_too_large_for_the_machine_is_refused_as_not_a_real_date():
    from core.forms import GovDateField, GovForm

    class DateForm(GovForm):
        when = GovDateField(name="Start date", past_only=False)

    form = DateForm(data={"when_0": "99999999999999999999", "when_1": "1", "when_2": "2026"})
    assert not form.is_valid()
    assert form.errors["when"] == ["Start date must be a real date"]


# ---------------------------------------------------------------------------------------------------------
# Through the real views: the main create and update pages of each app, as the persona who uses them.


class _FormsOnPage(HTMLParser):
    """The POST forms of a page: their action and, for each input name, the values the page offers."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": {}, "files": set(), "fixed": {}}
            self.forms.append(self._form)
        if self._form is None or not attrs.get("name"):
            return
        name, fields = attrs["name"], self._form["fields"]
        if name == "csrfmiddlewaretoken":
            return
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and kind == "file":
            self._form["files"].add(name)
        elif tag == "input" and kind in ("radio", "checkbox", "submit", "hidden"):
            fields.setdefault(name, []).append(attrs.get("value", "on"))
            if kind == "hidden":
                self._form["fixed"][name] = attrs.get("value", "")
        elif tag in ("input", "textarea", "button"):
            fields.setdefault(name, [])
            if tag == "button" and attrs.get("value"):
                fields[name].append(attrs["value"])
        elif tag == "select":
            self._select = fields.setdefault(name, [])
        elif tag == "option" and self._select is not None:
            self._select.append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def page_form(html: str, action: str) -> dict:
    """The page's POST form that posts to `action` (or to the page itself)."""
    parser = _FormsOnPage()
    parser.feed(html)
    candidates = [form for form in parser.forms if form["action"] in ("", action)]
    assert candidates, f"no form posting to {action} on the page"
    return max(candidates, key=lambda form: len(form["fields"]) + len(form["files"]))


@st.composite
def page_data(draw, form):
    """What a hostile browser posts to a form: drawn values for every input; hidden inputs mostly kept."""
    data = {}
    for name, options in form["fields"].items():
        if name in form["fixed"] and draw(st.integers(0, 3)):
            data[name] = form["fixed"][name]
            continue
        values = draw(posted_value(options))
        if values:
            data[name] = values
    for name in form["files"]:
        if draw(st.booleans()):
            data[name] = SimpleUploadedFile(draw(hostile_names) or "x", draw(file_bodies))
    return data


def _contract(world):
    return world.chain.contract


def _bid(world):
    """A published tender and the provider's bid on it, made on first use (only the bid pages need it)."""
    if not hasattr(world, "bid"):
        from procurement.services import submissions as bids
        from procurement.tests.tenders.conftest import publish

        tender = publish(world.commissioner, reference="NS-FUZZ-BID")
        world.bid = bids.submission_start(tender=tender, lot=tender.lots.get(number=1), actor=world.provider)
    return world.bid


# (route name, persona, the URL's arguments)
PAGES = [
    ("needs:capacity_create", "commissioner", lambda w: []),
    ("needs:feedback_create", "commissioner", lambda w: []),
    ("commissioning:intention_create", "commissioner", lambda w: []),
    ("commissioning:intention_edit", "commissioner", lambda w: [w.chain.intention.pk]),
    ("commissioning:case_create", "commissioner", lambda w: []),
    ("commissioning:spec_create", "commissioner", lambda w: []),
    ("coproduction:consultation_create", "commissioner", lambda w: []),
    ("procurement:tender_create", "commissioner", lambda w: []),
    ("procurement:tender_edit", "commissioner", lambda w: [w.draft_tender.pk]),
    ("procurement:tender_timetable", "commissioner", lambda w: [w.draft_tender.pk]),
    ("procurement:tender_lot_add", "commissioner", lambda w: [w.draft_tender.pk]),
    ("procurement:tender_criterion_add", "commissioner", lambda w: [w.draft_tender.pk]),
    ("procurement:fps_system_create", "lead", lambda w: []),
    ("procurement:fps_lot_add", "lead", lambda w: [w.system.pk]),
    ("procurement:fps_referral_create", "lead", lambda w: []),
    ("contracts:contract_create_spot", "commissioner", lambda w: []),
    ("contracts:contract_edit", "commissioner", lambda w: [_contract(w).pk]),
    ("contracts:kpi_add", "commissioner", lambda w: [_contract(w).pk]),
    ("contracts:meeting_add", "commissioner", lambda w: [_contract(w).pk]),
    ("contracts:qa_visit_add", "commissioner", lambda w: [_contract(w).pk]),
    ("coproduction:comment_add", "forum_member", lambda w: [w.consultation.pk, "aims"]),
    ("procurement:insurance_add", "provider", lambda w: []),
    ("procurement:setting_add", "provider", lambda w: []),
    ("procurement:policy_add", "provider", lambda w: []),
    ("contracts:return_submit", "provider", lambda w: [_contract(w).pk]),
    ("procurement:bid_edit", "provider", lambda w: [_bid(w).pk]),
    ("procurement:clarification_ask", "provider", lambda w: [_bid(w).tender_id]),
    ("core:document_list", "provider", lambda w: []),
]


def _form_page(name: str, args: list, world) -> str:
    if name == "coproduction:comment_add":
        return reverse("coproduction:consultation_detail", args=[world.consultation.pk])
    return reverse(name, args=args)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "persona", "args"), PAGES, ids=[page[0] for page in PAGES])
def test_fuzzed_posts_to_the_main_pages(name, persona, args, world):
    """Never a server error; a refusal shows the page again with its error summary and changes no row."""
    client = Client()
    client.force_login(getattr(world, persona))
    url = reverse(name, args=args(world))
    page = client.get(_form_page(name, args(world), world))
    assert page.status_code == 200, f"{name}: GET answered {page.status_code}"
    form = page_form(page.content.decode(), url)

    @examples(6)
    @given(page_data(form))
    def post(data):
        with rolled_back():
            before = row_counts()
            response = client.post(url, data)
            assert response.status_code in (200, 302, 303, 400), f"{name} answered {response.status_code}"
            if response.status_code in (200, 400):
                assert b"govuk-error-summary" in response.content, f"{name}: refused without an error summary"
                assert not changed_counts(before, row_counts()), f"{name}: a refused form changed rows"

    post()
