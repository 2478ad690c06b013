"""The Review stage's list downloads: the contracts list (CSV and Excel), the QA visits list and the annual
checks list (CSV). Each is the list a person sees, with its filters, every row rather than one page: the
same people may download it, another council's rows never appear, and the file's queries do not grow with
its rows."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from contracts.models import (
    ActionStatus,
    ContractStatus,
    ImprovementAction,
    ProviderCheck,
    ProviderCheckStatus,
    QAVisit,
    QAVisitStatus,
    RiskRating,
)
from contracts.tests.factories import make_contract
from contracts.tests.quality.factories import plan_with_action, scheduled_visit
from core.models import AuditAction, AuditEvent
from dashboard.tests.factories import make_admission_contract, make_chain, make_membership, make_system
from tests.access import assert_access, client_for, only

pytestmark = pytest.mark.django_db

CONTRACTS_CSV = "/contracts/download.csv"
CONTRACTS_XLSX = "/contracts/download.xlsx"
VISITS_CSV = "/contracts/qa/visits/download.csv"
CHECKS_CSV = "/contracts/annual-checks/download.csv"

COUNCIL_HEADERS = [
    "Reference",
    "Title",
    "Provider",
    "Status",
    "Origin",
    "Tender or purchasing system",
    "Lot",
    "Start date",
    "End date",
    "Total value (£)",
    "Risk rating",
]
VISIT_HEADERS = [
    "Contract reference",
    "Contract",
    "Provider",
    "Due by",
    "Planned for",
    "Visited on",
    "Status",
    "Overall rating",
    "Open improvement actions",
]
CHECK_HEADERS = ["Provider", "Purchasing system", "Year", "Evidence due", "Status"]


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; ")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _csv(request, persona: str, url: str, data=None) -> list[list[str]]:
    return _rows(client_for(request, persona).get(url, data or {}))


def _column(rows, header: str) -> list[str]:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


# Who may download ---------------------------------------------------------------------------------------

READERS = {
    persona: 200
    for persona in (
        "commissioner_northshire",
        "lead_northshire",
        "commissioner_southvale",
        "provider_oakfield",
        "provider_riverside",
    )
}
COMMISSIONERS = {
    persona: 200 for persona in ("commissioner_northshire", "lead_northshire", "commissioner_southvale")
}


@pytest.mark.parametrize("url", [CONTRACTS_CSV, CONTRACTS_XLSX, VISITS_CSV])
def test_councils_commissioners_and_providers_may_download_contracts_and_visits(request, url):
    """The same people as the lists: a council's commissioners and providers' users; nobody else."""
    assert_access(request, url, only(READERS))


def test_only_councils_commissioners_may_download_the_annual_checks(request):
    assert_access(request, CHECKS_CSV, only(COMMISSIONERS))


@pytest.mark.parametrize("url", [CONTRACTS_CSV, CONTRACTS_XLSX, VISITS_CSV, CHECKS_CSV])
def test_a_download_is_read_only(request, url):
    """GET only: a POST is refused before anything is read, even for someone who may download."""
    assert_access(request, url, only({}, others=405, anonymous=302), method="post")


def test_a_contracts_download_in_another_format_is_not_found(request):
    assert client_for(request, "commissioner_northshire").get("/contracts/download.pdf").status_code == 404


def test_each_download_is_audited(request, contract_northshire, commissioner_northshire):
    client = client_for(request, "commissioner_northshire")
    client.get(CONTRACTS_XLSX, {"status": "live"})
    client.get(VISITS_CSV)
    client.get(CHECKS_CSV, {"status": "verified"})
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor_id=commissioner_northshire.pk)
    details = sorted((event.detail for event in events), key=lambda detail: detail["what"])
    assert details == [
        {"what": "QA visits list", "format": "csv", "status": "scheduled"},
        {"what": "annual checks list", "format": "csv", "filters": {"status": "verified"}},
        {"what": "contracts list", "format": "xlsx", "filters": {"status": "live"}},
    ]


# The contracts list -------------------------------------------------------------------------------------


def test_each_council_and_provider_downloads_only_its_own_contracts(
    request, contract_northshire, contract_southvale
):
    """Northshire's contract with Oakfield and Southvale's with Riverside: each side sees its own only."""
    for persona, reference in (
        ("commissioner_northshire", "NS-C-001"),
        ("lead_northshire", "NS-C-001"),
        ("provider_oakfield", "NS-C-001"),
        ("commissioner_southvale", "SV-C-001"),
        ("provider_riverside", "SV-C-001"),
    ):
        assert _column(_csv(request, persona, CONTRACTS_CSV), "Reference") == [reference], persona
        workbook = load_workbook(io.BytesIO(client_for(request, persona).get(CONTRACTS_XLSX).content))
        references = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
        assert references == [reference], persona


@pytest.fixture
def three_contracts(commissioner_northshire, oakfield, riverside):
    """An award of a tender (Oakfield), an admission to a purchasing system (Riverside, high risk) and an
    ended spot purchase (Oakfield)."""
    award = make_chain(commissioner_northshire, oakfield).contract
    _system, lot = make_system(commissioner_northshire, name="North West SEND FPS")
    admission = make_admission_contract(
        commissioner_northshire, make_membership(lot, riverside, commissioner_northshire)
    )
    admission.risk_rating = RiskRating.HIGH
    admission.save()
    spot = make_contract(
        organisation=commissioner_northshire.organisation,
        provider=oakfield,
        created_by=commissioner_northshire,
        reference="NS-SPOT-9",
        title="Emergency residential place",
        value=Decimal("98765.43"),
        starts_on=datetime.date(2025, 1, 6),
        ends_on=datetime.date(2026, 1, 5),
        status=ContractStatus.ENDED,
        risk_rating=RiskRating.LOW,
    )
    return {"award": award, "admission": admission, "spot": spot}


def test_the_contracts_csv_has_the_lists_columns_in_the_lists_order(request, three_contracts):
    """Soonest ending first, like the list; where each contract came from, its dates, value and risk."""
    rows = _csv(request, "commissioner_northshire", CONTRACTS_CSV)
    assert rows == [
        COUNCIL_HEADERS,
        [
            "NS-SPOT-9",
            "Emergency residential place",
            "Oakfield School Ltd",
            "Ended",
            "Spot purchase",
            "",
            "",
            "2025-01-06",
            "2026-01-05",
            "98765.43",
            "Low",
        ],
        [
            "NO-C-A",
            "Autism day places A",
            "Oakfield School Ltd",
            "Live",
            "Award of a tender",
            "NO-T-A: Autism day places A",
            "Lot 1: Day places",
            "2026-04-01",
            "2028-03-31",
            "500000.00",
            "Medium",
        ],
        [
            "FPS-C-1",
            "Overarching agreement",
            "Riverside Learning Trust",
            "Live",
            "Admission to a purchasing system",
            "North West SEND FPS",
            "L1: 0–16 day",
            "2026-04-01",
            "2030-03-31",
            "0.00",
            "High",
        ],
    ]


def test_a_provider_downloads_its_contracts_with_the_council_and_without_the_risk_rating(
    request, three_contracts
):
    """As on a provider's list: the council that let each contract, and not the council's risk rating."""
    rows = _csv(request, "provider_riverside", CONTRACTS_CSV)
    headers = [header if header != "Provider" else "Council" for header in COUNCIL_HEADERS[:-1]]
    assert rows[0] == headers
    assert rows[1:] == [
        [
            "FPS-C-1",
            "Overarching agreement",
            "Northshire Council",
            "Live",
            "Admission to a purchasing system",
            "North West SEND FPS",
            "L1: 0–16 day",
            "2026-04-01",
            "2030-03-31",
            "0.00",
        ]
    ]
    # A filter a provider's list does not offer is ignored, as on the list.
    assert _csv(request, "provider_riverside", CONTRACTS_CSV, {"risk": "low"}) == rows


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"status": "ended"}, ["NS-SPOT-9"]),
        ({"status": "live"}, ["NO-C-A", "FPS-C-1"]),
        ({"risk": "high"}, ["FPS-C-1"]),
        ({"origin": "award"}, ["NO-C-A"]),
        ({"origin": "spot", "status": "live"}, []),
    ],
)
def test_the_contracts_download_keeps_the_lists_filters(request, three_contracts, filters, expected):
    assert _column(_csv(request, "commissioner_northshire", CONTRACTS_CSV, filters), "Reference") == expected


def test_the_contracts_download_filters_by_provider(request, three_contracts, riverside):
    rows = _csv(request, "commissioner_northshire", CONTRACTS_CSV, {"provider": riverside.pk})
    assert _column(rows, "Reference") == ["FPS-C-1"]


def test_the_list_links_to_its_downloads_with_its_filters(request, three_contracts):
    page = client_for(request, "commissioner_northshire").get(
        "/contracts/", {"status": "live", "risk": "high"}
    )
    assert b'href="/contracts/download.csv?status=live&amp;risk=high">Download as CSV</a>' in page.content
    assert b'href="/contracts/download.xlsx?status=live&amp;risk=high">Download as Excel</a>' in page.content
    page = client_for(request, "commissioner_northshire").get("/contracts/")
    assert b'href="/contracts/download.csv">Download as CSV</a>' in page.content


def test_the_contracts_workbook_opens_with_a_bold_header_numbers_and_dates(request, three_contracts):
    response = client_for(request, "commissioner_northshire").get(CONTRACTS_XLSX, {"origin": "spot"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="northshire-council-contracts.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.title == "Contracts"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COUNCIL_HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert list(rows[1]) == [
        "NS-SPOT-9",
        "Emergency residential place",
        "Oakfield School Ltd",
        "Ended",
        "Spot purchase",
        None,
        None,
        datetime.datetime(2025, 1, 6),
        datetime.datetime(2026, 1, 5),
        98765.43,
        "Low",
    ]
    assert len(rows) == 2


def test_with_no_contracts_each_file_has_just_its_header_row(request, contract_southvale):
    assert _csv(request, "commissioner_northshire", CONTRACTS_CSV) == [COUNCIL_HEADERS]
    response = client_for(request, "commissioner_northshire").get(CONTRACTS_XLSX)
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows == [tuple(COUNCIL_HEADERS)]


# The QA visits list -------------------------------------------------------------------------------------


@pytest.fixture
def visits(contract_northshire, contract_southvale, commissioner_northshire, commissioner_southvale):
    """On each side, an issued report needing improvement with a plan of three actions (open, reported done,
    verified), which booked the next visit; Northshire also has a cancelled visit."""
    plan, _action = plan_with_action(contract_northshire, commissioner_northshire)
    for status in (ActionStatus.REPORTED_DONE, ActionStatus.VERIFIED):
        ImprovementAction.objects.create(
            plan=plan, description=status, owner="Jo Bloggs", due_on=datetime.date(2027, 2, 1), status=status
        )
    plan_with_action(contract_southvale, commissioner_southvale)
    scheduled_visit(
        contract_northshire,
        due_on=datetime.date(2026, 6, 30),
        status=QAVisitStatus.CANCELLED,
        planned_on=datetime.date(2026, 6, 2),
    )
    return {
        "completed": plan.qa_visit,
        "scheduled": QAVisit.objects.get(contract=contract_northshire, status=QAVisitStatus.SCHEDULED),
    }


def test_the_councils_visits_download_starts_from_the_visits_to_come_like_the_list(request, visits):
    rows = _csv(request, "commissioner_northshire", VISITS_CSV)
    scheduled = visits["scheduled"]
    assert rows == [
        VISIT_HEADERS,
        [
            "NS-C-001",
            "Short breaks for disabled children",
            "Oakfield School Ltd",
            scheduled.due_on.isoformat(),
            "",
            "",
            "Scheduled",
            "",
            "0",
        ],
    ]


def test_the_councils_visits_download_of_every_status_counts_the_open_actions(request, visits):
    """Open actions: those of the plan made from the report not yet verified (open or reported done)."""
    rows = _csv(request, "commissioner_northshire", VISITS_CSV, {"status": ""})
    assert rows[1:] == [
        [
            "NS-C-001",
            "Short breaks for disabled children",
            "Oakfield School Ltd",
            "2026-06-30",
            "2026-06-02",
            "",
            "Cancelled",
            "",
            "0",
        ],
        [
            "NS-C-001",
            "Short breaks for disabled children",
            "Oakfield School Ltd",
            "2026-11-30",
            "",
            "2026-10-14",
            "Report issued",
            "Requires improvement",
            "2",
        ],
        [
            "NS-C-001",
            "Short breaks for disabled children",
            "Oakfield School Ltd",
            visits["scheduled"].due_on.isoformat(),
            "",
            "",
            "Scheduled",
            "",
            "0",
        ],
    ]
    completed = _csv(request, "commissioner_northshire", VISITS_CSV, {"status": "completed"})
    assert _column(completed, "Status") == ["Report issued"]


def test_a_provider_downloads_only_the_reports_issued_on_its_contracts(request, visits):
    rows = _csv(request, "provider_oakfield", VISITS_CSV, {"status": "scheduled"})
    assert rows[0] == [header if header != "Provider" else "Council" for header in VISIT_HEADERS]
    assert [row[:3] + row[6:] for row in rows[1:]] == [
        [
            "NS-C-001",
            "Short breaks for disabled children",
            "Northshire Council",
            "Report issued",
            "Requires improvement",
            "2",
        ]
    ]


def test_another_councils_visits_never_appear(request, visits):
    for persona, reference in (
        ("commissioner_northshire", "NS-C-001"),
        ("provider_oakfield", "NS-C-001"),
        ("commissioner_southvale", "SV-C-001"),
        ("provider_riverside", "SV-C-001"),
    ):
        references = _column(_csv(request, persona, VISITS_CSV, {"status": ""}), "Contract reference")
        assert references and set(references) == {reference}, persona


def test_the_visits_list_links_to_its_download_with_its_status(request, visits):
    client = client_for(request, "commissioner_northshire")
    link = b'href="/contracts/qa/visits/download.csv?status=%s">Download as CSV</a>'
    assert link % b"scheduled" in client.get("/contracts/qa/visits/").content
    assert link % b"completed" in client.get("/contracts/qa/visits/", {"status": "completed"}).content
    # "All": the download must say so, or it would give the visits to come.
    assert link % b"" in client.get("/contracts/qa/visits/", {"status": ""}).content
    page = client_for(request, "provider_oakfield").get("/contracts/qa/visits/")
    assert b'href="/contracts/qa/visits/download.csv">Download as CSV</a>' in page.content


def test_with_no_visits_the_download_has_just_its_header_row(request, contract_northshire):
    assert _csv(request, "commissioner_northshire", VISITS_CSV) == [VISIT_HEADERS]


# The annual checks list ---------------------------------------------------------------------------------


@pytest.fixture
def annual_checks(lead_northshire, commissioner_southvale, southvale, oakfield, riverside):
    """Northshire's system (Southvale a member): Oakfield's 2026 check waiting for evidence and
    Riverside's 2025 check verified. Southvale's own system (Northshire not a member): Riverside's 2026."""
    northshire_system, _lot = make_system(lead_northshire, name="North West SEND FPS")
    northshire_system.member_authorities.add(southvale)
    southvale_system, _lot = make_system(commissioner_southvale, name="Southvale DPS")

    def check(system, provider, year, status):
        return ProviderCheck.objects.create(
            system=system,
            provider=provider,
            year=year,
            status=status,
            requested_on=datetime.date(year, 4, 1),
            evidence_due_on=datetime.date(year, 5, 13),
        )

    return [
        check(northshire_system, oakfield, 2026, ProviderCheckStatus.REQUESTED),
        check(northshire_system, riverside, 2025, ProviderCheckStatus.VERIFIED),
        check(southvale_system, riverside, 2026, ProviderCheckStatus.OVERDUE),
    ]


