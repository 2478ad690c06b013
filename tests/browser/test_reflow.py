"""Pages reflow at 320 CSS pixels (WCAG 2.2, 1.4.10): at that width the main pages of each role, on the
demo data, never scroll sideways. A table or chart wider than the screen may scroll inside its own
region, as GOV.UK does, if the region can be reached and scrolled by keyboard and is named for screen
readers (tabindex="0", role="region" and a label).

The sample covers the kinds of page there are: the home page, lists heavy with tables (with
pagination), charts with their data tables, detail pages with summary lists, a comparison, a form with
its errors, and each role's own pages.
"""

import pytest

from . import demo
from .demo import demo_context

demo_server = demo.demo_server  # the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTH = 320

# Anything sticking out past the right edge of the page, outside a region that scrolls or clips it.
OVERFLOWING_JS = """(width) => {
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5 && !clipped(el)) {
      out.push(`${el.tagName.toLowerCase()}.${el.className} (right edge ${Math.round(box.right)}px)`);
    }
  }
  return out.slice(0, 8);
}"""

# Every region that scrolls sideways on the page, and how a keyboard or screen reader user meets it.
SCROLLING_JS = """() => [...document.querySelectorAll('body *')]
  .filter((el) => !el.matches('textarea, select, input')
    && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
  .map((el) => ({
    element: `${el.tagName.toLowerCase()}.${el.className}`,
    tabindex: el.getAttribute('tabindex'),
    role: el.getAttribute('role'),
    named: !!(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')),
  }))"""


def demo_pages() -> dict[str, list[str]]:
    """Each role's sample of pages, with the ids of demo objects."""
    from commissioning.models import BusinessCase, ServiceSpecification
    from contracts.models import Contract
    from procurement.models import Award, PurchasingSystem, Referral

    case = BusinessCase.objects.filter(organisation__slug="northshire").order_by("-status", "pk").first()
    specification = ServiceSpecification.objects.filter(organisation__slug="northshire").first()
    contract = Contract.objects.filter(organisation__slug="northshire").first()
    award = Award.objects.first()
    system = PurchasingSystem.objects.first()
    referral = Referral.objects.filter(
        authority__slug="northshire", responses__weekly_fee__isnull=False
    ).first()
    return {
        "commissioner": [
            "/",
            "/needs/",
            "/needs/capacity/",
            "/needs/gaps/",
            f"/commissioning/business-cases/{case.pk}/",
            f"/commissioning/specifications/{specification.pk}/",
            f"/commissioning/specifications/{specification.pk}/compare/",
            "/procurement/tenders/",
            f"/procurement/evaluation/{award.tender_id}/scores/",
            f"/procurement/fps/{system.pk}/list/",
            f"/procurement/fps/referrals/{referral.pk}/",
            "/contracts/",
            f"/contracts/{contract.pk}/",
            "/contracts/qa/visits/",
        ],
        "finance-approver": ["/commissioning/business-cases/waiting/"],
        "forum-member": ["/coproduction/"],
        "provider-user": [
            "/procurement/compliance-pack/",
            "/procurement/bids/",
            "/procurement/fps/received/",
        ],
        "staff-admin": ["/audit/"],
    }


def assert_reflows(page, url: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{url} is {width}px wide at {WIDTH}px: {page.evaluate(OVERFLOWING_JS, WIDTH)}"
    for region in page.evaluate(SCROLLING_JS):
        assert (region["tabindex"], region["role"], region["named"]) == ("0", "region", True), (
            f"{url}: {region['element']} scrolls sideways but is not a named, focusable region: {region}"
        )


@pytest.mark.parametrize(
    "role", ["commissioner", "finance-approver", "forum-member", "provider-user", "staff-admin"]
)
def test_the_main_pages_of_each_role_reflow_at_320_pixels(browser, demo_server, role):
    context, page = demo_context(browser, demo_server.url, role, width=WIDTH, height=800)
    try:
        for url in demo_pages()[role]:
            response = page.goto(url)
            assert response.status == 200, f"{url} answered {response.status}"
            assert_reflows(page, url)
    finally:
        context.close()


def test_a_form_with_errors_reflows_at_320_pixels(browser, demo_server):
    context, page = demo_context(browser, demo_server.url, "commissioner", width=WIDTH, height=800)
    try:
        page.goto("/commissioning/business-cases/new/")
        page.get_by_role("button", name="Save as draft").click()
        page.wait_for_load_state()
        assert page.get_by_role("alert").filter(has_text="There is a problem").is_visible()
        assert_reflows(page, "the business case form with errors")
    finally:
        context.close()
