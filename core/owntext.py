"""A school's own texts in the reader's language.

Texts a school types in (a consent purpose's name, a recipient's explanation) are in Dutch, the
product's first language; beside a field ``naam`` the school may give its English in ``naam_en``
(any other language likewise: ``naam_<code>``). ``own_text`` gives the text in the active language
when the school gave it, and otherwise the Dutch marked with its language
(``<span lang="nl">…</span>``), so a screen reader pronounces it as Dutch. Works on model instances
and on the dicts of stored snapshots (the privacy statement's contents) alike.
"""

from django.conf import settings
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString


def _value(obj, field: str) -> str:
    if obj is None:
        return ""
    if isinstance(obj, dict):
        value = obj.get(field)
    else:
        value = getattr(obj, field, "")
    return "" if value is None else str(value)


def _languages() -> tuple[str, str]:
    source = settings.LANGUAGE_CODE.split("-")[0]
    active = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return source, active


def own_text_plain(obj, field: str) -> str:
    """The text in the active language if the school gave it, else the source text; no markup
    (for messages, file names and CSV cells)."""
    source, active = _languages()
    if active != source:
        translated = _value(obj, f"{field}_{active}").strip()
        if translated:
            return translated
    return _value(obj, field)


def own_text(obj, field: str) -> SafeString:
    """The text in the active language, escaped; the source text marked with its language where
    the school gave no translation."""
    source, active = _languages()
    text = _value(obj, field)
    if active == source:
        return conditional_escape(text)
    translated = _value(obj, f"{field}_{active}").strip()
    if translated:
        return conditional_escape(translated)
    if not text:
        return SafeString("")
    return format_html('<span lang="{}">{}</span>', source, text)


def translation_of(field_name: str) -> str | None:
    """The language a field holds when it is the translation of a school's text (``naam_en``:
    "en"), else None."""
    source = settings.LANGUAGE_CODE.split("-")[0]
    for code, _name in settings.LANGUAGES:
        if code != source and field_name.endswith(f"_{code}"):
            return code
    return None


class OwnTextAdminMixin:
    """For a ModelAdmin: the translation fields of a school's texts (``naam_en``) carry their
    language (``lang="en"``), so a screen reader reads them as English on a Dutch page."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if formfield is not None and (code := translation_of(db_field.name)):
            formfield.widget.attrs["lang"] = code
        return formfield
