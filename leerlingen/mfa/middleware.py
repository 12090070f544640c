"""The second step on every request of a user who needs it, except the pages that take it.

Exempt are exactly: the verify page, the enrolment pages (which need a valid link themselves),
log-in and log-out of the admin, the language switch, health and static files. Nothing else,
not the colleague page, not the portal.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from .rules import requires_mfa, second_step_done

EXEMPT_PREFIXES = ("/static/", "/i18n/", "/health/")
EXEMPT_PATHS = ("/admin/login/", "/admin/logout/")
EXEMPT_VIEWS = frozenset({"mfa:start", "mfa:enrol", "mfa:enrol_link"})


def is_exempt(request) -> bool:
    if request.path_info.startswith(EXEMPT_PREFIXES) or request.path_info in EXEMPT_PATHS:
        return True
    try:
        return resolve(request.path_info).view_name in EXEMPT_VIEWS
    except Resolver404:
        return False


def needs_second_step(request) -> bool:
    """A user who must confirm a second factor and has not yet (cheap checks first)."""
    user = getattr(request, "user", None)
    return (
        user is not None
        and user.is_authenticated
        and not second_step_done(request)
        and requires_mfa(user)
    )


def to_second_step(request):
    return redirect(f"{reverse('mfa:start')}?{urlencode({'next': request.get_full_path()})}")


class MFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not second_step_done(request)
            and not is_exempt(request)
            and requires_mfa(user)
        ):
            return to_second_step(request)
        return self.get_response(request)
