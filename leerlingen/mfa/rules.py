"""Who must confirm a second factor, and whose second factor a user may manage.

Director, IB, FG, board staff and the application administrator must confirm a TOTP code
(or a single-use recovery code) after their password, before any staff page opens. The rule
is `requires_mfa`; the middleware enforces it on every request.
"""

import logging

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from ..access import BESTUUR_ROLES, bestuur_ids, board_school_ids, school_ids
from ..rol import Rol

logger = logging.getLogger("privacyschool.security")

MFA_SCHOOL_ROLES = (Rol.DIRECTEUR, Rol.IB)
# Who may reset a second factor or issue an enrolment link, on whose staff (besides the
# application administrator, on all staff): a director on their schools, board staff on the board.
MANAGER_SCHOOL_ROLES = (Rol.DIRECTEUR,)
MANAGER_BOARD_ROLES = (Rol.BESTUUR,)
RECOVERY_CODES = 10
ACTOR_ROLES = {
    "beheerder": _("the application administrator"),
    "bestuur": _("the board"),
    "directeur": _("your director"),
}


# Set by a sign-in whose provider proved a second factor (sso/): our own step is not asked again.
SECOND_FACTOR_ELSEWHERE = "mfa_second_factor_elsewhere"


def second_step_done(request) -> bool:
    """Whether this session confirmed a second factor: our TOTP, or the board's provider's."""
    return request.user.is_verified() or bool(request.session.get(SECOND_FACTOR_ELSEWHERE))


def requires_mfa(user) -> bool:
    if not settings.MFA_REQUIRED or not user.is_authenticated or not user.is_staff:
        return False
    if user.is_superuser:
        return True
    # From the request's scope (one query for all grants, shared with every visible_to).
    return bool(school_ids(user, MFA_SCHOOL_ROLES) or bestuur_ids(user, BESTUUR_ROLES))


def has_confirmed_device(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def manages_second_factors(user) -> bool:
    """Whether ``user`` may open the colleague page at all."""
    return user.is_authenticated and (
        user.is_superuser
        or bool(school_ids(user, MANAGER_SCHOOL_ROLES))
        or bool(bestuur_ids(user, MANAGER_BOARD_ROLES))
    )


def actor_role(user) -> str:
    """How a mail names whoever reset a factor or issued a link: by role, not by name."""
    if user is None or user.is_superuser:
        return "beheerder"
    return "directeur" if school_ids(user, MANAGER_SCHOOL_ROLES) else "bestuur"


def colleagues_of(requester):
    """The staff whose second factor ``requester`` may reset, and for whom they may issue an
    enrolment link: a director's school staff, board staff's board and its schools, every staff
    member for the application administrator. Never the requester themselves; an administrator
    account only for another administrator."""
    from django.contrib.auth.models import User

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ..models import BestuurGrant, GroepGrant, SchoolGrant

    staff = (
        User.objects.filter(is_active=True, is_staff=True)
        .exclude(pk=requester.pk)
        .annotate(has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .order_by("last_name", "first_name", "username", "pk")
    )
    if requester.is_superuser:
        return staff
    schools = school_ids(requester, MANAGER_SCHOOL_ROLES)
    schools |= board_school_ids(requester, MANAGER_BOARD_ROLES)
    boards = bestuur_ids(requester, MANAGER_BOARD_ROLES)
    members = (
        SchoolGrant.objects.filter(content_object_id__in=schools)
        .values("user_id")
        .union(GroepGrant.objects.filter(content_object__school_id__in=schools).values("user_id"))
        .union(BestuurGrant.objects.filter(content_object_id__in=boards).values("user_id"))
    )
    return staff.filter(is_superuser=False, pk__in=members)


def reset_second_factor(*, user, by) -> None:
    """Remove every second factor of ``user``; the history records each device and who removed
    it, and the person gets a mail. At the next log-in they need a new enrolment link."""
    from django.db import transaction

    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .tasks import enqueue_reset_notice

    with transaction.atomic():
        for model in (TOTPDevice, StaticDevice):
            for device in model.objects.filter(user=user):
                device._history_user = by
                device.delete()
        enqueue_reset_notice(user_id=user.pk, role=actor_role(by))
    logger.warning("second factor reset: user_id=%s by user_id=%s", user.pk, by.pk)


def issue_recovery_codes(user) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    device.token_set.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
