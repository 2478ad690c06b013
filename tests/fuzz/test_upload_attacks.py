"""Attacks through the real upload pages: a file over the size limit, a zip bomb dressed as a workbook,
markup dressed as a PDF, the EICAR test virus, and file names that try to climb out of storage.

Each attack on each path (the document library, a bid's documents, evidence for an improvement action,
the needs data import) is refused with a message on the page, and nothing is stored: no row in any table
and no file in private storage. Hostile names are stored under a safe name and shown escaped.
"""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from contracts.tests.factories import make_contract
from contracts.tests.quality.factories import plan_with_action
from core.documents import document_store
from core.models import Document
from core.tests.conftest import EICAR
from core.tests.test_uploads import pdf_bytes
from core.uploads import MIB
from needs.importers import ImportRefused, parse_file
from procurement.services import submissions as bids
from procurement.tests.tenders.conftest import publish

from .support import changed_counts, private_files, row_counts

GIB = 1024 * MIB

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    b'Target="worksheets/sheet1.xml"/></Relationships>'
)


@pytest.fixture(scope="session")
def xlsx_bomb(tmp_path_factory) -> bytes:
    """A workbook of about 5 MB whose one sheet unzips to 1.1 GB of XML (built once, in ~3 s)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            sheet.write(b"<sheetData>")
            padding = b" " * (16 * MIB)
            for _ in range(66):
                sheet.write(padding)
            sheet.write(b"</sheetData></worksheet>")
    data = buffer.getvalue()
    unpacked = sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert unpacked > GIB and len(data) < 8 * MIB
    return data


class UploadPaths(dict):
    """Each upload page: (its URL, who uploads, the file field, the form's other fields), made on first use
    so a test of one path does not build the tender and contract the others need."""

    def __init__(self, commissioner, provider):
        super().__init__()
        self.commissioner, self.provider = commissioner, provider

    def __missing__(self, path: str):
        commissioner, provider = self.commissioner, self.provider
        if path == "document library":
            made = (reverse("core:document_list"), provider, "file", {"title": "Certificate"})
        elif path == "bid document":
            tender = publish(commissioner, reference="NS-UPLOAD-1")
            submission = bids.submission_start(tender=tender, lot=tender.lots.get(number=1), actor=provider)
            required = str(tender.required_documents.get().pk)
            made = (
                reverse("procurement:bid_document_add", args=[submission.pk]),
                provider,
                "file",
                {"required_document": required, "title": ""},
            )
        elif path == "action evidence":
            contract = make_contract(
                organisation=commissioner.organisation,
                provider=provider.organisation,
                created_by=commissioner,
            )
            _plan, action = plan_with_action(contract, commissioner)
            made = (
                reverse("contracts:qa_action_update", args=[action.pk]),
                provider,
                "evidence",
                {"text": "Every member of staff has been trained."},
            )
        else:
            made = (reverse("needs:dataset_upload"), commissioner, "file", {"source": "auto"})
        self[path] = made
        return made


@pytest.fixture
def upload_paths(commissioner_northshire, provider_oakfield) -> UploadPaths:
    return UploadPaths(commissioner_northshire, provider_oakfield)


PATHS = ["document library", "bid document", "action evidence", "needs import"]


def attempt(upload_paths, path: str, name: str, content, *, expect: str):
    """Upload `content` as `name` on `path`: refused with `expect` on the page, and nothing stored."""
    url, user, field, other = upload_paths[path]
    client = Client()
    client.force_login(user)
    before, files_before = row_counts(), private_files()
    upload = content
    if not hasattr(content, "read"):
        upload = io.BytesIO(content)
        upload.name = name
    response = client.post(url, {**other, field: upload})
    assert response.status_code in (200, 400), f"{path}: answered {response.status_code}"
    page = response.content.decode()
    assert "govuk-error-summary" in page, f"{path}: no error summary"
    assert expect in page, f"{path}: the page does not say ‘{expect}’"
    assert not changed_counts(before, row_counts()), f"{path}: rows changed"
    assert private_files() == files_before, f"{path}: a file was stored"


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_svg_and_html_dressed_as_pdf_are_refused(upload_paths, path):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
    html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    expect = "The selected file must be" if path == "needs import" else "is not a real PDF"
    attempt(upload_paths, path, "report.pdf", svg, expect=expect)
    attempt(upload_paths, path, "report.pdf", html, expect=expect)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_a_zip_bomb_dressed_as_a_workbook_is_refused(upload_paths, path, xlsx_bomb):
    started = time.monotonic()
    attempt(upload_paths, path, "figures.xlsx", xlsx_bomb, expect="too large to open safely")
    assert time.monotonic() - started < 20, "the bomb was unzipped before being refused"


def test_the_importer_refuses_a_zip_bomb_before_unzipping_it(xlsx_bomb):
    """The importer itself (used by `import_needs` and the import task, without the upload checks)."""
    started = time.process_time()
    with pytest.raises(ImportRefused, match="too large to open safely"):
        parse_file(io.BytesIO(xlsx_bomb), file_name="figures.xlsx")
    assert time.process_time() - started < 2, "the bomb was unzipped before being refused"


@pytest.mark.django_db
def test_a_file_over_the_configured_limit_is_refused_in_the_document_library(upload_paths, tmp_path):
    """At the real limit (settings.DOCUMENT_MAX_BYTES): a sparse file one byte over it."""
    sparse = tmp_path / "big.pdf"
    with open(sparse, "wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(settings.DOCUMENT_MAX_BYTES + 1)
    with open(sparse, "rb") as handle:
        attempt(upload_paths, "document library", "big.pdf", handle, expect="must be smaller than")


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_a_file_over_the_limit_is_refused_on_every_path(upload_paths, path, settings):
    """Every path checks size: with the limits lowered to 1 MB, so the test sends 1 MB, not 200."""
    settings.DOCUMENT_MAX_BYTES = settings.NEEDS_IMPORT_MAX_BYTES = MIB
    body = b"%PDF-1.7\n" + b"0" * MIB if path != "needs import" else b"a,b\n" + b"1,2\n" * (MIB // 4)
    name = "big.csv" if path == "needs import" else "big.pdf"
    attempt(upload_paths, path, name, body, expect="must be smaller than 1 MB")


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_the_eicar_test_virus_is_refused(upload_paths, path, settings, real_clamd):
    """A real clamd with a one-signature local database: EICAR as a CSV (passes every type check) and
    inside a PDF."""
    settings.CLAMD_SOCKET = real_clamd
    attempt(upload_paths, path, "eicar.csv", EICAR + b"\n", expect="contains a virus")
    if path != "needs import":
        attempt(upload_paths, path, "eicar.pdf", pdf_bytes() + EICAR, expect="contains a virus")


HOSTILE_NAMES = [
    "../../etc/passwd.pdf",
    "..\\..\\x.pdf",
    "/etc/passwd.pdf",
    "C:\\Windows\\win.ini.pdf",
    "a\x00b.pdf",
    "<script>alert(1)</script>.pdf",
    "\u202efdp.exe.pdf",
    "nul.pdf",
    "x" * 400 + ".pdf",
    "....pdf",
]
_STORED = re.compile(r"documents/\d{4}/\d{2}/[0-9a-f-]{36}\.pdf")


def assert_stored_safely(document: Document) -> None:
    assert _STORED.fullmatch(document.file.name), document.file.name
    root = storages["private"].path("")
    assert storages["private"].path(document.file.name).startswith(root)
    safe = document.safe_name
    assert safe.endswith(".pdf") and len(safe.encode()) <= 200
    assert not re.search(r"[/\\\x00-\x1f\u202e<>]", safe) and not safe.startswith((".", "-")), safe


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_a_hostile_file_name_is_stored_safely_and_shown_escaped(upload_paths, name):
    url, user, field, other = upload_paths["document library"]
    client = Client()
    client.force_login(user)
    upload = io.BytesIO(pdf_bytes())
    upload.name = name
    response = client.post(url, {**other, field: upload})
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:  # the browser's name was emptied by Django's own clean-up
        assert b"govuk-error-summary" in response.content
        return
    assert_stored_safely(Document.objects.latest("pk"))
    listing = client.get(url).content
    assert b"<script>alert(1)</script>" not in listing


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_the_document_service_makes_any_name_safe(provider_oakfield, name):
    """Below the web layer (which already strips directories), the service's own clean-up holds."""
    document = document_store(
        organisation=provider_oakfield.organisation,
        uploaded_by=provider_oakfield,
        uploaded_file=SimpleUploadedFile(name, pdf_bytes()),
        title="",
    )
    assert_stored_safely(document)
