"""Consent (toestemming): purposes, the yearly form, decisions, and the parent portal's log-in.

DOMAIN.md § Consent. The rules that read these rows live in ``rules.py``; every write that
touches more than one row is a function in ``services.py`` (or ``portal_auth.py`` for log-in).
A decision is never edited: a new decision is a new row and the decider's earlier row stops
being current (``huidig``), so the evidence of AVG art. 7(1) stays complete.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simple_history.models import HistoricalRecords

from leerlingen.models import Groep, Leerling, Ouder, School
from leerlingen.validators import validate_schooljaar

from .access import (
    DoelQuerySet,
    FormulierQuerySet,
    HerinneringQuerySet,
    OverdrachtQuerySet,
    ToestemmingQuerySet,
)


class Doel(models.Model):
    """A consent purpose of a school, e.g. photos on the public website."""

    school = models.ForeignKey(
        School, models.PROTECT, related_name="doelen", verbose_name=_("school")
    )
    code = models.SlugField(
        _("code"), max_length=40, help_text=_("A short fixed key, e.g. 'website'. Never changes.")
    )
    naam = models.CharField(_("name"), max_length=200)
    naam_en = models.CharField(
        _("name in English"),
        max_length=200,
        blank=True,
        help_text=_("Shown when the portal is in English; empty: the Dutch name is shown."),
    )
    omschrijving = models.TextField(
        _("description"),
        blank=True,
        help_text=_("The default text of the question on the yearly form."),
    )
    omschrijving_en = models.TextField(
        _("description in English"),
        blank=True,
        help_text=_("Shown when the portal is in English; empty: the Dutch text is shown."),
    )
    actief = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive purposes are not asked on new forms.")
    )
    volgorde = models.PositiveSmallIntegerField(_("order"), default=100)
    history = HistoricalRecords()

    objects = DoelQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent purpose")
        verbose_name_plural = _("consent purposes")
        ordering = ["school", "volgorde", "id"]
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="doel_unique_code")]

    def __str__(self):
        return self.naam


class Formulier(models.Model):
    """One version of a school's consent form for one school year (seed 002: asked every year)."""

    school = models.ForeignKey(
        School, models.PROTECT, related_name="formulieren", verbose_name=_("school")
    )
    schooljaar = models.CharField(
        _("school year"),
        max_length=9,
        validators=[validate_schooljaar],
        help_text=_("For example 2026-2027."),
    )
    versie = models.PositiveSmallIntegerField(_("version"), default=1)
    inleiding = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown to parents above the questions.")
    )
    inleiding_en = models.TextField(
        _("introduction in English"),
        blank=True,
        help_text=_("Shown when the portal is in English; empty: the Dutch text is shown."),
    )
    gepubliceerd_op = models.DateTimeField(_("published at"), null=True, blank=True)
    gepubliceerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    history = HistoricalRecords()

    objects = FormulierQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent form")
        verbose_name_plural = _("consent forms")
        ordering = ["school", "-schooljaar", "-versie"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "schooljaar", "versie"], name="formulier_unique_versie"
            )
        ]
        indexes = [models.Index(fields=["school", "schooljaar", "gepubliceerd_op"])]

    def __str__(self):
        return f"{self.schooljaar} v{self.versie}"

    @property
    def is_gepubliceerd(self) -> bool:
        return self.gepubliceerd_op is not None


