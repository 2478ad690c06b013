"""PDFs from Django templates through WeasyPrint, with a print stylesheet and no network access.

Templates extend `pdf/base.html`. Only the service's own static files can be loaded into a PDF: any
other URL is refused, so a document cannot be made to fetch from the network.
"""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views import View

from .permissions import RequiresPermission

# Relative and /static/ URLs in PDF templates resolve against this made-up origin, never a real host.
PDF_ORIGIN = "https://pdf.invalid"
STATIC_PREFIX = f"{PDF_ORIGIN}/static/"

CONTENT_TYPES = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}


class PdfResourceRefused(Exception):
    pass


def _static_only_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves the service's static files to WeasyPrint; refuses every other URL."""

        def fetch(self, url, headers=None):
            if not url.startswith(STATIC_PREFIX):
                raise PdfResourceRefused(f"A PDF may only use the service's static files, not {url}")
            found = finders.find(url.removeprefix(STATIC_PREFIX).split("?")[0])
            if not found:
                raise PdfResourceRefused(f"No static file at {url}")
            path = Path(found)
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": CONTENT_TYPES.get(path.suffix, "")}
            )

    return StaticOnlyFetcher()


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a template to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=f"{PDF_ORIGIN}/", url_fetcher=_static_only_fetcher()).write_pdf()


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    safe = slugify(filename.removesuffix(".pdf")) or "document"
    response["Content-Disposition"] = f'attachment; filename="{safe}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class PdfView(RequiresPermission, View):
    """Base view for a PDF: set `template_name` and `required_permission`; override `get_context_data`
    (load the object through its scoped `get_..._for_user_or_404`) and `get_filename`."""

    template_name: str = ""

    def get_context_data(self, **kwargs) -> dict:
        return kwargs

    def get_filename(self, context: dict) -> str:
        return "document.pdf"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return pdf_response(
            render_pdf(self.template_name, context, request=request), filename=self.get_filename(context)
        )
