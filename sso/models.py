"""A board's identity provider, the accounts linked to it, and every sign-in through it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simple_history.models import HistoricalRecords

from core.access import ScopedQuerySet
from core.crypto import EncryptedCharField
from leerlingen.access import bestuur_ids
from leerlingen.models import Bestuur


class BoardScopedQuerySet(ScopedQuerySet):
    """Board staff configure their board's provider; the FG reviews it and its sign-ins."""

    board_field = "bestuur_id"

    def rule(self, user) -> Q | None:
        boards = bestuur_ids(user)
        return Q(**{f"{self.board_field}__in": sorted(boards)}) if boards else None


class ProviderQuerySet(BoardScopedQuerySet):
    def active(self):
        return self.filter(actief=True)


class Identiteitsprovider(models.Model):
    """The board's OpenID Connect provider (Microsoft Entra ID, Google Workspace, ...).

    Signing in never grants a role: it only proves who the person is. Roles are granted by the
    school's director, as for every account.
    """

    bestuur = models.OneToOneField(
        Bestuur, models.CASCADE, related_name="identiteitsprovider", verbose_name=_("board")
    )
    naam = models.CharField(
        _("name on the log-in button"),
        max_length=100,
        help_text=_("Shown on the staff log-in page as “Sign in with …”, followed by this name."),
    )
    issuer = models.URLField(
        _("issuer"),
        max_length=300,
        help_text=_(
            "The provider's issuer URL; its /.well-known/openid-configuration is read from there."
        ),
    )
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret = EncryptedCharField(_("client secret"), max_length=500)
    e_maildomeinen = models.CharField(
        _("allowed e-mail domains"),
        max_length=500,
        help_text=_(
            "Comma-separated, e.g. bestuur.nl, school.nl. Accounts of other domains are refused."
        ),
    )
    alleen_sso = models.BooleanField(
        _("single sign-on only"),
        default=False,
        help_text=_(
            "The board's staff cannot use a local password; leavers are locked out with their account."
        ),
    )
    actief = models.BooleanField(_("active"), default=True)

    objects = ProviderQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["client_secret"])

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self):
        return self.naam

    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.e_maildomeinen.split(",") if d.strip()]

    def allows_email(self, email: str) -> bool:
        domain = email.rpartition("@")[2].lower()
        return bool(email) and domain in self.domains()

    def clean(self):
        if not self.domains():
            raise ValidationError({"e_maildomeinen": _("Name at least one e-mail domain.")})
        if (
            not self.issuer.startswith("https://")
            and not settings.DEBUG
            and not _is_loopback(self.issuer)
        ):
            raise ValidationError({"issuer": _("The issuer must be an https address.")})


def _is_loopback(url: str) -> bool:
    return url.startswith(("http://127.0.0.1:", "http://localhost:"))


class ThroughProviderQuerySet(BoardScopedQuerySet):
    board_field = "provider__bestuur_id"


class Koppeling(models.Model):
    """An account linked to the provider's stable subject id (``sub``), never to an e-mail alone."""

    provider = models.ForeignKey(
        Identiteitsprovider,
        models.CASCADE,
        related_name="koppelingen",
        verbose_name=_("identity provider"),
    )
    subject = models.CharField(_("subject id at the provider"), max_length=255)
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="sso_koppelingen",
        verbose_name=_("user"),
    )
    aangemaakt = models.DateTimeField(_("linked on"), default=timezone.now)

    objects = ThroughProviderQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("linked account")
        verbose_name_plural = _("linked accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="sso_one_account_per_subject"
            ),
            models.UniqueConstraint(
                fields=["provider", "gebruiker"], name="sso_one_subject_per_account"
            ),
        ]

    def __str__(self):
        return f"{self.provider} #{self.pk}"


class Aanmelding(models.Model):
    """One sign-in through a provider, accepted or refused. Ids and a reason code: no claims, no token."""

    class Uitkomst(models.TextChoices):
        GELUKT = "gelukt", _("signed in")
        GEWEIGERD = "geweigerd", _("refused")

    class Reden(models.TextChoices):
        OK = "ok", _("accepted")
        OK_NIEUW = "ok_nieuw", _("accepted, account linked now")
        DOMEIN = "domein", _("e-mail domain not allowed")
        ANDER_ACCOUNT = (
            "ander_account",
            _("the e-mail address belongs to an account linked to another subject"),
        )
        INACTIEF = "inactief", _("account switched off here")
        PROVIDER = "provider", _("the provider refused or the answer could not be verified")

    tijdstip = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    provider = models.ForeignKey(
        Identiteitsprovider,
        models.CASCADE,
        related_name="aanmeldingen",
        verbose_name=_("identity provider"),
    )
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    uitkomst = models.CharField(_("outcome"), max_length=10, choices=Uitkomst.choices)
    reden = models.CharField(_("reason"), max_length=20, choices=Reden.choices)
    tweede_factor = models.BooleanField(_("second factor at the provider"), default=False)

    objects = ThroughProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("single sign-on sign-in")
        verbose_name_plural = _("single sign-on sign-ins")
        ordering = ["-tijdstip"]

    def __str__(self):
        return f"{self.tijdstip:%Y-%m-%d %H:%M} {self.get_uitkomst_display()}"
