"""The one PDF helper (DESIGN.md §8, STYLE.md 6).

Renders a template under templates/pdf/ with WeasyPrint in the requested language, resolves
static files from disk (never over HTTP), writes an accessible PDF/UA-1 document, and returns the
HTML too so tests can read what the PDF says. WeasyPrint is imported here, never at module level.
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def _local_only_fetcher(url: str, *args, **kwargs):
    from weasyprint.urls import default_url_fetcher

    if not url.startswith(("file:", "data:")):
        raise ValueError("PDF resources are local files only.")
    return default_url_fetcher(url, *args, **kwargs)


def render_pdf(template_name: str, context: dict, *, language: str | None = None) -> tuple[bytes, str]:
    from weasyprint import HTML

    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    base = Path(settings.BASE_DIR) / "static"
    document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=_local_only_fetcher)
    return document.write_pdf(pdf_variant="pdf/ua-1"), html


def page_count(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def render_pdf_from_string(html: str) -> bytes:
    """A PDF from ready HTML (e.g. a demo document), with the same local-only resources."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_local_only_fetcher).write_pdf()
