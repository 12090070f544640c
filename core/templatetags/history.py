from django import template

from ..history import reason_label

register = template.Library()


@register.filter
def change_reason(reason):
    """A history row's reason in the reader's language (``core.history.reason_label``)."""
    return reason_label(reason)
