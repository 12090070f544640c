"""Adult pupils (DOMAIN.md "Turning 18"): the closing of the parents' view on the 18th birthday,
and the pupil's decision per parent (the "18+ verklaring"). The rule itself is ``custody``'s."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simple_history.models import HistoricalRecords

from ..access import LeerlingChildQuerySet

__all__ = ["Meerderjarigheid", "Ouderinzage"]


class Meerderjarigheid(models.Model):
    """The day the parents' view of a pupil closed (the 18th birthday), recorded once by the daily
    task, with the invitation to the pupil: a row first, then the e-mail."""

    class Status(models.TextChoices):
        TE_VERZENDEN = "te_verzenden", _("invitation to send")
        VERZONDEN = "verzonden", _("invitation sent")
        GEEN_EMAIL = "geen_email", _("no e-mail address: invite on paper")

    leerling = models.OneToOneField(
        "leerlingen.Leerling",
        models.CASCADE,
        related_name="meerderjarigheid",
        verbose_name=_("pupil"),
    )
    datum = models.DateField(_("parents' view closed on"))
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.TE_VERZENDEN
    )
    verzonden_op = models.DateTimeField(_("invitation sent at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = LeerlingChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("coming of age (18)")
        verbose_name_plural = _("comings of age (18)")
        ordering = ["-datum", "-id"]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.datum:%Y-%m-%d}"


class Ouderinzage(models.Model):
    """An adult pupil's decision about one parent: whether that parent may still see their data in
    the portal, and whether the parent may file requests on their behalf (authorisation)."""

    leerling = models.ForeignKey(
        "leerlingen.Leerling", models.CASCADE, related_name="ouderinzagen", verbose_name=_("pupil")
    )
    ouder = models.ForeignKey(
        "leerlingen.Ouder", models.CASCADE, related_name="+", verbose_name=_("parent")
    )
    toegestaan = models.BooleanField(_("may see my data"), default=False)
    machtiging = models.BooleanField(_("may file requests on my behalf"), default=False)
    besloten_op = models.DateTimeField(_("decided at"), default=timezone.now)
    besloten_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    history = HistoricalRecords()

    objects = LeerlingChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("adult pupil's decision on a parent")
        verbose_name_plural = _("adult pupils' decisions on parents")
        ordering = ["leerling", "ouder"]
        constraints = [
            models.UniqueConstraint(fields=["leerling", "ouder"], name="ouderinzage_unique")
        ]

    def __str__(self):
        return f"{self.leerling_id}/{self.ouder_id}: {_('yes') if self.toegestaan else _('no')}"
