from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def validate_pdf(file) -> None:
    """A processor agreement is a PDF: checked by its content, not by its name."""
    if file.size and file.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The document is larger than 10 MB."), code="too_large")
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(1024)
        file.seek(max(0, file.size - 2048) if file.size else 0)
        tail = file.read()
    finally:
        file.seek(position)
    if isinstance(head, str):  # pragma: no cover - text-mode files are never PDFs
        raise ValidationError(_("The document is not a PDF file."), code="not_pdf")
    if not head.lstrip(b"\x00\t\n\r ").startswith(b"%PDF-") or b"%%EOF" not in tail:
        raise ValidationError(_("The document is not a PDF file."), code="not_pdf")
