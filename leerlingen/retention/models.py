"""Retention: terms as data, destruction lists the director approves, legal holds, tombstones.

The rules live in ``rules.py`` (terms), ``sweep.py`` and ``destruction.py``; the one
erasure service in ``leerlingen/erasure.py`` (DESIGN.md §4). Nothing here holds personal data
of its own: a list item points at a record by content type and id, and once the record is gone
only its kind, its term and a tombstone remain.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from simple_history.models import HistoricalRecords

from .access import (
    BewaarcontroleQuerySet,
    BewaartermijnQuerySet,
    BlokkadeQuerySet,
    VernietigdRecordQuerySet,
    VernietigingslijstItemQuerySet,
    VernietigingslijstQuerySet,
)

__all__ = [
    "Bewaarcategorie",
    "Gebeurtenis",
    "Bewaartermijn",
    "Blokkade",
    "Vernietigingslijst",
    "VernietigingslijstItem",
    "VernietigdRecord",
    "Bewaarcontrole",
]


class Bewaarcategorie(models.TextChoices):
    """What a retention term is about: a kind of record, counted from an event."""

    LEERLINGADMINISTRATIE = (
        "leerlingadministratie",
        _("pupil administration (the whole pupil record)"),
    )
    EXAMENS = "examens", _("exam and study-progress data")
    ZORGDOSSIER = "zorgdossier", _("care dossier items (guidance, medical, religion)")
    TOESTEMMINGSBEWIJS = "toestemmingsbewijs", _("consent evidence")
    VERZOEKEN = "verzoeken", _("requests and their answers")
    VERSTREKKINGEN = "verstrekkingen", _("disclosure records")
    PROFESSIONALISERING = "professionalisering", _("professional-development recordings")
    NIET_INGESCHREVEN = "niet_ingeschreven", _("dossier of a pupil who never enrolled")
    DATALEKKEN = "datalekken", _("the register of data breaches")


class Gebeurtenis(models.TextChoices):
    """The event from which a term counts."""

    UITSCHRIJVING = "uitschrijving", _("the pupil left the school")
    EINDE_ONDERWIJSOVEREENKOMST = "einde_overeenkomst", _("the education agreement ended")
    EINDE_TOESTEMMING = "einde_toestemming", _("the consent ended (withdrawn or superseded)")
    AFHANDELING_VERZOEK = "afhandeling_verzoek", _("the request was closed")
    VERSTREKKING = "verstrekking", _("the data were disclosed")
    EINDE_TRAJECT = "einde_traject", _("the professional-development trajectory ended")
    EINDE_AANMELDING = "einde_aanmelding", _("the registration ended without enrolment")
    DATALEK_VASTGELEGD = "datalek_vastgelegd", _("the incident was recorded")


class Bewaartermijn(models.Model):
    """How long a school keeps one kind of record after an event. Loaded from DOMAIN.md for a
    new school (``rules.ensure_default_terms``); the director may set another duration, never
    shorter than a legal minimum. Every change is in the history."""

    school = models.ForeignKey(
        "leerlingen.School",
        models.CASCADE,
        related_name="bewaartermijnen",
        verbose_name=_("school"),
    )
    categorie = models.CharField(
        _("kind of record"), max_length=30, choices=Bewaarcategorie.choices
    )
    gebeurtenis = models.CharField(
        _("counted from"),
        max_length=30,
        choices=Gebeurtenis.choices,
        help_text=_("The event the term counts from."),
    )
    jaren = models.PositiveSmallIntegerField(_("years"), validators=[MaxValueValidator(50)])
    maanden = models.PositiveSmallIntegerField(
        _("months"), default=0, validators=[MaxValueValidator(11)]
    )
    grondslag = models.CharField(
        _("source of the term"),
        max_length=300,
        blank=True,
        help_text=_("The law or the school's own rule the term comes from."),
    )
    toelichting = models.TextField(
        _("explanation of a change"),
        blank=True,
        help_text=_(
            "Why the school keeps these records for another term than the default. No names."
        ),
    )
    history = HistoricalRecords()

    objects = BewaartermijnQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention term")
        verbose_name_plural = _("retention terms")
        ordering = ["school", "categorie"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "categorie"], name="bewaartermijn_unique_categorie"
            ),
        ]

    def __str__(self):
        return f"{self.get_categorie_display()}: {self.duur_tekst}"

    @property
    def totaal_maanden(self) -> int:
        return self.jaren * 12 + self.maanden

    @property
    def duur_tekst(self) -> str:
        return duration_text(self.jaren, self.maanden)

    @property
    def omschrijving(self) -> str:
        return _("%(duration)s after %(event)s") % {
            "duration": self.duur_tekst,
            "event": self.get_gebeurtenis_display(),
        }

    def clean(self):
        from .rules import term_errors

        errors = term_errors(self)
        if errors:
            raise ValidationError(errors)


def duration_text(jaren: int, maanden: int) -> str:
    parts = []
    if jaren:
        parts.append(ngettext("%(n)d year", "%(n)d years", jaren) % {"n": jaren})
    if maanden:
        parts.append(ngettext("%(n)d month", "%(n)d months", maanden) % {"n": maanden})
    return " ".join(parts) if parts else str(_("immediately"))


class Blokkade(models.Model):
    """A legal hold on a pupil's records: while it is active nothing of the pupil is destroyed."""

    class Reden(models.TextChoices):
        OPEN_VERZOEK = "open_verzoek", _("an open request of the parents or pupil")
        GESCHIL = "geschil", _("a dispute or legal proceedings")
        INSPECTIE = "inspectie", _("an inspection or audit")
        ANDERS = "anders", _("another legal duty to keep")

    leerling = models.ForeignKey(
        "leerlingen.Leerling", models.CASCADE, related_name="blokkades", verbose_name=_("pupil")
    )
    reden = models.CharField(_("ground of the hold"), max_length=20, choices=Reden.choices)
    toelichting = models.CharField(
        _("reference"),
        max_length=300,
        blank=True,
        help_text=_("A case number or short reference; no names."),
    )
    ingesteld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    ingesteld_op = models.DateTimeField(_("set at"), default=timezone.now)
    opgeheven_op = models.DateTimeField(_("lifted at"), null=True, blank=True)
    opgeheven_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    history = HistoricalRecords()

    objects = BlokkadeQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-ingesteld_op"]
        indexes = [models.Index(fields=["leerling", "opgeheven_op"])]

    def __str__(self):
        return str(self.get_reden_display())

    @property
    def actief(self) -> bool:
        return self.opgeheven_op is None


