"""Uploaded recordings: video or audio files, recognised by their content, within the size limit
(setting RECORDING_MAX_MB)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EXTENSIONS = ("mp4", "m4v", "mov", "webm", "mp3", "m4a")


def content_type_of(head: bytes) -> str | None:
    """The media type the first bytes of a file show, or None for anything else."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand.startswith(b"qt"):
            return "video/quicktime"
        if brand in (b"M4A ", b"M4B "):
            return "audio/mp4"
        return "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    return None


def max_bytes() -> int:
    return settings.RECORDING_MAX_MB * 1024 * 1024


def validate_recording(file) -> None:
    if file.size and file.size > max_bytes():
        raise ValidationError(
            _("The recording is larger than %(mb)d MB.") % {"mb": settings.RECORDING_MAX_MB},
            code="too_large",
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(16)
    finally:
        file.seek(position)
    if isinstance(head, str) or content_type_of(head) is None:
        raise ValidationError(
            _("The file is not a video or audio recording (MP4, MOV, WebM, MP3)."), code="not_media"
        )