def test_the_checks_download_has_the_lists_columns_and_order(request, annual_checks):
    rows = _csv(request, "lead_northshire", CHECKS_CSV)
    assert rows == [
        CHECK_HEADERS,
        ["Oakfield School Ltd", "North West SEND FPS", "2026", "2026-05-13", "Evidence requested"],
        ["Riverside Learning Trust", "North West SEND FPS", "2025", "2025-05-13", "Verified"],
    ]


def test_a_member_authority_downloads_the_checks_of_every_system_it_belongs_to(request, annual_checks):
    rows = _csv(request, "commissioner_southvale", CHECKS_CSV)
    assert _column(rows, "Purchasing system") == [
        "North West SEND FPS",
        "Southvale DPS",
        "North West SEND FPS",
    ]


def test_another_councils_system_never_appears_in_the_checks_download(request, annual_checks):
    for persona in ("commissioner_northshire", "lead_northshire"):
        assert "Southvale DPS" not in _column(_csv(request, persona, CHECKS_CSV), "Purchasing system")


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"year": "2026"}, ["Oakfield School Ltd"]),
        ({"status": "verified"}, ["Riverside Learning Trust"]),
        ({"year": "2026", "status": "verified"}, []),
    ],
)
def test_the_checks_download_keeps_the_lists_filters(request, annual_checks, filters, expected):
    assert _column(_csv(request, "commissioner_northshire", CHECKS_CSV, filters), "Provider") == expected


