"""Two-factor sign-in and the Content Security Policy in a real browser.

A commissioner with no authenticator app signs in, is sent to set one up (the QR code is drawn as inline
SVG, the key written out), confirms it with a code and lands on the page they asked for; next time they
are asked for the code, get a clear error for a wrong one, and get in with the right one. The backup codes
shown at set-up work by keyboard in place of the app's code. The pages are
checked by axe-core as served, with the policy on. Then the policy is shown to be enforced: a script
injected into a page is refused by the browser.
"""

import base64
import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import backup_code_display, backup_codes_make, next_unused_code
from conftest import PASSWORD, test_authenticator

from .conftest import check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from_key(key: str) -> str:
    """What an authenticator app shows for the key typed in from the page."""
    totp = TOTP(base64.b32decode(key.replace(" ", "")))
    return f"{totp.token():06d}"


def test_setting_up_and_signing_in_with_an_authenticator_app(page, commissioner_northshire):
    page.goto("/needs/", timeout=60_000)  # the live server's first page can be slow on a busy machine
    page.get_by_label("Email address").fill(commissioner_northshire.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    # No app yet: the set-up page, with a QR code and the key to type instead.
    assert "/accounts/two-factor/set-up/" in page.url
    assert page.get_by_role("heading", name="Set up two-factor sign-in").is_visible()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    key = page.locator("#manual-key").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4}){7}", key)
    check(page, "two-factor-set-up")
    page.get_by_label("Code", exact=True).fill(code_from_key(key))
    page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_load_state()
    # The backup codes, shown this once, then on to the page asked for.
    assert page.get_by_role("heading", name="Save your backup codes").is_visible()
    assert page.get_by_text("Two-factor sign-in is set up").is_visible()
    backup_codes = page.locator("#backup-codes li").all_inner_texts()
    assert len(backup_codes) == 10
    assert all(re.fullmatch(r"[a-z2-9]{5} [a-z2-9]{5}", code) for code in backup_codes)
    check(page, "two-factor-backup-codes")
    page.get_by_role("link", name="Continue").click()
    page.wait_for_load_state()
    assert page.url.endswith("/needs/")

    # Next sign-in: the code page; a wrong code is named in the error summary.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(commissioner_northshire.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/two-factor/code/" in page.url
    page.get_by_label("Code", exact=True).fill("12345")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Enter the 6-digit code from your authenticator app").is_visible()
    check(page, "two-factor-code-error")
    device = TOTPDevice.objects.get(user=commissioner_northshire)
    page.get_by_label("Code", exact=True).fill(next_unused_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.url.endswith("/")
    assert page.get_by_text("Priya Shah").first.is_visible()


def test_signing_in_with_a_backup_code_by_keyboard(page, finance_northshire):
    """A person without their phone: from the code page to the backup code page and in, keys only."""
    test_authenticator(finance_northshire)
    codes = backup_codes_make(user=finance_northshire)
    page.goto("/needs/", timeout=60_000)
    page.get_by_label("Email address").fill(finance_northshire.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/two-factor/code/**")

    link = page.get_by_role("link", name="Use a backup code instead")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/two-factor/backup-code/**")
    assert page.get_by_role("heading", name="Enter a backup code").is_visible()
    check(page, "two-factor-backup-code")
    field = page.get_by_label("Backup code", exact=True)
    field.focus()
    page.keyboard.type(backup_code_display(codes[0]))
    page.keyboard.press("Enter")
    page.wait_for_url("**/needs/")
    assert page.get_by_text("You signed in with a backup code. You have 9 backup codes left.").is_visible()


def test_the_browser_refuses_a_script_injected_into_a_page(page):
    """No bypass: the policy as served stops an inline script (the hole an XSS bug would open)."""
    page.goto("/accounts/login/")
    outcome = page.evaluate(
        """() => new Promise(resolve => {
            const refused = [];
            document.addEventListener('securitypolicyviolation', (e) => refused.push(e.violatedDirective));
            window.injectedScriptRan = false;
            const script = document.createElement('script');
            script.textContent = 'window.injectedScriptRan = true';
            document.body.appendChild(script);
            const styled = document.createElement('p');
            styled.setAttribute('style', 'color: red');
            document.body.appendChild(styled);
            setTimeout(() => resolve({ran: window.injectedScriptRan, refused}), 500);
        })"""
    )
    assert outcome["ran"] is False
    assert "script-src-elem" in outcome["refused"]
    assert "style-src-attr" in outcome["refused"]
    # The service's own script, from its own origin, did run.
    assert page.evaluate("() => document.body.classList.contains('js-enabled')")
