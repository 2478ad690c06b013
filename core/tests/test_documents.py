"""An organisation's documents: checked on upload, stored privately, downloaded only by its own people."""

import hashlib
import io
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditAction, AuditEvent, Document
from tests.access import ObjectCase, assert_access, assert_object_access, only

from .conftest import EICAR

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, name="insurance.pdf", content=PDF, title="Insurance certificate"):
    return client.post(
        reverse("core:document_list"), {"title": title, "file": SimpleUploadedFile(name, content)}
    )


def stored_files() -> list[Path]:
    root = Path(storages["private"].location)
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def oakfield_document(client, provider_oakfield):
    client.force_login(provider_oakfield)
    upload(client)
    client.logout()
    return Document.objects.get(organisation=provider_oakfield.organisation)


@pytest.fixture
def riverside_document(client, provider_riverside):
    client.force_login(provider_riverside)
    upload(client, title="Riverside safeguarding policy")
    client.logout()
    return Document.objects.get(organisation=provider_riverside.organisation)


def test_a_provider_uploads_a_document_and_sees_it_listed(client, provider_oakfield):
    client.force_login(provider_oakfield)
    response = upload(client)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.organisation == provider_oakfield.organisation
    assert document.uploaded_by == provider_oakfield
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.content_type == "application/pdf"
    page = client.get(reverse("core:document_list")).text
    assert "‘Insurance certificate’ has been uploaded." in page
    assert "Insurance certificate" in page
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, target_id=str(document.pk)).exists()


def test_files_are_stored_outside_the_web_and_static_roots_under_a_random_name(client, provider_oakfield):
    client.force_login(provider_oakfield)
    upload(client, name="../../etc/passwd.pdf")
    document = Document.objects.get()
    path = Path(document.file.path).resolve()
    assert path.is_relative_to(Path(storages["private"].location).resolve())
    assert not path.is_relative_to((settings.BASE_DIR / "static").resolve())
    assert path.name == f"{document.uuid}.pdf"
    assert document.safe_name == "passwd.pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.pdf", PDF + b"0" * 2048, "The selected file must be smaller than 2 KB"),
        ("report.pdf", b"<html><script>alert(1)</script></html>", "The selected file is not a real PDF"),
        (
            "photo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "The selected file is not a real PNG",
        ),
        ("empty.pdf", b"", "The selected file is empty"),
        (
            "virus.com",
            EICAR,
            "The selected file must be a PDF, DOCX, XLSX, ODT, ODS, CSV, PNG or JPEG",
        ),
    ],
    ids=["over the limit", "html named pdf", "svg named png", "empty", "eicar"],
)
def test_a_refused_upload_shows_a_clear_error_and_stores_nothing(
    client, settings, provider_oakfield, name, content, message
):
    settings.DOCUMENT_MAX_BYTES = 2048
    client.force_login(provider_oakfield)
    before = stored_files()
    response = upload(client, name=name, content=content)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert message in response.text
    assert "<title>Error: Documents" in response.text
    assert not Document.objects.exists()
    assert stored_files() == before


def test_without_a_title_the_form_asks_for_one(client, provider_oakfield):
    client.force_login(provider_oakfield)
    response = upload(client, title="")
    assert "Enter a title for the document" in response.text
    assert not Document.objects.exists()


def test_without_a_file_the_form_asks_for_one(client, provider_oakfield):
    client.force_login(provider_oakfield)
    response = client.post(reverse("core:document_list"), {"title": "No file"})
    assert "Select a file" in response.text


