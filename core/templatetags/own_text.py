"""A school's own text in the reader's language: ``{{ doel|own_text:"naam" }}`` (``core.owntext``)."""

from django import template

from ..owntext import own_text as _own_text

register = template.Library()


@register.filter
def own_text(obj, field: str):
    return _own_text(obj, field)
