"""Every page each demo role can reach is accessible: a crawler signs in as the role on the demo data
(seed_demo), follows every link and GET form within the service from the home page, breadth first
(never signing out, never a POST, the support admin only for staff), and runs axe-core on each page.
A serious or critical violation, a page not found or a server error anywhere fails the role's test.
The demo objects' detail pages are reached through the lists that show each role what it may see.

To stay within its time, the crawl groups pages that differ only by ids: after the first
`PER_PATTERN` pages of a URL pattern the rest are skipped. Downloads (PDF, CSV, XLSX, ZIP, documents)
are not opened. axe-core checks each page structure once (see STRUCTURE_JS), across roles. What each
role visited is written to test-output/a11y-crawl/<role>.txt.
"""

import hashlib
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve

from . import demo
from .conftest import AXE_TAGS, _axe_source
from .demo import DEMO_ROLES, demo_context

demo_server = demo.demo_server  # the fixture

# The module's server keeps the demo data between tests: each test runs in a transaction that is rolled
# back (on SQLite the server shares the test's connection), never a flush, which would lose the data.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PER_PATTERN = 3
# axe-core checks the first page of each URL pattern per role; the others are checked for their status
# and links (and a page alike to one checked, by any role, is not checked again).
AXE_PER_PATTERN = 1
REPORT = Path(__file__).resolve().parents[2] / "test-output" / "a11y-crawl"

# Views that answer with a file, not a page: never opened by the crawler.
DOWNLOADS = {
    "core:document_download",
    "needs:profile_download",
    "needs:profile_pdf",
    "needs:local_template_download",
    "commissioning:case_pdf",
    "commissioning:spec_pdf",
    "coproduction:you_said_we_did_pdf",
    "procurement:insurance_certificate",
    "procurement:setting_certificate",
    "procurement:setting_statement",
    "procurement:policy_document",
    "procurement:tender_document_download",
    "procurement:bid_document_download",
    "procurement:bid_receipt",
    "procurement:evaluation_bid_document",
    "procurement:award_letter",
    "procurement:fps_list_export",
    "procurement:fps_ipa_pdf",
    "procurement:open_data_download",
    "contracts:qa_visit_pdf",
    "contracts:qa_evidence_download",
    "contracts:check_evidence_download",
}
DOWNLOAD_SUFFIXES = (".pdf", ".csv", ".xlsx", ".zip", ".json")
# Never followed: signing out, the session keep-alive, the health check.
NOT_FOLLOWED = {"accounts:logout", "accounts:keep_alive", "core:healthz", "admin:logout"}

LINKS_JS = """() => {
  const urls = [];
  for (const a of document.querySelectorAll('a[href]')) {
    if (!a.hasAttribute('download')) urls.push(a.href);
  }
  for (const form of document.querySelectorAll('form')) {
    if ((form.getAttribute('method') || 'get').toLowerCase() !== 'get') continue;
    // Not form.action: a field named "action" (the support admin's) would stand in for it.
    const url = new URL(form.getAttribute('action') || '', location.href);
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (typeof value === 'string') params.append(name, value);
    }
    url.search = params.toString();
    urls.push(url.href);
  }
  return urls;
}"""


# What axe-core sees of a page's own part (below the header, above the footer, which are the same on
# every page of a role and checked on its first), without its words: each element's tag, the attributes
# that decide a rule's outcome (numbers in them made 0), whether each leaf has text, and its children,
# a run of alike siblings (table rows, list items) counted once. Pages alike in this are alike to
# axe-core, so only the first is checked: lists of different lengths, records in the same state, the
# same page for two roles.
STRUCTURE_JS = """() => {
  const kept = new RegExp('^(class|role|type|id|for|tabindex|scope|headers|style|fill|stroke|lang'
    + '|open|hidden|disabled|aria-.*)$');
  const present = ['href', 'alt', 'src', 'name', 'value', 'title'];
  const describe = (el) => {
    let line = el.tagName;
    for (const attribute of el.attributes) {
      if (kept.test(attribute.name)) line += ` ${attribute.name}=${attribute.value.replace(/[0-9]+/g, '0')}`;
      else if (present.includes(attribute.name)) line += ` ${attribute.name}`;
    }
    if (el.children.length === 0) return line + (el.textContent.trim() ? ' +text' : ' -text');
    const children = [];
    for (const child of el.children) {
      const described = describe(child);
      if (children[children.length - 1] !== described) children.push(described);
    }
    return `${line} [${children.join(', ')}]`;
  };
  const own = document.querySelector('body > .govuk-width-container') || document.body;
  return (document.title.trim() ? 'titled ' : 'untitled ') + describe(own);
}"""

