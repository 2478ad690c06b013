"""The Content Security Policy: scripts and styles only from the service itself, nothing inline."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

# An opening <script> tag without a src attribute, i.e. inline script (JSON data is not script).
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.IGNORECASE)
# An inline event handler (onclick=…) or a style attribute, inside a tag.
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
# Templates rendered for WeasyPrint only, never served as a page: the policy does not apply to them.
PDF_TEMPLATES = Path(settings.BASE_DIR, "templates", "pdf")


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_script_and_style_come_only_from_the_service():
    policy = policy_of(Client().get(reverse("accounts:login")))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


def test_the_policy_is_on_private_pages_downloads_and_the_support_admin(client, staff_admin):
    client.force_login(staff_admin)
    for url in ("/", "/support/", "/support/accounts/user/", "/audit/", "/accounts/two-factor/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response["Content-Security-Policy"], url


def test_the_policy_is_on_error_pages(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    not_found = client.get("/procurement/tenders/999999/")
    assert not_found.status_code == 404
    assert "script-src 'self'" in not_found["Content-Security-Policy"]
    refused = client.get("/support/")
    assert refused.status_code == 403
    assert "script-src 'self'" in refused["Content-Security-Policy"]
    no_token = Client(enforce_csrf_checks=True)
    no_token.force_login(commissioner_northshire)
    csrf = no_token.post("/accounts/logout/")
    assert csrf.status_code == 403
    assert "script-src 'self'" in csrf["Content-Security-Policy"]


def test_the_policy_is_on_a_server_error(client, commissioner_northshire, monkeypatch):
    """Even the 500 page, rendered after something broke, carries the policy."""

    def broken(user):
        raise RuntimeError("something broke")

    monkeypatch.setattr("dashboard.views.home_stages_for", broken)
    client.raise_request_exception = False
    client.force_login(commissioner_northshire)
    response = client.get("/")
    assert response.status_code == 500
    assert "script-src 'self'" in response["Content-Security-Policy"]


def _templates():
    roots = [Path(settings.BASE_DIR, "templates")]
    roots += [path for path in Path(settings.BASE_DIR).glob("*/templates") if ".venv" not in path.parts]
    for root in roots:
        for path in root.rglob("*.html"):
            if PDF_TEMPLATES not in path.parents:
                yield path


def test_no_template_has_inline_script_event_handlers_or_style_attributes():
    templates = list(_templates())
    assert len(templates) > 50
    failures = []
    for path in templates:
        text = path.read_text()
        for name, pattern in (
            ("inline script", INLINE_SCRIPT),
            ("event handler", EVENT_HANDLER),
            ("style attribute", STYLE_ATTRIBUTE),
        ):
            if pattern.search(text):
                failures.append(f"{path.relative_to(settings.BASE_DIR)}: {name}")
    assert not failures, "\n".join(failures)


def test_no_static_script_writes_inline_handlers_or_styles():
    """The service's own JavaScript sets no on… attributes and no style attribute (both need 'unsafe-…')."""
    for path in Path(settings.BASE_DIR, "static", "js").glob("*.js"):
        if path.name.endswith(".min.js"):
            continue
        text = path.read_text()
        assert not re.search(r"setAttribute\(\s*['\"](on[a-z]+|style)['\"]", text), path.name
        assert ".innerHTML" not in text, path.name


PAGES = {
    "commissioner_northshire": [
        "/",
        "/needs/",
        "/commissioning/intentions/",
        "/procurement/tenders/",
        "/procurement/providers/",
        "/contracts/",
        "/contracts/qa/visits/",
        "/accounts/password/",
        "/accounts/two-factor/",
        "/accessibility/",
    ],
    "provider_oakfield": ["/", "/procurement/compliance-pack/", "/procurement/tenders/"],
    "forum_member": ["/"],
    "staff_admin": [
        "/",
        "/support/",
        "/support/accounts/user/",
        "/support/accounts/organisation/",
        "/support/django_celery_beat/periodictask/add/",
        "/support/core/auditevent/",
        "/audit/",
    ],
}


def test_rendered_pages_have_no_inline_script_or_style(request):
    """A sample of every role's pages and the support admin, as the browser receives them."""
    failures = []
    anonymous = Client()
    pages = [(anonymous, url) for url in ("/accounts/login/", "/accounts/password-reset/", "/accessibility/")]
    for persona, urls in PAGES.items():
        client = Client()
        person = request.getfixturevalue(persona)
        client.force_login(person)
        pages += [(client, url) for url in urls]
        if persona == "staff_admin":
            pages.append((client, f"/support/accounts/user/{person.pk}/change/"))
    for client, url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        for name, pattern in (("inline script", INLINE_SCRIPT), ("style attribute", STYLE_ATTRIBUTE)):
            match = pattern.search(html)
            if match:
                failures.append(f"{url}: {name} {match.group(0)[:120]}")
    assert not failures, "\n".join(failures)


def test_the_two_factor_set_up_page_draws_its_qr_code_without_inline_style(client, commissioner_northshire):
    client.force_login(commissioner_northshire, verified=False)
    page = client.get("/accounts/two-factor/set-up/")
    assert page.status_code == 200
    assert "<svg" in page.text
    assert not STYLE_ATTRIBUTE.search(page.text)
    assert not INLINE_SCRIPT.search(page.text)
