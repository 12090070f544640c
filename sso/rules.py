"""Who signs in how: the board's single sign-on, the second factor it proves, local passwords.

- An account is found by the provider's subject id (``sub``). The first sign-in links it to an
  existing account only when that account's e-mail address matches, its domain is allowed, it
  holds a role at this board and is not linked yet; otherwise a new account without roles is made.
  A different subject arriving with a linked account's address is refused.
- A second factor used at the provider (``amr`` claim) counts as our second step.
- A board may switch local passwords off for its staff (``alleen_sso``).
"""

from django.db.models import Q

from leerlingen.access import BESTUUR_ROLES, SCHOOL_ROLES
from leerlingen.mfa.rules import SECOND_FACTOR_ELSEWHERE
from leerlingen.rol import codenames

# RFC 8176 authentication method references that are a second factor (or stronger).
SECOND_FACTOR_AMR = frozenset(
    {"mfa", "otp", "hwk", "swk", "sms", "tel", "fpt", "face", "iris", "retina", "sc"}
)
SESSION_PROVIDER = "sso_provider"
SESSION_SECOND_FACTOR = SECOND_FACTOR_ELSEWHERE


# ``acr`` values that name multi-factor authentication (OpenID PAPE; Entra ID's conditional access).
SECOND_FACTOR_ACR = frozenset(
    {
        "http://schemas.openid.net/pape/policies/2007/06/multi-factor",
        "mfa",
        "possessionorinherence",
    }
)


def used_second_factor(claims: dict) -> bool:
    """Whether the provider says the person used a second factor (``amr`` or ``acr`` claim)."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    by_method = bool(SECOND_FACTOR_AMR.intersection(str(a).lower() for a in amr))
    return by_method or str(claims.get("acr", "")).lower() in SECOND_FACTOR_ACR


def board_grants(bestuur_id: int) -> Q:
    """Users holding any role at the board (on the board or on one of its schools or groups)."""
    return (
        Q(
            bestuurgrant__content_object_id=bestuur_id,
            bestuurgrant__permission__codename__in=codenames(BESTUUR_ROLES),
        )
        | Q(
            schoolgrant__content_object__bestuur_id=bestuur_id,
            schoolgrant__permission__codename__in=codenames(SCHOOL_ROLES),
        )
        | Q(groepgrant__content_object__school__bestuur_id=bestuur_id)
    )


SSO_ONLY_CACHE = "sso:single-sign-on-only-boards"


def single_sign_on_only_boards() -> frozenset[int]:
    """The boards that switched local passwords off: from the cache, read again on every change of
    a provider (signals in sso/apps.py). Django loads the logged-in user on every request, so this
    must cost no query where no board uses it (the common case). With the cache (Redis) down, the
    database answers: a broker outage must not stop the pages (DESIGN.md §5)."""
    from django.core.cache import cache

    from .models import Identiteitsprovider

    try:
        boards = cache.get(SSO_ONLY_CACHE)
    except Exception:  # noqa: BLE001 - any cache failure: read the database instead
        boards = None
    if boards is None:
        boards = frozenset(
            Identiteitsprovider.objects.filter(actief=True, alleen_sso=True).values_list(
                "bestuur_id", flat=True
            )
        )
        try:
            cache.set(SSO_ONLY_CACHE, boards, 300)  # at most 5 minutes stale after an outage
        except Exception:  # noqa: BLE001
            pass
    return boards


def forget_single_sign_on_only_boards(**kwargs) -> None:
    from django.core.cache import cache

    try:
        cache.delete(SSO_ONLY_CACHE)
    except Exception:  # noqa: BLE001 - Redis down: nothing cached can be read either
        pass


def single_sign_on_only(user) -> bool:
    """Whether ``user`` holds a role at a board that switched local passwords off (one query, and
    only while some board has)."""
    from django.contrib.auth import get_user_model

    boards = single_sign_on_only_boards()
    if not boards:
        return False
    condition = Q()
    for bestuur_id in sorted(boards):
        condition |= board_grants(bestuur_id)
    return get_user_model().objects.filter(condition, pk=user.pk).exists()
