"""Lists, exports, search and counts show only what the person may see, generated from the URLconf.

Southvale's side (council, its forum and provider Riverside) gets one of each kind of object that
appears in a list, each carrying an unmistakable marker in its title, reference or text. Then every
page without an object id is requested by each Northshire-side person (the council's staff, its forum's
member, provider Oakfield), with a search for the marker too where the page has a search box, and no
marker may appear: not in the page, nor in a CSV, XLSX, JSON or PDF download (decoded first).

Published information is the exception, by design: a published tender is open to every provider, so it
carries its own marker (PUBLIC) that providers may see; the open contracting data is published for
everyone and is checked for what it may contain in procurement's own tests.
"""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from commissioning.services import business_cases as case_services
from commissioning.services import specifications as spec_services
from commissioning.tests.test_business_cases import case_for
from commissioning.tests.test_intentions import intention_for
from commissioning.tests.test_specifications import sections_for
from coproduction.services import comment_add, consultation_open
from core.documents import document_store
from core.notifications import notification_send
from needs.tests.factories import make_dataset
from needs.tests.test_planning_views import feedback_for, run_for
from tests.matrix import SIDE_A, SIDE_B, Side
from tests.matrix import contracts as contracts_matrix
from tests.matrix import procurement as procurement_matrix
from tests.urls_walk import all_routes

pytestmark = pytest.mark.django_db

MARKER = "ZZSOUTHVALE"  # on everything private to Southvale or Riverside
PUBLIC = "ZZPUBLICSV"  # on Southvale's published tender, which every provider may read
SEEN = re.compile(rf"{MARKER}|{PUBLIC}")

NORTHSHIRE_SIDE = [
    "commissioner_northshire",
    "lead_northshire",
    "evaluator_northshire",
    "finance_northshire",
    "legal_northshire",
    "forum_member",
    "provider_oakfield",
]
PROVIDERS = {"provider_oakfield"}

# Pages that are not lists of anything, or that change the session: not requested.
SKIPPED = {
    "accounts:logout",  # signs the person out
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "accounts:keep_alive",
    "core:healthz",
    "core:accessibility",
    "core:notification_read_all",  # POST only
    "needs:dataset_preview",  # a one-off upload token
    # Open contracting data: published for everyone by design; what it holds is whitelisted and tested
    # in procurement/tests/ocds.
    "procurement:open_data",
    "procurement:open_data_download",
}
# Routes whose path holds words rather than ids: the arguments to request them with.
WORD_ARGS = {
    "needs:profile_download": ["/needs/profile/download.csv", "/needs/profile/download.xlsx"],
    "contracts:contract_list_export": ["/contracts/download.csv", "/contracts/download.xlsx"],
    # Every status, not only the visits still to happen (the council's default).
    "contracts:qa_visit_list_export": ["/contracts/qa/visits/download.csv?status="],
    "needs:gap_detail": ["/needs/gaps/5-10/ASD/"],
    "dashboard:gap_evidence": ["/evidence/gaps/5-10/ASD/"],
}
OBJECT_ID = re.compile(r"999999|00000000-0000-0000-0000-000000000000")


def _pages() -> list[tuple[str, str]]:
    pages = []
    for route in all_routes():
        if route.namespace.startswith("admin") or route.name in SKIPPED or OBJECT_ID.search(route.url):
            continue
        for url in WORD_ARGS.get(route.name, [route.url]):
            pages.append((route.name, url))
    return pages


PAGES = _pages()


