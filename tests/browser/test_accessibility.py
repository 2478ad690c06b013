"""axe-core finds no serious or critical accessibility problem on the foundation's pages."""

from urllib.parse import urlsplit

import pytest

from conftest import PERSONAS

from .conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sign_in_page_is_accessible(page):
    page.goto("/accounts/login/")
    screenshot(page, "sign-in")
    assert axe_violations(page) == []


def test_the_sign_in_page_with_errors_is_accessible(page):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").filter(has_text="There is a problem").is_visible()
    screenshot(page, "sign-in-errors")
    assert axe_violations(page) == []


def test_the_accessibility_statement_is_accessible(page):
    page.goto("/accessibility/")
    assert axe_violations(page) == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_roles_home_page_is_accessible(request, page, persona):
    sign_in(page, request.getfixturevalue(persona))
    assert page.url.endswith("/")
    assert page.get_by_role("heading", name="The commissioning cycle").is_visible()
    screenshot(page, f"home-{persona}")
    assert axe_violations(page) == []


def test_the_404_page_is_accessible(request, page, commissioner_northshire):
    sign_in(page, commissioner_northshire)
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert axe_violations(page) == []


def test_the_documents_page_with_an_upload_error_is_accessible(page, provider_oakfield):
    sign_in(page, provider_oakfield)
    page.goto("/documents/")
    page.get_by_role("button", name="Upload document").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Enter a title for the document").is_visible()
    screenshot(page, "documents-errors")
    assert axe_violations(page) == []


def test_the_notifications_and_audit_pages_are_accessible(page, staff_admin):
    sign_in(page, staff_admin)
    for url in ("/notifications/", "/audit/"):
        page.goto(url)
        assert axe_violations(page) == [], url


def test_pages_reflow_at_320_pixels_without_horizontal_scrolling(page, commissioner_northshire):
    sign_in(page, commissioner_northshire)
    page.set_viewport_size({"width": 320, "height": 800})
    for url in ("/", "/documents/", "/accessibility/"):
        page.goto(url)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 320, f"{url} is {scroll_width}px wide"
    screenshot(page, "home-320")


def test_the_idle_timeout_warning_appears_and_stay_signed_in_keeps_the_session(
    page, settings, commissioner_northshire
):
    """Shortly before the idle timeout a dialog warns; 'Stay signed in' closes it and keeps the session."""
    settings.SESSION_COOKIE_AGE = 66
    settings.SESSION_WARNING_SECONDS = 60
    sign_in(page, commissioner_northshire)
    dialog = page.get_by_role("dialog", name="You're about to be signed out")
    dialog.wait_for(state="visible", timeout=20_000)
    screenshot(page, "timeout-warning")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    page.goto("/")
    assert page.get_by_role("heading", name="The commissioning cycle").is_visible()


def test_the_sign_in_journey_works_by_keyboard_alone(page, commissioner_northshire):
    from accounts.two_factor import next_unused_code
    from conftest import PASSWORD, test_authenticator

    device = test_authenticator(commissioner_northshire)
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.locator("#id_username").focus()
    page.keyboard.type(commissioner_northshire.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    # Waits read the address from Python: a string run in the page would be eval, which the CSP refuses.
    page.wait_for_url(lambda url: urlsplit(url).path == "/accounts/two-factor/code/")
    for _ in range(40):  # Tab to the code box, past the skip link and the header's links
        if page.evaluate("document.activeElement.id") == "id_code":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_code"
    page.keyboard.type(next_unused_code(device))
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    assert page.get_by_role("heading", name="The commissioning cycle").is_visible()


def test_the_password_reset_pages_are_accessible(page):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Reset your password").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send reset link").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Enter your email address").is_visible()
    assert axe_violations(page) == []
