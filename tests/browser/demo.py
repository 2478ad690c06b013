"""The demo data (seed_demo) on a live server of its own, for the browser tests that look at every page.

Use it in a test module with `from .demo import DEMO_ROLES, demo_server, demo_context` and mark the
module's tests `django_db` (not transactional): each test then runs in a transaction that is rolled back
(on SQLite the server shares the test's connection), never a flush, which would lose the demo data.
The data is loaded once for the module and flushed after its last test, so the tests after it find the
database empty, as a transactional test leaves it.
"""

import pytest
from django.conf import settings
from django.core.management import call_command

from .conftest import sign_in

# The demo login of each role (README, "Run it").
DEMO_ROLES = {
    "commissioner": "commissioner@northshire.example",
    "lead-commissioner": "lead@northshire.example",
    "evaluator": "evaluator@northshire.example",
    "finance-approver": "finance@northshire.example",
    "legal-approver": "legal@northshire.example",
    "forum-member": "forum@northshire-pcf.example",
    "provider-user": "provider@oakfield.example",
    "staff-admin": "admin@example.org",
}


@pytest.fixture(scope="module")
def demo_server(django_db_setup, django_db_blocker):
    """A live server on the demo data. The database stays unblocked for the whole module, since the
    server thread reads it between tests."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        call_command("seed_demo", "--quiet")
        server = LiveServer("localhost")
        try:
            yield server
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


def demo_context(browser, base_url: str, role: str, *, width: int = 1200, height: int = 900):
    """A browser context signed in as the role's demo login."""
    from accounts.models import User

    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    user = User.objects.get(email=DEMO_ROLES[role])
    sign_in(page, user, password=settings.DEMO_PASSWORD, fresh_codes=False)
    assert page.url.rstrip("/") == base_url, f"{role} could not sign in: {page.url}"
    return context, page