# axe-core as tests/browser/conftest.py runs it (the same WCAG 2.0-2.2 A/AA and best-practice rules),
# asking for violations only: it skips recording the rules' passes, which takes most of its time.
AXE_RUN_JS = """async (tags) => (await axe.run(document, {
  runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
})).violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
  id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target),
}))"""


def axe_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())  # through the DevTools protocol: the page's CSP stays as served
    return page.evaluate(AXE_RUN_JS, AXE_TAGS)


@dataclass
class Crawl:
    role: str
    visited: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def checked_structures() -> set[str]:
    """The page structures axe-core has checked, shared by the roles' crawls."""
    return set()


def pattern_of(path: str) -> str:
    return route_of(urlsplit(path).path)[1]


def route_of(path: str) -> tuple[str, str] | None:
    """(view name, URL pattern) of a path in the service, or None when nothing answers it."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name, match.route


def crawl(browser, base_url: str, role: str, email: str, checked: set[str]) -> Crawl:
    from accounts.models import User

    user = User.objects.get(email=email)
    result = Crawl(role)
    context, page = demo_context(browser, base_url, role)
    try:
        staff = user.is_staff
        queue: deque[tuple[str, str]] = deque([("/", "home")])
        seen: set[str] = set()
        per_pattern: Counter = Counter()
        axed: Counter = Counter()

        def enqueue(url: str, source: str) -> None:
            url, _fragment = urldefrag(url)
            parts = urlsplit(url)
            if parts.netloc and f"{parts.scheme}://{parts.netloc}" != base_url:
                return
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path in seen:
                return
            seen.add(path)
            found = route_of(parts.path)
            if found is None:
                result.problems.append(f"{path} (linked from {source}) matches no URL pattern")
                return
            name, pattern = found
            if name in NOT_FOLLOWED or (parts.path.startswith("/support/") and not staff):
                return
            if name in DOWNLOADS or parts.path.endswith(DOWNLOAD_SUFFIXES):
                result.skipped["download"] += 1
                return
            if per_pattern[pattern] >= PER_PATTERN:
                result.skipped["same pattern"] += 1
                return
            per_pattern[pattern] += 1
            queue.append((path, source))

        while queue:
            path, source = queue.popleft()
            response = page.goto(path)
            status = response.status if response else 0
            result.visited.append(path)
            if status >= 400:
                result.problems.append(f"{path} (linked from {source}) answered {status}")
                continue
            if "text/html" not in (response.headers.get("content-type", "") if response else ""):
                continue
            landed = urlsplit(page.url)
            seen.add(landed.path + (f"?{landed.query}" if landed.query else ""))
            structure = hashlib.sha256(page.evaluate(STRUCTURE_JS).encode()).hexdigest()
            if structure in checked and len(result.visited) > 1:  # the home page checks the role's header
                result.skipped["axe: same structure as a page checked"] += 1
            elif axed[pattern_of(path)] >= AXE_PER_PATTERN:
                result.skipped["axe: pattern checked"] += 1
            else:
                checked.add(structure)
                axed[pattern_of(path)] += 1
                for violation in axe_violations(page):
                    result.problems.append(f"{path}: {violation}")
            for url in page.evaluate(LINKS_JS):
                enqueue(url, path)
    finally:
        context.close()
    REPORT.mkdir(parents=True, exist_ok=True)
    (REPORT / f"{role}.txt").write_text(
        f"{role}: {len(result.visited)} pages visited, skipped {dict(result.skipped)}\n"
        + "\n".join(result.visited)
        + "\n\nProblems:\n"
        + "\n".join(result.problems)
        + "\n"
    )
    return result


@pytest.mark.parametrize("role", list(DEMO_ROLES))
def test_every_page_a_role_reaches_is_accessible(browser, demo_server, checked_structures, role):
    result = crawl(browser, demo_server.url, role, DEMO_ROLES[role], checked_structures)
    print(f"{role}: {len(result.visited)} pages visited; skipped {dict(result.skipped)}")
    assert len(result.visited) > 5, f"{role} reached only {result.visited}"
    assert result.problems == [], "\n".join(result.problems)