class FormulierTekst(models.Model):
    """The exact text parents see for one purpose on one form version."""

    formulier = models.ForeignKey(
        Formulier, models.CASCADE, related_name="teksten", verbose_name=_("form")
    )
    doel = models.ForeignKey(
        Doel, models.PROTECT, related_name="teksten", verbose_name=_("purpose")
    )
    tekst = models.TextField(_("text shown to parents"))
    tekst_en = models.TextField(
        _("text in English"),
        blank=True,
        help_text=_("Shown when the portal is in English; empty: the Dutch text is shown."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("form text")
        verbose_name_plural = _("form texts")
        ordering = ["doel__volgorde", "doel_id"]
        constraints = [
            models.UniqueConstraint(fields=["formulier", "doel"], name="formuliertekst_unique_doel")
        ]

    def __str__(self):
        return f"{self.formulier} – {self.doel}"


class Beslisser(models.TextChoices):
    OUDER = "ouder", _("parent with parental authority")
    LEERLING = "leerling", _("the pupil (16 or older)")


class Kanaal(models.TextChoices):
    PORTAAL = "portaal", _("portal")
    PAPIER = "papier", _("paper form")
    EMAIL = "email", _("e-mail")


class Toestemming(models.Model):
    """One consent decision: yes or no, for one pupil, one purpose, one school year, by one decider.

    Every decision is a new row; the decider's previous row for the same question stops being
    current. Whether there is consent follows from the current rows (``rules.py``).
    """

    leerling = models.ForeignKey(
        Leerling, models.CASCADE, related_name="toestemmingen", verbose_name=_("pupil")
    )
    doel = models.ForeignKey(
        Doel, models.PROTECT, related_name="toestemmingen", verbose_name=_("purpose")
    )
    schooljaar = models.CharField(_("school year"), max_length=9, validators=[validate_schooljaar])
    formulier = models.ForeignKey(
        Formulier,
        models.PROTECT,
        related_name="toestemmingen",
        verbose_name=_("form version"),
        help_text=_("The version of the form whose text the decider saw."),
    )
    gegeven = models.BooleanField(
        _("consent given"), help_text=_("Yes (consent) or no (refusal or withdrawal).")
    )
    beslisser = models.CharField(_("decided by"), max_length=10, choices=Beslisser.choices)
    ouder = models.ForeignKey(
        Ouder,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="toestemmingen",
        verbose_name=_("parent"),
        help_text=_("The parent who decided; empty when the pupil decided."),
    )
    kanaal = models.CharField(_("channel"), max_length=10, choices=Kanaal.choices)
    vastgelegd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("The account that entered the decision (a staff member for a paper form)."),
    )
    tijdstip = models.DateTimeField(_("decided at"), default=timezone.now)
    is_intrekking = models.BooleanField(
        _("withdrawal"),
        default=False,
        help_text=_("A no that withdraws an earlier yes of the same decider."),
    )
    huidig = models.BooleanField(
        _("current"), default=True, help_text=_("The decider's latest decision on this question.")
    )
    history = HistoricalRecords()

    objects = ToestemmingQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent decision")
        verbose_name_plural = _("consent decisions")
        ordering = ["-tijdstip", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["leerling", "doel", "schooljaar", "ouder"],
                condition=Q(huidig=True, ouder__isnull=False),
                name="toestemming_een_huidige_per_ouder",
            ),
            models.UniqueConstraint(
                fields=["leerling", "doel", "schooljaar"],
                condition=Q(huidig=True, ouder__isnull=True),
                name="toestemming_een_huidige_van_leerling",
            ),
            models.CheckConstraint(
                condition=Q(beslisser="ouder", ouder__isnull=False)
                | Q(beslisser="leerling", ouder__isnull=True),
                name="toestemming_beslisser_past",
            ),
        ]
        indexes = [
            models.Index(fields=["leerling", "schooljaar", "huidig"]),
            models.Index(fields=["ouder", "tijdstip"]),
        ]

    def __str__(self):
        return f"{self.doel} {self.schooljaar}: {_('yes') if self.gegeven else _('no')}"


