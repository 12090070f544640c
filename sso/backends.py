"""The authentication backend of the board's OpenID Connect provider.

``BoardOIDCBackend`` is mozilla-django-oidc's backend with its settings read per board from
``Identiteitsprovider`` (chosen on the log-in page and kept in the session) instead of from
settings.py, so a board configures its provider in the admin without a deploy. Local passwords
are the register's ``leerlingen.accounts.AccountBackend``; this app refuses them for boards that
use single sign-on only (``sso/apps.py``).
"""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .discovery import endpoints
from .models import Aanmelding, Identiteitsprovider, Koppeling
from .rules import SESSION_PROVIDER, SESSION_SECOND_FACTOR, board_grants, used_second_factor

logger = logging.getLogger("privacyschool.security")


class Refused(SuspiciousOperation):
    """A sign-in we refuse; its reason code is logged for the FG (never the claims)."""


class BoardOIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # mozilla-django-oidc reads one provider from settings here; ours is per board.
        self.UserModel = get_user_model()
        self.provider: Identiteitsprovider | None = None

    def configure(self, provider: Identiteitsprovider) -> None:
        found = endpoints(provider.issuer)
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if request is None or "code" not in request.GET:
            return None  # not a callback: the password backend's turn
        provider = (
            Identiteitsprovider.objects.active()
            .filter(pk=request.session.get(SESSION_PROVIDER))
            .first()
        )
        if provider is None:
            return None
        self.refusal: str | None = None
        try:
            self.configure(provider)
            # mozilla-django-oidc answers None for a SuspiciousOperation (our Refused included).
            user = super().authenticate(request, **kwargs)
        except Exception as error:  # noqa: BLE001 - whatever fails, the sign-in is refused
            logger.warning(
                "single sign-on refused for board %s: %s", provider.bestuur_id, type(error).__name__
            )
            self.refusal = self.refusal or Aanmelding.Reden.PROVIDER
            user = None
        if user is None:
            if self.refusal != Aanmelding.Reden.INACTIEF:  # that one is recorded with its account
                record(provider, None, self.refusal or Aanmelding.Reden.PROVIDER)
            return None
        request.session[SESSION_SECOND_FACTOR] = self.second_factor
        return user

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        issuer = self.provider.issuer.rstrip("/")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if (
            str(payload.get("iss", "")).rstrip("/") != issuer
            or self.provider.client_id not in audiences
        ):
            self.refusal = Aanmelding.Reden.PROVIDER
            raise Refused(self.refusal)
        self.second_factor = used_second_factor(payload)
        self.subject = str(payload.get("sub", ""))
        return payload

    def verify_claims(self, claims):
        # The userinfo answer must be about the same person as the signed ID token.
        return bool(claims.get("sub")) and str(claims["sub"]) == self.subject

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(
            sso_koppelingen__provider=self.provider, sso_koppelingen__subject=self.subject
        )

    @transaction.atomic
    def create_user(self, claims):
        """The first sign-in of this subject: link an existing account of the board, or make one."""
        email = str(claims.get("email") or "").strip()
        if not claims.get("email_verified", True) or not self.provider.allows_email(email):
            self.refusal = Aanmelding.Reden.DOMEIN
            raise Refused(self.refusal)
        same_address = self.UserModel.objects.filter(email__iexact=email)
        if Koppeling.objects.filter(provider=self.provider, gebruiker__in=same_address).exists():
            self.refusal = Aanmelding.Reden.ANDER_ACCOUNT
            raise Refused(self.refusal)
        existing = same_address.filter(board_grants(self.provider.bestuur_id)).distinct()
        if existing.count() == 1:
            user = existing.get()
        else:
            user = self.UserModel.objects.create_user(self.unique_username(email), email=email)
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Koppeling.objects.create(provider=self.provider, subject=self.subject, gebruiker=user)
        self.linked_now = True
        return user

    def unique_username(self, email: str) -> str:
        base = email.lower()[:140]
        name, n = base, 1
        while self.UserModel.objects.filter(username=name).exists():
            n += 1
            name = f"{base}-{n}"
        return name

    def update_user(self, user, claims):
        return user  # names and roles are ours; the provider only proves who signs in

    def get_or_create_user(self, access_token, id_token, payload):
        self.linked_now = False
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            return None
        if not user.is_active:
            self.refusal = Aanmelding.Reden.INACTIEF
            record(self.provider, user, self.refusal)
            return None
        reden = Aanmelding.Reden.OK_NIEUW if self.linked_now else Aanmelding.Reden.OK
        record(self.provider, user, reden, second_factor=self.second_factor)
        return user


def record(provider, user, reden, *, second_factor=False) -> None:
    ok = reden in (Aanmelding.Reden.OK, Aanmelding.Reden.OK_NIEUW)
    Aanmelding.objects.create(
        provider=provider,
        gebruiker=user,
        reden=reden,
        tweede_factor=second_factor,
        uitkomst=Aanmelding.Uitkomst.GELUKT if ok else Aanmelding.Uitkomst.GEWEIGERD,
    )
