"""The one PDF helper (DESIGN.md §8, STYLE.md 6).

Renders a template under templates/pdf/ with WeasyPrint in the requested language, resolves
static files from disk (never over HTTP), writes an accessible PDF/UA-1 document, and returns the
HTML too so tests can read what the PDF says. The page count is WeasyPrint's own (the laid-out
document), not read back from the file. Every template extends ``pdf/base.html``, the one ``@page``
base. WeasyPrint is imported here, never at module level.

``cached_pdf`` renders a PDF once per state of its data: the caller gives a key that changes when
the data it shows change (docs/scale.md, "PDFs"); the same key gives the stored bytes without
WeasyPrint.
"""

import hashlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

VARIANT = "pdf/ua-1"  # accessible: tagged, with its language and title


_ssl_context = None


def _local_only_fetcher():
    """WeasyPrint's own fetcher, allowed to read ``file:`` and ``data:`` URLs only: a document
    never makes the server ask the network for anything. Any other address is refused, logged by
    WeasyPrint as a resource it could not load, and the document renders without it.

    The HTTPS context the fetcher would build for itself (reading the system's CA bundle, about
    30 ms) is made once per process: it is never used, as nothing goes out.
    """
    import ssl

    from weasyprint.urls import URLFetcher

    global _ssl_context
    if _ssl_context is None:
        _ssl_context = ssl.create_default_context()
    return URLFetcher(
        allowed_protocols={"file", "data"}, allow_redirects=False, ssl_context=_ssl_context
    )


class Pdf(bytes):
    """The bytes of a PDF, with ``pages``: the number of pages WeasyPrint laid out."""

    pages: int

    def __new__(cls, content: bytes, pages: int):
        pdf = super().__new__(cls, content)
        pdf.pages = pages
        return pdf


def render_pdf(
    template_name: str, context: dict, *, language: str | None = None
) -> tuple[Pdf, str]:
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    return pdf_from_html(html), html


def pdf_from_html(html: str) -> Pdf:
    """The PDF of a document's HTML; relative addresses are files under static/."""
    from weasyprint import HTML

    base = Path(settings.BASE_DIR) / "static"
    source = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=_local_only_fetcher())
    document = source.render(pdf_variant=VARIANT)
    return Pdf(document.write_pdf(pdf_variant=VARIANT), len(document.pages))


CACHE_SECONDS = 24 * 60 * 60


def cached_pdf(
    template_name: str, state: str, context: Callable[[], dict], *, language: str | None = None
) -> Pdf:
    """The PDF of ``template_name`` for this ``state`` of its data, rendered on the first request.

    ``state`` must change whenever anything the PDF shows changes (callers build it from the
    latest history dates and the ids of the rows that feed it); ``context`` is called only when
    the PDF is rendered. The cache is Django's (Redis in production, shared by every web process).
    """
    from django.core.cache import cache

    language = language or translation.get_language() or settings.LANGUAGE_CODE
    digest = hashlib.sha256(f"{template_name}|{language}|{state}".encode()).hexdigest()
    key = f"pdf:{digest}"
    try:
        hit = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is an optimisation: without Redis, render
        hit = None
    if hit is not None:
        content, pages = hit
        return Pdf(content, pages)
    pdf, _html = render_pdf(template_name, context(), language=language)
    try:
        cache.set(key, (bytes(pdf), pdf.pages), CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        pass
    return pdf
