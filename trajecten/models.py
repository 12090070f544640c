"""Professional-development trajectories (professionaliseringstrajecten, seeds 000 and 001): a
teacher is filmed in class for coaching; the recordings are for the teacher's own use and are
wiped when the trajectory ends (retention category ``professionalisering``, term "immediately
after the trajectory ended").

Recordings uploaded here are files on the private media volume, never served by URL: only
``views.opname_bestand`` streams one, to those ``visible_to`` lets see it. Recordings kept in
another system (the school's own share, a coaching platform) are described by the trajectory:
when it ends, its destruction item waits until the teacher confirms the deletion there.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simple_history.models import HistoricalRecords

from .access import OpnameQuerySet, TrajectQuerySet
from .validators import EXTENSIONS, validate_recording


class Opslag(models.TextChoices):
    PRODUCT = "product", _("uploaded here (private storage of this product)")
    EXTERN = "extern", _("kept in another system")


class Traject(models.Model):
    school = models.ForeignKey(
        "leerlingen.School", models.PROTECT, related_name="trajecten", verbose_name=_("school")
    )
    leerkracht = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="trajecten",
        verbose_name=_("teacher"),
        help_text=_("The teacher who is filmed and coached; owner of the recordings."),
    )
    omschrijving = models.CharField(
        _("trajectory"),
        max_length=200,
        help_text=_("For example: video coaching 2026, first round. No pupil names."),
    )
    groepen = models.ManyToManyField(
        "leerlingen.Groep",
        related_name="trajecten",
        verbose_name=_("groups filmed"),
        blank=True,
    )
    begindatum = models.DateField(_("start date"))
    einddatum = models.DateField(
        _("end date"), help_text=_("The recordings are wiped when the trajectory ends.")
    )
    opslag = models.CharField(
        _("where the recordings are kept"),
        max_length=10,
        choices=Opslag.choices,
        default=Opslag.PRODUCT,
    )
    opslag_omschrijving = models.CharField(
        _("other system"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where exactly, for example: school share, folder Beeldcoaching. Needed for another system."
        ),
    )
    history = HistoricalRecords(m2m_fields=[groepen])

    objects = TrajectQuerySet.as_manager()

    class Meta:
        verbose_name = _("professional-development trajectory")
        verbose_name_plural = _("professional-development trajectories")
        ordering = ["-begindatum", "-id"]
        indexes = [models.Index(fields=["school", "einddatum"])]

    def __str__(self):
        return self.omschrijving

    def clean(self):
        errors = {}
        if self.begindatum and self.einddatum and self.einddatum < self.begindatum:
            errors["einddatum"] = _("The end date lies before the start date.")
        if self.opslag == Opslag.EXTERN and not self.opslag_omschrijving.strip():
            errors["opslag_omschrijving"] = _("Say in which system the recordings are kept.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_extern(self) -> bool:
        return self.opslag == Opslag.EXTERN

    def may_confirm_deletion(self, user) -> bool:
        """The owner of recordings kept elsewhere confirms their deletion: the teacher."""
        return (
            user is not None
            and user.is_authenticated
            and user.is_active
            and user.pk == self.leerkracht_id
        )


def _opname_path(instance, filename: str) -> str:
    # A random name: neither the teacher's nor a pupil's name ends up on disk.
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"trajecten/{timezone.localdate():%Y}/{uuid.uuid4().hex}{suffix}"


class Opname(models.Model):
    traject = models.ForeignKey(
        Traject, models.CASCADE, related_name="opnamen", verbose_name=_("trajectory")
    )
    bestand = models.FileField(
        _("recording"),
        upload_to=_opname_path,
        max_length=200,
        validators=[FileExtensionValidator(list(EXTENSIONS)), validate_recording],
    )
    opgenomen_op = models.DateField(_("recorded on"), default=timezone.localdate)
    toelichting = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("No pupil names.")
    )
    geupload_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    history = HistoricalRecords()

    objects = OpnameQuerySet.as_manager()

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        ordering = ["traject", "opgenomen_op", "id"]

    def __str__(self):
        return _("Recording of %(date)s") % {"date": self.opgenomen_op}