class Overdracht(models.Model):
    """The 16+ handover: from this date the pupil decides; the invitation is a row first, then sent."""

    class Status(models.TextChoices):
        TE_VERZENDEN = "te_verzenden", _("invitation to send")
        VERZONDEN = "verzonden", _("invitation sent")
        GEEN_EMAIL = "geen_email", _("no e-mail address: hand over on paper")

    leerling = models.OneToOneField(
        Leerling, models.CASCADE, related_name="toestemming_overdracht", verbose_name=_("pupil")
    )
    datum = models.DateField(_("handed over on"))
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.TE_VERZENDEN
    )
    verzonden_op = models.DateTimeField(_("invitation sent at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = OverdrachtQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover to the pupil (16+)")
        verbose_name_plural = _("handovers to pupils (16+)")
        ordering = ["-datum", "-id"]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.datum:%Y-%m-%d}"


class Herinnering(models.Model):
    """A reminder to a parent who has not answered this year's form: a row first, then sent."""

    formulier = models.ForeignKey(
        Formulier, models.CASCADE, related_name="herinneringen", verbose_name=_("form")
    )
    ouder = models.ForeignKey(
        Ouder, models.CASCADE, related_name="toestemming_herinneringen", verbose_name=_("parent")
    )
    datum = models.DateField(_("date"), default=timezone.localdate)
    aangevraagd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    verzonden_op = models.DateTimeField(_("sent at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = HerinneringQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-datum", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["formulier", "ouder", "datum"], name="herinnering_een_per_dag"
            )
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.datum:%Y-%m-%d}"


# --- Portal log-in: personal codes and one-time e-mail links, stored hashed ---------------


class Toegangscode(models.Model):
    """A personal access code for the parent portal (seed 001), set by staff per school year.

    An invitation: it only makes the account of a holder who has none yet. Only a keyed hash is
    stored; the code itself is printed once, into the letter (``staf.group_letters``).
    """

    ouder = models.ForeignKey(
        Ouder,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="toegangscodes",
        verbose_name=_("parent"),
    )
    leerling = models.ForeignKey(
        Leerling,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="toegangscodes",
        verbose_name=_("pupil (16 or older)"),
    )
    schooljaar = models.CharField(_("school year"), max_length=9, validators=[validate_schooljaar])
    groep = models.ForeignKey(
        Groep,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group of the letter"),
        help_text=_(
            "The group whose letters carried the code: a new letter replaces only the unused code "
            "of the same group, never the one sent home with a child in another group."
        ),
    )
    code_hash = models.CharField(_("hash of the code"), max_length=64, unique=True, editable=False)
    aangemaakt_op = models.DateTimeField(_("created at"), default=timezone.now)
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    geldig_tot = models.DateTimeField(_("valid until"))
    gebruikt_op = models.DateTimeField(_("used at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["code_hash"])

    class Meta:
        verbose_name = _("personal access code")
        verbose_name_plural = _("personal access codes")
        ordering = ["-aangemaakt_op"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ouder__isnull=False, leerling__isnull=True)
                | Q(ouder__isnull=True, leerling__isnull=False),
                name="toegangscode_een_houder",
            )
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.schooljaar}"


class Inloglink(models.Model):
    """A one-time log-in link by e-mail. The row comes first; the task makes the token and sends it."""

    ouder = models.ForeignKey(
        Ouder,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="inloglinks",
        verbose_name=_("parent"),
    )
    leerling = models.ForeignKey(
        Leerling,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="inloglinks",
        verbose_name=_("pupil (16 or older)"),
    )
    aangevraagd_op = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    token_hash = models.CharField(
        _("hash of the token"), max_length=64, blank=True, editable=False, db_index=True
    )
    verzonden_op = models.DateTimeField(_("sent at"), null=True, blank=True)
    geldig_tot = models.DateTimeField(_("valid until"), null=True, blank=True)
    gebruikt_op = models.DateTimeField(_("used at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("log-in link")
        verbose_name_plural = _("log-in links")
        ordering = ["-aangevraagd_op"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ouder__isnull=False, leerling__isnull=True)
                | Q(ouder__isnull=True, leerling__isnull=False),
                name="inloglink_een_houder",
            )
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.aangevraagd_op:%Y-%m-%d %H:%M}"
