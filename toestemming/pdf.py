"""Render a template under templates/pdf/ to PDF with WeasyPrint (imported here, never at module level).

Static files are read from disk (never over HTTP); the HTML is returned too so tests can read it.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template: str, context: dict, *, language: str | None = None) -> tuple[bytes, str]:
    from weasyprint import HTML

    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    base = settings.STATICFILES_DIRS[0] if settings.STATICFILES_DIRS else settings.BASE_DIR
    pdf = HTML(string=html, base_url=str(base)).write_pdf(pdf_variant="pdf/ua-1")
    return pdf, html
