"""PDFs from templates: rendered by WeasyPrint with the print stylesheet and no network access."""

import io

import pytest
from django.template import engines
from pypdf import PdfReader

from core.pdf import PdfResourceRefused, pdf_response, render_pdf


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_template_renders_to_a_pdf_with_its_title(settings, tmp_path):
    pdf = render_pdf(
        "pdf/test_document.html", {"organisation": {"name": "Northshire Council"}, "rows": range(3)}
    )
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Quality assurance report" in text
    assert "Northshire Council" in text
    assert "Page 1 of 1" in text


def test_a_pdf_cannot_fetch_anything_but_the_services_static_files():
    from core.pdf import _static_only_fetcher

    fetcher = _static_only_fetcher()
    with pytest.raises(PdfResourceRefused):
        fetcher.fetch("https://example.com/tracker.png")
    with pytest.raises(PdfResourceRefused):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch("https://pdf.invalid/static/css/print.css").read().startswith(b"/*")


def test_a_remote_image_in_a_template_is_left_out_not_fetched():
    template = engines["django"].from_string(
        '<html><body><h1>Letter</h1><img src="https://example.com/x.png" alt="x"></body></html>'
    )
    from weasyprint import HTML

    from core.pdf import PDF_ORIGIN, _static_only_fetcher

    pdf = HTML(
        string=template.render({}), base_url=f"{PDF_ORIGIN}/", url_fetcher=_static_only_fetcher()
    ).write_pdf()
    assert "Letter" in pdf_text(pdf)


def test_a_pdf_is_served_as_a_download():
    response = pdf_response(b"%PDF-1.7 test", filename="QA report: Oakfield.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="qa-report-oakfield.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