class Vernietigingslijst(models.Model):
    """A destruction list of one school: built by the sweep, approved by the director, carried out
    after a waiting period, and then kept as the record of destruction."""

    class Status(models.TextChoices):
        OPEN = "open", _("awaiting approval")
        GOEDGEKEURD = "goedgekeurd", _("approved: waiting period")
        IN_UITVOERING = "in_uitvoering", _("being carried out")
        WACHT_OP_BEVESTIGING = (
            "wacht_op_bevestiging",
            _("waiting for confirmation of deletion elsewhere"),
        )
        ONVOLLEDIG = "onvolledig", _("not completed: records could not be destroyed")
        UITGEVOERD = "uitgevoerd", _("carried out")
        GEANNULEERD = "geannuleerd", _("cancelled")

    # The steps between the states: ``workflow.LIST`` (core/workflow.py), the one table.

    school = models.ForeignKey(
        "leerlingen.School",
        models.PROTECT,
        related_name="vernietigingslijsten",
        verbose_name=_("school"),
    )
    naam = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        help_text=_("Typed by the director to confirm the approval."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    aangemaakt_op = models.DateTimeField(_("created at"), default=timezone.now)
    peildatum = models.DateField(
        _("reference date"), help_text=_("The date against which the terms were checked.")
    )
    goedgekeurd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    goedgekeurd_door_naam = models.CharField(
        _("approved by (name and role)"), max_length=200, blank=True
    )
    goedgekeurd_op = models.DateTimeField(_("approved at"), null=True, blank=True)
    uitvoeren_vanaf = models.DateTimeField(
        _("destruction starts at"),
        null=True,
        blank=True,
        help_text=_("The end of the waiting period."),
    )
    geannuleerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    geannuleerd_op = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    annuleringsreden = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    gestart_op = models.DateTimeField(_("destruction started at"), null=True, blank=True)
    voltooid_op = models.DateTimeField(_("destruction finished at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = VernietigingslijstQuerySet.as_manager()

    class Meta:
        verbose_name = _("destruction list")
        verbose_name_plural = _("destruction lists")
        ordering = ["-aangemaakt_op", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(status="open"),
                name="vernietigingslijst_een_open_per_school",
            ),
        ]

    def __str__(self):
        return self.naam

    @property
    def is_final(self) -> bool:
        return self.status in (self.Status.UITGEVOERD, self.Status.GEANNULEERD)

    def allows(self, action: str) -> bool:
        """Whether the list's table (``workflow.LIST``) allows ``action`` now."""
        from .workflow import LIST

        return LIST.allows(self.status, action)


class VernietigingslijstItem(models.Model):
    """One record on a destruction list: a pupil record or a single dossier item, by kind and id."""

    class Status(models.TextChoices):
        TE_VERNIETIGEN = "te_vernietigen", _("to be destroyed")
        UITGEZONDERD = "uitgezonderd", _("taken off the list")
        OVERGESLAGEN = "overgeslagen", _("skipped: legal hold")
        TE_BEVESTIGEN = "te_bevestigen", _("to be deleted in another system: awaiting its owner")
        VERNIETIGD = "vernietigd", _("destroyed")
        MISLUKT = "mislukt", _("could not be destroyed")

    lijst = models.ForeignKey(
        Vernietigingslijst, models.CASCADE, related_name="items", verbose_name=_("list")
    )
    content_type = models.ForeignKey(
        ContentType, models.PROTECT, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    leerling_id_ref = models.PositiveBigIntegerField(
        _("pupil id"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "The id of the pupil the record belongs to, for legal holds; no personal data."
        ),
    )
    categorie = models.CharField(
        _("kind of record"), max_length=30, choices=Bewaarcategorie.choices
    )
    bewaartermijn = models.ForeignKey(
        Bewaartermijn,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retention term"),
    )
    termijn_omschrijving = models.CharField(
        _("term"), max_length=200, help_text=_("The term as it was when listed.")
    )
    vervaldatum = models.DateField(_("term ran out on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.TE_VERNIETIGEN
    )
    uitzonderingsreden = models.CharField(
        _("reason for taking it off"), max_length=300, blank=True, help_text=_("No names.")
    )
    nieuwe_datum = models.DateField(
        _("new date"),
        null=True,
        blank=True,
        help_text=_("Listed again from this date; empty: kept for the reason given."),
    )
    uitgezonderd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken off by"),
    )
    blokkade = models.ForeignKey(
        Blokkade,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal hold"),
    )
    blokkade_reden = models.CharField(
        _("ground of the hold"), max_length=20, blank=True, choices=Blokkade.Reden.choices
    )
    vernietigd_op = models.DateTimeField(_("destroyed at"), null=True, blank=True)
    aantal_records = models.PositiveIntegerField(_("records destroyed"), default=0)
    fout = models.CharField(
        _("error"), max_length=300, blank=True, help_text=_("Never holds personal data.")
    )
    # Why it could not be destroyed, as a code and its parameters (``destruction.failure_text``
    # reads them in the reader's language); ``fout`` holds the text of rows written before.
    fout_code = models.CharField(_("error code"), max_length=30, blank=True)
    fout_params = models.JSONField(_("error parameters"), default=dict, blank=True)
    extern = models.BooleanField(
        _("kept in another system"),
        default=False,
        help_text=_(
            "The data are not in this product: their owner deletes them and confirms it here."
        ),
    )
    bevestigd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deletion confirmed by"),
    )
    bevestigd_door_naam = models.CharField(
        _("deletion confirmed by (name)"), max_length=200, blank=True
    )
    bevestigd_op = models.DateTimeField(_("deletion confirmed at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = VernietigingslijstItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("destruction list item")
        verbose_name_plural = _("destruction list items")
        ordering = ["lijst", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lijst", "content_type", "object_id"],
                name="vernietigingslijstitem_unique_record",
            ),
        ]
        indexes = [
            models.Index(fields=["lijst", "status"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.content_type.name} #{self.object_id}"

    @property
    def fout_tekst(self) -> str:
        """Why it could not be destroyed, in the reader's language."""
        from .destruction import failure_text

        return failure_text(self.fout_code, self.fout_params, self.fout)

    def record(self):
        """The live record, or None once destroyed."""
        model = self.content_type.model_class()
        return model._default_manager.filter(pk=self.object_id).first() if model else None


class VernietigdRecord(models.Model):
    """The tombstone of an erased record: which kind, when, on what ground, decided by whom.
    Never personal data (DESIGN.md §4)."""

    class Grond(models.TextChoices):
        BEWAARTERMIJN = "bewaartermijn", _("retention term ran out")
        VERZOEK = "verzoek", _("erasure request")
        GEEN_KOPPELING = "geen_koppeling", _("no pupil links to the guardian any more")

    school = models.ForeignKey(
        "leerlingen.School",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
    )
    bestuur = models.ForeignKey(
        "leerlingen.Bestuur",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("board"),
    )
    soort = models.CharField(
        _("kind of record"), max_length=100, help_text=_("App and model, e.g. leerlingen.Leerling.")
    )
    soort_naam = models.CharField(_("kind of record (name)"), max_length=200)
    object_id = models.CharField(_("record id"), max_length=50)
    categorie = models.CharField(
        _("retention category"), max_length=30, choices=Bewaarcategorie.choices, blank=True
    )
    grond = models.CharField(_("ground"), max_length=20, choices=Grond.choices)
    termijn_omschrijving = models.CharField(_("term"), max_length=200, blank=True)
    verzoek_kenmerk = models.CharField(_("request reference"), max_length=50, blank=True)
    besloten_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    besloten_door_naam = models.CharField(
        _("decided by (name and role)"), max_length=200, blank=True
    )
    item = models.ForeignKey(
        VernietigingslijstItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="tombstones",
        verbose_name=_("destruction list item"),
    )
    vernietigd_op = models.DateTimeField(_("erased at"), default=timezone.now, db_index=True)
    aantallen = models.JSONField(
        _("records erased by kind"),
        default=dict,
        help_text=_("Counts per kind of record, history rows included."),
    )
    history = HistoricalRecords()

    objects = VernietigdRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("erased record (tombstone)")
        verbose_name_plural = _("erased records (tombstones)")
        ordering = ["-vernietigd_op", "-id"]
        indexes = [models.Index(fields=["soort", "object_id"])]

    def __str__(self):
        return f"{self.soort_naam} #{self.object_id} ({self.vernietigd_op:%Y-%m-%d})"


class Bewaarcontrole(models.Model):
    """One run of the sweep: its progress, shown in the admin while it runs."""

    class Status(models.TextChoices):
        BEZIG = "bezig", _("running")
        KLAAR = "klaar", _("finished")
        MISLUKT = "mislukt", _("failed")

    school = models.ForeignKey(
        "leerlingen.School",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school"),
        help_text=_("Empty: all schools."),
    )
    peildatum = models.DateField(_("reference date"))
    proefrun = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BEZIG
    )
    gestart_op = models.DateTimeField(_("started at"), default=timezone.now)
    voltooid_op = models.DateTimeField(_("finished at"), null=True, blank=True)
    scholen_totaal = models.PositiveIntegerField(_("schools to check"), default=0)
    scholen_gedaan = models.PositiveIntegerField(_("schools checked"), default=0)
    gevonden = models.PositiveIntegerField(_("records found"), default=0)
    toegevoegd = models.PositiveIntegerField(_("records put on a list"), default=0)
    history = HistoricalRecords()

    objects = BewaarcontroleQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention sweep")
        verbose_name_plural = _("retention sweeps")
        ordering = ["-gestart_op", "-id"]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.peildatum:%Y-%m-%d}"