def test_the_checks_list_links_to_its_download_with_its_filters(request, annual_checks):
    page = client_for(request, "commissioner_northshire").get("/contracts/annual-checks/", {"year": "2026"})
    assert b'href="/contracts/annual-checks/download.csv?year=2026">Download as CSV</a>' in page.content


def test_with_no_checks_the_download_has_just_its_header_row(request, lead_northshire):
    assert _csv(request, "lead_northshire", CHECKS_CSV) == [CHECK_HEADERS]


# Queries ------------------------------------------------------------------------------------------------


def _queries(client, url, data) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, data).status_code == 200
    return len(captured)


def _grow_contracts(commissioner, provider, start, stop):
    _system, lot = make_system(commissioner, name=f"System {start}")
    membership = make_membership(lot, provider, commissioner)
    for n in range(start, stop):
        if n % 3 == 0:
            make_chain(commissioner, provider, tag=f"Q{n}")
        elif n % 3 == 1:
            make_admission_contract(commissioner, membership, reference=f"FPS-{n}")
        else:
            make_contract(organisation=commissioner.organisation, provider=provider, created_by=commissioner)


def _grow_visits(commissioner, provider, start, stop):
    for n in range(start, stop):
        contract = make_contract(
            organisation=commissioner.organisation,
            provider=provider,
            created_by=commissioner,
            reference=f"Q-{n}",
        )
        if n % 2:
            plan_with_action(contract, commissioner)
        else:
            scheduled_visit(contract)


