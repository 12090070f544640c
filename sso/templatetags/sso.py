from django import template

from ..models import Identiteitsprovider

register = template.Library()


@register.simple_tag
def sso_providers():
    """The log-in buttons: every board with an active provider (names only, for everyone)."""
    return list(Identiteitsprovider.objects.active().order_by("naam").values("pk", "naam"))