def _text(response) -> str:
    """The body as text, whatever it is: a page, a CSV or JSON, an XLSX workbook or a PDF."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if "pdf" in kind:
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", errors="replace")


def _southvale(request, marker: str = MARKER):
    """One of each kind of Southvale object that appears in lists, each with the marker."""
    side = Side(request, SIDE_B)
    commissioner = side.commissioner
    dataset = make_dataset(
        imported_by=commissioner, organisation=side.council, source="local", title=f"Local data {marker}"
    )
    run = run_for(commissioner)
    run.method_statement = f"Worked out by {marker}"
    run.inputs = {**run.inputs, "area_name": f"Southvale {marker}"}
    run.save(update_fields=["method_statement", "inputs"])
    feedback_for(commissioner, summary=f"We waited {marker}", service_area=f"Short breaks {marker}")
    intention = intention_for(commissioner, title=f"More places {marker}")
    case = case_for(commissioner, title=f"Resource bases {marker}", intention=intention)
    case_services.business_case_submit(case=case, actor=commissioner)
    case_for(commissioner, title=f"Draft case {marker}")
    specification = spec_services.specification_create(
        actor=commissioner, title=f"Outreach {marker}", sections=sections_for()
    )
    today = timezone.localdate()
    consultation = consultation_open(
        actor=commissioner,
        specification=specification,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=28),
        forums=[side.forum],
    )
    forum_member = side.user(Role.FORUM_MEMBER, organisation=side.forum)
    comment_add(actor=forum_member, consultation=consultation, section="aims", text=f"Weekends {marker}")
    for organisation, user in ((side.council, commissioner), (side.provider, side.provider_user)):
        document_store(
            organisation=organisation,
            uploaded_by=user,
            uploaded_file=SimpleUploadedFile(
                "policy.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
            ),
            title=f"Policy {marker}",
        )
    for user in (commissioner, side.provider_user):
        notification_send(recipient=user, kind="matrix", subject=f"Something happened {marker}", url="/")
    person = side.user(Role.COMMISSIONER)
    person.full_name = f"Person {marker}"
    person.save(update_fields=["full_name"])
    # Procurement and Review: tenders, bids, packs, purchasing systems, referrals, placements,
    # contracts, returns, QA visits and plans, decommissioning and annual checks.
    review = contracts_matrix.build_world(side, marker)
    for name in ("pack", "draft_tender", "opened_bid", "letter_bid", "referral", "ipa"):
        getattr(review.procurement, name)
    published = procurement_matrix.ProcurementSide(side, PUBLIC)
    published.sealed_bid  # noqa: B018 - built on first read: Riverside's sealed bid on a published tender
    return dataset


def _client(request, persona: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(request.getfixturevalue(persona))
    return client


@pytest.fixture
def personas(request):
    return {persona: _client(request, persona) for persona in NORTHSHIRE_SIDE}


def test_the_walk_finds_the_lists():
    names = {name for name, _ in PAGES}
    assert {"commissioning:intention_list", "procurement:tender_list", "contracts:contract_list"} <= names
    assert "needs:profile_download" in names
    assert {
        "contracts:contract_list_export",
        "contracts:qa_visit_list_export",
        "contracts:check_list_export",
    } <= names


def _published_to_providers() -> list[str]:
    """Tender notices every provider may read: their references and titles, longest first."""
    from procurement.models import Tender

    words = [
        word for tender in Tender.objects.visible_to_bidders() for word in (tender.reference, tender.title)
    ]
    return sorted(filter(None, words), key=len, reverse=True)


SELECT = re.compile(r"<select\b.*?</select>", re.S)


def test_no_list_export_or_search_shows_another_councils_rows_or_a_sealed_bidder(request, personas):
    """Southvale's rows never show on Northshire's side. And while Oakfield's bid on Northshire's open
    tender is sealed, the council's lists may count it but never name the bidder (a choice of every
    provider in a form's select is not a bid, so selects are left out of that check)."""
    _southvale(request)
    procurement_matrix.make(Side(request, SIDE_A)).sealed_bid  # noqa: B018 - built on first read
    public = _published_to_providers()
    failures = []
    for persona, client in personas.items():
        for name, url in PAGES:
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"{persona}: {url} ({name}) -> {response.status_code}")
                continue
            if response.status_code != 200:
                continue
            text = _text(response)
            bodies = [text]
            if 'name="q"' in text:
                bodies.append(_text(client.get(url, {"q": MARKER})))
            for body in bodies:
                if persona in PROVIDERS:
                    for word in public:
                        body = body.replace(word, "")
                elif persona != "forum_member" and "Oakfield" in SELECT.sub("", body):
                    failures.append(f"{persona}: {url} ({name}) names the bidder before the deadline")
                for found in set(SEEN.findall(body)):
                    failures.append(f"{persona}: {url} ({name}) shows Southvale's {found}")
    assert not failures, "\n".join(sorted(set(failures)))


# Where Southvale's own people find the marked rows: proof that the world reaches the lists checked above.
OWN_LISTS = {
    "commissioner_southvale": [
        "/needs/data/",
        "/needs/feedback/",
        "/commissioning/intentions/",
        "/commissioning/business-cases/",
        "/commissioning/specifications/",
        "/coproduction/",
        "/documents/",
        "/notifications/",
        "/procurement/tenders/",
        "/procurement/fps/referrals/",
        "/procurement/fps/agreements/",
        "/contracts/",
        "/contracts/download.csv",
        "/contracts/download.xlsx",
        "/contracts/qa/visits/",
        "/contracts/qa/visits/download.csv?status=",
        "/contracts/decommissioning/",
        "/contracts/annual-checks/download.csv",
    ],
    "provider_riverside": ["/documents/", "/notifications/", "/procurement/bids/", "/procurement/tenders/"],
}


def test_the_check_would_see_a_marker(request):
    """The search above is not vacuous: Southvale's own people see the marked rows on their lists."""
    _southvale(request)
    missing = []
    for persona, urls in OWN_LISTS.items():
        client = _client(request, persona)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or MARKER not in _text(response):
                missing.append(f"{persona}: {url} -> {response.status_code}, marker not shown")
    assert not missing, "\n".join(missing)


def test_home_page_figures_do_not_change_when_another_council_adds_data(request, personas):
    client = personas["commissioner_northshire"]
    from tests.access import same_page

    before = client.get("/").content
    _southvale(request)
    after = client.get("/").content
    assert same_page(before, after), "Southvale's data changed a Northshire commissioner's home page"
