"""Import of pupils and guardians from the school's administration system (issue 9).

An ``Importprofiel`` is a saved column mapping; a ``Leerlingimport`` records one run: the file
(kept encrypted only until the import is confirmed or cancelled), the mapping used, what the
preview counted and, once imported, which pupil numbers were in the file (the next import's
"previous import", from which leavers are found).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simple_history.models import HistoricalRecords

from core.crypto import EncryptedTextField

from .access import ImportprofielQuerySet, LeerlingimportQuerySet

__all__ = ["Bronsysteem", "Importprofiel", "Leerlingimport"]


class Bronsysteem(models.TextChoices):
    PARNASSYS = "parnassys", "ParnasSys"
    ESIS = "esis", "Esis"
    EDUSCOPE = "eduscope", "Eduscope"
    SOMTODAY = "somtoday", "Somtoday"
    MAGISTER = "magister", "Magister"
    ANDERS = "anders", _("other (own column mapping)")


class Importprofiel(models.Model):
    """A column mapping a user adjusted and saved for the school's exports."""

    school = models.ForeignKey(
        "leerlingen.School",
        models.CASCADE,
        related_name="importprofielen",
        verbose_name=_("school"),
    )
    naam = models.CharField(_("name"), max_length=100)
    bron = models.CharField(
        _("source system"), max_length=20, choices=Bronsysteem.choices, default=Bronsysteem.ANDERS
    )
    kolommen = models.JSONField(
        _("columns"),
        default=dict,
        help_text=_("For each field of the register, the column of the export that fills it."),
    )
    gewijzigd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    gewijzigd_op = models.DateTimeField(_("changed at"), default=timezone.now)
    history = HistoricalRecords()

    objects = ImportprofielQuerySet.as_manager()

    class Meta:
        verbose_name = _("import column mapping")
        verbose_name_plural = _("import column mappings")
        ordering = ["school", "naam"]
        constraints = [
            models.UniqueConstraint(fields=["school", "naam"], name="importprofiel_unique_naam")
        ]

    def __str__(self):
        return self.naam


class Leerlingimport(models.Model):
    """One upload of an export: previewed, then imported (or cancelled)."""

    class Status(models.TextChoices):
        VOORBEELD = "voorbeeld", _("preview: not imported yet")
        BEZIG = "bezig", _("confirmed: being imported")
        INGELEZEN = "ingelezen", _("imported")
        GEANNULEERD = "geannuleerd", _("cancelled")
        VERVALLEN = "vervallen", _("replaced by a newer upload")

    class Bestandstype(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX (Excel)"

    school = models.ForeignKey(
        "leerlingen.School",
        models.PROTECT,
        related_name="leerlingimports",
        verbose_name=_("school"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.VOORBEELD
    )
    bron = models.CharField(
        _("source system"), max_length=20, choices=Bronsysteem.choices, default=Bronsysteem.ANDERS
    )
    profiel = models.ForeignKey(
        Importprofiel,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("column mapping"),
    )
    kolommen = models.JSONField(_("columns"), default=dict, help_text=_("The column mapping used."))
    bestandsnaam = models.CharField(_("file name"), max_length=255)
    bestandstype = models.CharField(_("file type"), max_length=4, choices=Bestandstype.choices)
    bestand_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    bestand = EncryptedTextField(
        _("file"),
        blank=True,
        help_text=_("Kept encrypted until the import is confirmed or cancelled, then removed."),
    )
    aantal_rijen = models.PositiveIntegerField(_("rows"), default=0)
    aantal_fouten = models.PositiveIntegerField(_("rows with errors"), default=0)
    overgeslagen_rijen = models.PositiveIntegerField(_("rows skipped"), default=0)
    leerlingen_nieuw = models.PositiveIntegerField(_("pupils created"), default=0)
    leerlingen_gewijzigd = models.PositiveIntegerField(_("pupils changed"), default=0)
    leerlingen_ongewijzigd = models.PositiveIntegerField(_("pupils unchanged"), default=0)
    leerlingen_vertrokken = models.PositiveIntegerField(_("pupils left"), default=0)
    ouders_nieuw = models.PositiveIntegerField(_("guardians created"), default=0)
    ouders_gewijzigd = models.PositiveIntegerField(_("guardians changed"), default=0)
    ouders_ongewijzigd = models.PositiveIntegerField(_("guardians unchanged"), default=0)
    relaties_nieuw = models.PositiveIntegerField(_("custody relations created"), default=0)
    relaties_gewijzigd = models.PositiveIntegerField(_("custody relations changed"), default=0)
    plan_digest = models.CharField(
        _("preview fingerprint"),
        max_length=64,
        blank=True,
        help_text=_(
            "Confirming imports only what the preview showed: if the register changed meanwhile, the preview is shown again."
        ),
    )
    bevestigd_digest = models.CharField(
        _("confirmed fingerprint"),
        max_length=64,
        blank=True,
        help_text=_("The preview the user confirmed; a background import writes only that."),
    )
    overslaan = models.BooleanField(
        _("skip rows with errors"),
        default=False,
        help_text=_("The user chose to import without the rows that have errors."),
    )
    melding = models.CharField(
        _("message"),
        max_length=300,
        blank=True,
        help_text=_("Why a confirmed import was not carried out. Never holds personal data."),
    )
    leerlingnummers = models.JSONField(
        _("pupil numbers in the file"),
        default=list,
        blank=True,
        help_text=_("Pupils in this import and not in the next one have left."),
    )
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    aangemaakt_op = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)
    uitgevoerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    uitgevoerd_op = models.DateTimeField(_("imported at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["bestand", "leerlingnummers"])

    objects = LeerlingimportQuerySet.as_manager()

    class Meta:
        verbose_name = _("pupil import")
        verbose_name_plural = _("pupil imports")
        ordering = ["-aangemaakt_op"]
        indexes = [models.Index(fields=["school", "status", "uitgevoerd_op"])]

    def __str__(self):
        return f"{self.bestandsnaam} ({self.aangemaakt_op:%Y-%m-%d %H:%M})"
