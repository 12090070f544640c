"""Two-factor log-in for staff who can reach special categories or the whole board.

Director, IB, FG, board staff and the application administrator must confirm a TOTP code
(or a single-use recovery code) after their password, before any staff page opens. The rule
is `requires_mfa`; the middleware enforces it on every request.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .access import BESTUUR_ROLES

logger = logging.getLogger("privacyschool.security")

MFA_SCHOOL_ROLES = ("rol_directeur", "rol_ib")
RECOVERY_CODES = 10


def requires_mfa(user) -> bool:
    if not settings.MFA_REQUIRED or not user.is_authenticated or not user.is_staff:
        return False
    if user.is_superuser:
        return True
    from .models import BestuurGrant, SchoolGrant

    return (
        SchoolGrant.objects.filter(user=user, permission__codename__in=MFA_SCHOOL_ROLES).exists()
        or BestuurGrant.objects.filter(user=user, permission__codename__in=BESTUUR_ROLES).exists()
    )


EXEMPT_PREFIXES = ("/mfa/", "/static/", "/i18n/", "/health/", "/admin/logout/", "/admin/login/", "/portaal/")


class MFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
            and requires_mfa(user)
        ):
            return redirect(f"{reverse('mfa:start')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def has_confirmed_device(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def reset_second_factor(*, user, by) -> None:
    """Remove every second factor of ``user``: at the next log-in they set up a new one."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.warning("second factor reset: user_id=%s by user_id=%s", user.pk, by.pk)


def colleagues_of(director):
    """Staff of the schools where ``director`` is director: whose second factor they may reset."""
    from django.contrib.auth.models import User

    from .access import school_ids
    from .models import GroepGrant, SchoolGrant

    schools = school_ids(director, ("rol_directeur",))
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(
            pk__in=SchoolGrant.objects.filter(content_object_id__in=schools).values("user_id").union(
                GroepGrant.objects.filter(content_object__school_id__in=schools).values("user_id")
            )
        )
        .order_by("last_name", "first_name", "username")
    )


def issue_recovery_codes(user) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    device.token_set.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
