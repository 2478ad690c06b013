"""Browser tests: Debian's Chromium driven by Playwright against the live test server.

`playwright install` cannot download browsers here, so the system Chromium is used. Where it is
missing the tests skip with a reason (and fail under CI=true).
"""

import datetime
import functools
import os
import shutil
from pathlib import Path

import pytest

from conftest import PASSWORD, test_authenticator
from tests.support import require

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]
AXE_JS = Path(__file__).with_name("axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    require(executable is not None, "Chromium is not installed (Debian package chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from tests are safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, user, password: str = PASSWORD, *, fresh_codes: bool = True) -> None:
    """Sign in with the password and, for a person who must use two-factor sign-in, the code step too:
    the code their authenticator app would show now (an app is made for them if they have none).

    `fresh_codes=False` leaves an existing app's row untouched (for the demo data's server, which is not
    the test's transaction: on PostgreSQL an uncommitted update here would hold the row the server's
    code check must write, and the sign-in would wait for ever).
    """
    from accounts.two_factor import next_unused_code, two_factor_device, two_factor_required

    device = None
    if two_factor_required(user):
        device = test_authenticator(user) if fresh_codes else _unused_code_ready(two_factor_device(user))
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if device is not None and "/accounts/two-factor/code/" in page.url:
        page.get_by_label("Code", exact=True).fill(next_unused_code(device))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()


def _unused_code_ready(device):
    """The app, once a code it has not used is accepted: the current step's or, within the one step of
    tolerance, the next. Waits for the clock when even that was used (a third sign-in in 30 seconds)."""
    import time

    from django_otp.oath import TOTP

    while True:
        device.refresh_from_db()
        current = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
        if device.last_t <= current:
            return device
        time.sleep(1)


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.0–2.2 A and AA rules) on the page; return serious and critical violations.

    axe is evaluated through the DevTools protocol, which the page's Content Security Policy does not
    govern: `add_script_tag` would insert an inline script, which the policy rightly refuses. So the
    pages are checked exactly as served, with no `bypass_csp`.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


@functools.cache
def _axe_source() -> str:
    # A function body, so axe's own top-level code runs as it would in a script (it sets window.axe).
    return "() => {\n" + AXE_JS.read_text() + "\n}"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# The steps every journey repeats.


def check(page, name: str) -> None:
    """Save a screenshot of the page and assert axe-core finds nothing serious or critical on it."""
    page.wait_for_load_state()
    screenshot(page, name)
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def switch(page, user) -> None:
    """Sign out whoever is signed in and sign in as `user`."""
    page.context.clear_cookies()
    sign_in(page, user)


def fill_date(page, name: str, value: datetime.date) -> None:
    """Fill the GOV.UK date input of the form field `name` (its day, month and year boxes)."""
    page.locator(f'input[name="{name}_0"]').fill(str(value.day))
    page.locator(f'input[name="{name}_1"]').fill(str(value.month))
    page.locator(f'input[name="{name}_2"]').fill(str(value.year))
