"""PDFs with WeasyPrint from templates under templates/pdf/ (DESIGN.md §8).

Static files are resolved from disk, never fetched over HTTP; the HTML is returned too so tests
can read what the PDF says.
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string


def _local_only_fetcher(url: str, *args, **kwargs):
    from weasyprint.urls import default_url_fetcher

    if not url.startswith("file:"):
        raise ValueError("PDF resources are local files only")
    return default_url_fetcher(url, *args, **kwargs)


def render_pdf(template_name: str, context: dict) -> tuple[bytes, str]:
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    base = Path(settings.BASE_DIR) / "static"
    document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=_local_only_fetcher)
    return document.write_pdf(pdf_variant="pdf/ua-1"), html


def render_pdf_from_string(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_local_only_fetcher).write_pdf()
