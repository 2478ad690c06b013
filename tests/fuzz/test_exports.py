"""Every CSV and Excel download escapes text a spreadsheet would run as a formula.

The downloads are found, not listed: every URL pattern whose view's module writes a download through
core.exports (csv_response, xlsx_response), and nothing else in the apps may write CSV or a workbook
itself. Each download is then filled with text starting = + - @ tab and carriage return, through the
data that reaches it (an area's name, a setting imported from a file, a provider's name, a lot's title,
a contract's reference, a tender's title, a purchasing system's name), and every cell of the file is
checked.
"""

from __future__ import annotations

import csv
import datetime
import inspect
import io
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from contracts.models import ProviderCheck
from contracts.tests.factories import make_contract
from contracts.tests.quality.factories import scheduled_visit
from core.exports import FORMULA_PREFIXES
from dashboard.tests.factories import make_admission_contract, make_chain, make_membership, make_system
from needs.tests.factories import add_observations, make_area, make_dataset, obs, standard_areas
from needs.vocabulary import GeographicLevel
from tests.urls_walk import all_routes

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "core", "needs", "commissioning", "coproduction", "procurement", "contracts", "dashboard"]
PLANTED = ['=HYPERLINK("http://x","y")', "+SUM(1,2)", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?(E-?[0-9]+)?")

# Downloads with no data typed into the service: the local data template's fixed headers and example.
FIXED_CONTENT = {"needs:local_template_download"}
# Files allowed to write CSV or a workbook without core.exports, and why.
OWN_WRITERS = {
    "core/exports.py": "the helper itself",
    "needs/importers/local_template.py": "the template's fixed headers and example rows",
}


def _view_source(callback) -> str:
    function = inspect.unwrap(getattr(callback, "view_class", callback))
    return inspect.getsource(inspect.getmodule(function))


def _writes_a_download(callback) -> bool:
    function = inspect.unwrap(getattr(callback, "view_class", callback))
    source = inspect.getsource(function)
    module_source = _view_source(callback)
    helpers = re.findall(r"(\w+) = \{[^}]*(?:csv_response|xlsx_response)", module_source)
    return bool(re.search(r"csv_response|xlsx_response|text/csv|" + "|".join(helpers or ["$^"]), source))


EXPORT_ROUTES = sorted(
    route.name
    for route in all_routes()
    if route.namespace != "admin" and route.name.split(":")[0] in APPS and _writes_a_download(route.callback)
)


def test_the_download_search_finds_the_downloads():
    assert {"needs:profile_download", "procurement:fps_list_export"} <= set(EXPORT_ROUTES)


def test_every_download_is_checked_here():
    """A new download must be added to EXPORTS below (or to FIXED_CONTENT, saying why)."""
    assert set(EXPORT_ROUTES) == set(EXPORTS) | FIXED_CONTENT


def test_nothing_writes_csv_or_a_workbook_but_core_exports():
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" in relative or "/migrations/" in relative or relative in OWN_WRITERS:
                continue
            if re.search(r"csv\.(writer|DictWriter)\(|Workbook\(|\.to_csv\(|\.to_excel\(", path.read_text()):
                offenders.append(relative)
    assert not offenders, f"write downloads through core.exports (csv_response, xlsx_response): {offenders}"


def assert_cells_escaped(cells: list[str], what: str) -> None:
    for cell in cells:
        if cell.startswith(FORMULA_PREFIXES):
            assert NUMBER.fullmatch(cell), f"{what}: {cell!r} would run as a formula"
    assert any(cell.startswith("'=HYPERLINK") for cell in cells), f"{what}: the planted text never arrived"


def check_download(client: Client, url: str, what: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, f"{what}: {response.status_code}"
    body = response.content
    if url.endswith("xlsx"):
        sheet = load_workbook(io.BytesIO(body)).worksheets[0]
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{what}: cell {cell.coordinate} is a formula"
        cells = [str(c.value) for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    else:
        cells = [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]
    assert_cells_escaped(cells, what)


def _profile(request):
    user = request.getfixturevalue("commissioner_northshire")
    england, region, council = standard_areas(name=PLANTED[0])
    ward = make_area("E05099999", PLANTED[1], GeographicLevel.WARD, council)
    dataset = make_dataset(imported_by=user)
    rows = [
        obs(place, year, "ehc_plans", 100) for place in (england, region, council) for year in (2023, 2024)
    ]
    rows += [obs(council, 2024, "ehc_plans", 10, setting=text) for text in PLANTED]
    rows += [obs(council, 2024, "ehc_plans", -3, breakdown_topic="x", breakdown=text) for text in PLANTED]
    rows += [obs(ward, 2024, "ehc_plans", 5)]
    add_observations(dataset, rows)
    return user, [reverse("needs:profile_download", args=[fmt]) for fmt in ("csv", "xlsx")]


def _electronic_list(request):
    lead = request.getfixturevalue("lead_northshire")
    provider = request.getfixturevalue("oakfield")
    provider.name = PLANTED[0]
    provider.save()
    system, lot = make_system(lead)
    lot.title = PLANTED[3]
    lot.save()
    membership = make_membership(lot, provider, lead)
    type(membership).objects.filter(pk=membership.pk).update(area=PLANTED[4])
    return lead, [reverse("procurement:fps_list_export", args=[system.pk, fmt]) for fmt in ("csv", "xlsx")]


def _contracts(request):
    """A contract from an award, one from a purchasing system and a spot purchase: every text column."""
    commissioner = request.getfixturevalue("commissioner_northshire")
    provider = request.getfixturevalue("oakfield")
    provider.name = PLANTED[0]
    provider.save()
    chain = make_chain(commissioner, provider)
    type(chain.tender).objects.filter(pk=chain.tender.pk).update(reference=PLANTED[1], title=PLANTED[2])
    type(chain.award.lot).objects.filter(pk=chain.award.lot_id).update(title=PLANTED[3])
    _system, lot = make_system(commissioner, name=PLANTED[4])
    lot.code, lot.title = PLANTED[5], PLANTED[0]
    lot.save()
    make_admission_contract(commissioner, make_membership(lot, provider, commissioner), reference=PLANTED[2])
    make_contract(
        organisation=commissioner.organisation,
        provider=provider,
        created_by=commissioner,
        reference=PLANTED[3],
        title=PLANTED[4],
    )
    return commissioner, [reverse("contracts:contract_list_export", args=[fmt]) for fmt in ("csv", "xlsx")]


def _qa_visits(request):
    commissioner = request.getfixturevalue("commissioner_northshire")
    provider = request.getfixturevalue("oakfield")
    provider.name = PLANTED[0]
    provider.save()
    for reference, title in zip(PLANTED, reversed(PLANTED), strict=True):
        contract = make_contract(
            organisation=commissioner.organisation,
            provider=provider,
            created_by=commissioner,
            reference=reference,
            title=title,
        )
        scheduled_visit(contract)
    return commissioner, [reverse("contracts:qa_visit_list_export") + "?status="]


def _annual_checks(request):
    lead = request.getfixturevalue("lead_northshire")
    provider = request.getfixturevalue("oakfield")
    provider.name = PLANTED[0]
    provider.save()
    for year, name in enumerate(PLANTED[1:], start=2021):
        system, _lot = make_system(lead, name=name)
        ProviderCheck.objects.create(
            system=system,
            provider=provider,
            year=year,
            requested_on=datetime.date(year, 4, 1),
            evidence_due_on=datetime.date(year, 5, 13),
        )
    return lead, [reverse("contracts:check_list_export")]


EXPORTS = {
    "needs:profile_download": _profile,
    "procurement:fps_list_export": _electronic_list,
    "contracts:contract_list_export": _contracts,
    "contracts:qa_visit_list_export": _qa_visits,
    "contracts:check_list_export": _annual_checks,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_every_download_escapes_formulas(request, name):
    user, urls = EXPORTS[name](request)
    client = Client()
    client.force_login(user)
    for url in urls:
        check_download(client, url, f"{name} {url}")