def _grow_checks(lead, provider, start, stop):
    system, _lot = make_system(lead, name=f"System {start}")
    for year in range(2000 + start, 2000 + stop):
        ProviderCheck.objects.create(
            system=system,
            provider=provider,
            year=year,
            requested_on=datetime.date(year, 4, 1),
            evidence_due_on=datetime.date(year, 5, 13),
        )


@pytest.mark.parametrize(
    "persona, url, data, grow",
    [
        ("commissioner_northshire", CONTRACTS_CSV, {"status": "live"}, _grow_contracts),
        ("commissioner_northshire", CONTRACTS_XLSX, {}, _grow_contracts),
        ("provider_oakfield", CONTRACTS_CSV, {}, _grow_contracts),
        ("commissioner_northshire", VISITS_CSV, {"status": ""}, _grow_visits),
        ("provider_oakfield", VISITS_CSV, {}, _grow_visits),
        ("lead_northshire", CHECKS_CSV, {}, _grow_checks),
    ],
)
def test_a_download_makes_as_many_queries_with_20_rows_as_with_2(
    request, commissioner_northshire, lead_northshire, oakfield, persona, url, data, grow
):
    owner = lead_northshire if url == CHECKS_CSV else commissioner_northshire
    client = client_for(request, persona)
    grow(owner, oakfield, 0, 2)
    client.get(url, data)  # the first request of a session settles what it caches
    few = _queries(client, url, data)
    grow(owner, oakfield, 2, 20)
    many = _queries(client, url, data)
    rows = _rows(client.get(url, data)) if url.endswith(".csv") else None
    assert rows is None or len(rows) > 10
    assert many == few, f"{url}: {few} queries with 2 rows, {many} with 20"
