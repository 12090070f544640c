"""The breach register (AVG art. 33(5)): every incident with its facts, effects and measures, the
decision on notifying the Autoriteit Persoonsgegevens within 72 hours of awareness, the decision on
telling the people concerned (art. 34) and who was told, and the processors' one-time report links.

The rules (deadline, which decision needs which reason) live in ``rules.py``, the writes in
``services.py``, who sees what in ``access.py``.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simple_history.models import HistoricalRecords

from leerlingen.models import Bestuur, Leerling, Ouder, School

from .access import BerichtQuerySet, DatalekQuerySet, MeldlinkQuerySet

MELDTERMIJN = timedelta(hours=72)  # AVG art. 33(1): from becoming aware
# The register's own retention term is the category "datalekken" of leerlingen/retention
# (5 years after the incident was recorded, published in the statement; datalekken/retention.py).


class Bron(models.TextChoices):
    HANDMATIG = "handmatig", _("recorded by staff")
    VERWERKER = "verwerker", _("reported by a processor")
    TOEGANGSCONTROLE = "toegangscontrole", _("unusual volume in the access review")


class Risico(models.TextChoices):
    ONBEKEND = "onbekend", _("not assessed yet")
    GEEN = "geen", _("unlikely to result in a risk")
    RISICO = "risico", _("a risk")
    HOOG = "hoog", _("a high risk")


class APBesluit(models.TextChoices):
    OPEN = "open", _("not decided yet")
    GEMELD = "gemeld", _("notified to the AP")
    NIET_GEMELD = "niet_gemeld", _("not notified")


class BetrokkenenBesluit(models.TextChoices):
    OPEN = "open", _("not decided yet")
    INFORMEREN = "informeren", _("the people concerned are told")
    NIET = "niet", _("the people concerned are not told")


class Datalek(models.Model):
    """One security incident involving personal data, as the register keeps it."""

    bestuur = models.ForeignKey(
        Bestuur, models.PROTECT, related_name="datalekken", verbose_name=_("board")
    )
    school = models.ForeignKey(
        School,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="datalekken",
        verbose_name=_("school"),
        help_text=_("Empty when the incident concerns the board as a whole."),
    )
    kenmerk = models.CharField(_("reference"), max_length=30, unique=True, editable=False)
    titel = models.CharField(_("short description"), max_length=200)
    bron = models.CharField(
        _("source"), max_length=20, choices=Bron.choices, default=Bron.HANDMATIG
    )
    ontstaan_op = models.DateTimeField(
        _("happened at"),
        null=True,
        blank=True,
        help_text=_("When the incident happened, as far as known."),
    )
    ontdekt_op = models.DateTimeField(
        _("aware since"),
        default=timezone.now,
        help_text=_("When the school became aware of it: the 72 hours to notify run from here."),
    )
    omschrijving = models.TextField(_("what happened"))
    vertrouwelijkheid = models.BooleanField(
        _("confidentiality"),
        default=False,
        help_text=_("Data were seen or taken by someone not entitled."),
    )
    integriteit = models.BooleanField(
        _("integrity"), default=False, help_text=_("Data were changed.")
    )
    beschikbaarheid = models.BooleanField(
        _("availability"), default=False, help_text=_("Data were lost or could not be reached.")
    )
    categorieen = models.JSONField(_("data categories"), default=list, blank=True)
    aantal_personen = models.PositiveIntegerField(_("number of people"), null=True, blank=True)
    aantal_records = models.PositiveIntegerField(_("number of records"), null=True, blank=True)
    leerlingen = models.ManyToManyField(
        Leerling, blank=True, related_name="+", verbose_name=_("pupils concerned")
    )
    ouders = models.ManyToManyField(
        Ouder, blank=True, related_name="+", verbose_name=_("parents concerned")
    )
    door_verwerker = models.BooleanField(_("caused by a processor"), default=False)
    # The processor and its agreement in the disclosure register (delen), declared by label: the
    # register keeps its own code, this app imports none of it (README "Layout"). The names below
    # are written from the link when it is made and stay when a processor is later removed.
    verwerker = models.ForeignKey(
        "delen.Verwerker",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("processor"),
    )
    overeenkomst = models.ForeignKey(
        "delen.Verwerkersovereenkomst",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("processor agreement"),
    )
    verwerker_naam = models.CharField(_("processor (as recorded)"), max_length=200, blank=True)
    overeenkomst_omschrijving = models.CharField(
        _("processor agreement (as recorded)"),
        max_length=200,
        blank=True,
        help_text=_("The agreement's date or reference."),
    )
    gevolgen = models.TextField(_("likely consequences"), blank=True)
    maatregelen_genomen = models.TextField(_("measures taken"), blank=True)
    maatregelen_gepland = models.TextField(_("measures planned"), blank=True)
    risico = models.CharField(
        _("risk assessment"), max_length=10, choices=Risico.choices, default=Risico.ONBEKEND
    )
    risico_toelichting = models.TextField(_("reasoning of the risk assessment"), blank=True)
    contactpersoon = models.CharField(
        _("contact for the people concerned"), max_length=200, blank=True
    )

    ap_besluit = models.CharField(
        _("notification to the AP"),
        max_length=12,
        choices=APBesluit.choices,
        default=APBesluit.OPEN,
    )
    ap_gemeld_op = models.DateTimeField(_("notified at"), null=True, blank=True)
    ap_kenmerk = models.CharField(_("AP reference number"), max_length=50, blank=True)
    ap_niet_reden = models.TextField(_("reason not to notify"), blank=True)
    vertraging_reden = models.TextField(_("reason for the delay"), blank=True)
    ap_besloten_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    betrokkenen_besluit = models.CharField(
        _("telling the people concerned"),
        max_length=12,
        choices=BetrokkenenBesluit.choices,
        default=BetrokkenenBesluit.OPEN,
    )
    betrokkenen_niet_reden = models.TextField(_("reason not to tell them"), blank=True)

    vastgelegd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    aangemaakt = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords(m2m_fields=[leerlingen, ouders])

    objects = DatalekQuerySet.as_manager()

    class Meta:
        verbose_name = _("data breach")
        verbose_name_plural = _("data breaches")
        ordering = ["-ontdekt_op", "-id"]
        indexes = [
            models.Index(fields=["bestuur", "ontdekt_op"]),
            models.Index(fields=["ap_besluit"]),
        ]

    def __str__(self):
        return f"{self.kenmerk} {self.titel}"

    @property
    def deadline(self):
        return self.ontdekt_op + MELDTERMIJN


class Bericht(models.Model):
    """Who was told about an incident (art. 34) and when: one row per pupil and addressee (a parent,
    or the pupil themself), written first; the e-mail follows through the outbox."""

    class Status(models.TextChoices):
        TE_VERZENDEN = "te_verzenden", _("to send")
        VERZONDEN = "verzonden", _("sent by e-mail")
        GEEN_EMAIL = "geen_email", _("no e-mail address: on paper")

    datalek = models.ForeignKey(
        Datalek, models.CASCADE, related_name="berichten", verbose_name=_("data breach")
    )
    leerling = models.ForeignKey(
        Leerling, models.CASCADE, related_name="+", verbose_name=_("pupil")
    )
    ouder = models.ForeignKey(
        Ouder,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("parent"),
        help_text=_("Empty: the letter is for the pupil."),
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.TE_VERZENDEN
    )
    aangemaakt = models.DateTimeField(_("made at"), default=timezone.now)
    verzonden_op = models.DateTimeField(_("sent at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = BerichtQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter about a data breach")
        verbose_name_plural = _("letters about data breaches")
        ordering = ["datalek", "leerling", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["datalek", "leerling", "ouder"], name="datalek_bericht_unique"
            ),
            models.UniqueConstraint(
                fields=["datalek", "leerling"],
                condition=models.Q(ouder__isnull=True),
                name="datalek_bericht_unique_pupil",
            ),
        ]

    def __str__(self):
        return f"{self.datalek.kenmerk} #{self.pk}"


def _link_expires():
    return timezone.now() + timedelta(days=14)


class Meldlink(models.Model):
    """A one-time link for a processor to report an incident. Only a keyed hash of the token is
    kept; the token exists in the e-mail alone."""

    bestuur = models.ForeignKey(Bestuur, models.PROTECT, related_name="+", verbose_name=_("board"))
    school = models.ForeignKey(
        School, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    verwerker = models.ForeignKey(
        "delen.Verwerker",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("processor"),
    )
    verwerker_naam = models.CharField(_("processor (as recorded)"), max_length=200)
    email = models.EmailField(_("e-mail of the processor's contact"))
    uitgegeven_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, blank=True, db_index=True)
    aangemaakt = models.DateTimeField(_("created"), default=timezone.now)
    geldig_tot = models.DateTimeField(_("valid until"), default=_link_expires)
    gebruikt_op = models.DateTimeField(_("used at"), null=True, blank=True)
    datalek = models.ForeignKey(
        Datalek,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("data breach reported"),
    )
    history = HistoricalRecords(excluded_fields=["token_hash"])

    objects = MeldlinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("report link for a processor")
        verbose_name_plural = _("report links for processors")
        ordering = ["-aangemaakt"]

    def __str__(self):
        return f"{self.verwerker_naam} {self.aangemaakt:%Y-%m-%d}"