def test_a_download_is_an_attachment_that_browsers_will_not_sniff(
    client, oakfield_document, provider_oakfield
):
    client.force_login(provider_oakfield)
    response = client.get(reverse("core:document_download", args=[oakfield_document.uuid]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="insurance.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, actor_id=provider_oakfield.pk).exists()


def test_another_organisations_document_answers_404_like_a_missing_one(
    request, oakfield_document, riverside_document, commissioner_northshire
):
    """Riverside cannot fetch Oakfield's file by its address, and cannot tell it exists."""
    assert_object_access(
        request,
        url_for=lambda document: reverse("core:document_download", args=[document.uuid]),
        own_object_for=lambda persona: {
            "provider_oakfield": oakfield_document,
            "provider_riverside": riverside_document,
        }[persona],
        other_object=oakfield_document,
        missing_url=reverse("core:document_download", args=[uuid.uuid4()]),
        cases=[ObjectCase("provider_riverside", 200)],
    )
    assert_object_access(
        request,
        url_for=lambda document: reverse("core:document_remove", args=[document.uuid]),
        own_object_for=lambda persona: riverside_document,
        other_object=oakfield_document,
        missing_url=reverse("core:document_remove", args=[uuid.uuid4()]),
        cases=[ObjectCase("provider_riverside", 200)],
    )


def test_people_see_only_their_own_organisations_documents(
    client, oakfield_document, riverside_document, provider_riverside
):
    client.force_login(provider_riverside)
    page = client.get(reverse("core:document_list")).text
    assert "Riverside safeguarding policy" in page
    assert "Insurance certificate" not in page


def test_every_member_of_an_organisation_has_a_document_library(request):
    assert_access(request, reverse("core:document_list"), only({}, others=200))


def test_removing_a_document_asks_for_confirmation_and_keeps_the_record(
    client, oakfield_document, provider_oakfield
):
    client.force_login(provider_oakfield)
    url = reverse("core:document_remove", args=[oakfield_document.uuid])
    confirm = client.get(url)
    assert "Are you sure you want to remove ‘Insurance certificate’?" in confirm.text
    response = client.post(url, follow=True)
    assert "‘Insurance certificate’ has been removed." in response.text
    assert "Your organisation has not uploaded any documents yet." in response.text
    oakfield_document.refresh_from_db()
    assert oakfield_document.removed_by == provider_oakfield
    assert client.get(reverse("core:document_download", args=[oakfield_document.uuid])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, target_id=str(oakfield_document.pk)).exists()


def test_the_document_list_is_paginated_with_a_fixed_number_of_queries(
    client, provider_oakfield, django_assert_max_num_queries
):
    client.force_login(provider_oakfield)
    for number in range(30):
        client.get(upload(client, title=f"Policy {number:02d}")["Location"])  # shows and clears the banner
    with django_assert_max_num_queries(12):
        first = client.get(reverse("core:document_list"))
    assert "30 documents" in first.text
    assert "Page 1 of 2" in first.text
    assert "Policy 29" in first.text and "Policy 04" not in first.text
    second = client.get(reverse("core:document_list"), {"page": 2})
    assert "Policy 04" in second.text
    assert client.get(reverse("core:document_list"), {"page": "nonsense"}).status_code == 200


def test_an_upload_is_refused_when_the_virus_scanner_is_configured_but_down(
    client, settings, provider_oakfield
):
    settings.CLAMD_HOST = "127.0.0.1"
    settings.CLAMD_PORT = 1
    client.force_login(provider_oakfield)
    response = upload(client)
    assert "The selected file could not be checked for viruses. Try again later." in response.text
    assert not Document.objects.exists()


def test_an_upload_larger_than_memory_is_checked_the_same_way(client, settings, provider_oakfield):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(provider_oakfield)
    big_pdf = PDF + b"%" + b"x" * 50_000 + b"\n"
    response = client.post(
        reverse("core:document_list"), {"title": "Big", "file": io.BytesIO(big_pdf)}, format="multipart"
    )
    assert response.status_code in (302, 400)


def test_eicar_uploaded_through_the_documents_page_is_refused_by_a_real_clamd(
    client, settings, provider_oakfield, real_clamd
):
    """The anti-virus test file, named .csv so every type check passes, is stopped by the scan."""
    settings.CLAMD_SOCKET = real_clamd
    client.force_login(provider_oakfield)
    response = upload(client, name="figures.csv", content=EICAR)
    assert response.status_code == 400
    assert "The selected file contains a virus" in response.text
    assert not Document.objects.exists()
    clean = upload(client, name="figures.csv", content=b"school,places\r\nOak Tree,12\r\n")
    assert clean.status_code == 302
