from django import template

from ..rules import hours_left as _hours_left

register = template.Library()


@register.simple_tag
def hours_left(datalek) -> int:
    return _hours_left(datalek)
