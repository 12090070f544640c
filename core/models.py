"""The outbox: work that must happen is a row here before it is a Celery message (DESIGN.md §5)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Opdracht(models.Model):
    """A unit of background work (a notification to send, a deadline warning, a destruction).

    Not a record of the school but the queue's durable half: rows hold ids, not personal data,
    and have no history. A Redis outage or a killed worker leaves the row pending; the beat task
    `core.tasks.dispatch_pending` sends it again, and the worker runs it exactly once.
    """

    class Status(models.TextChoices):
        WACHT = "wacht", _("pending")
        KLAAR = "klaar", _("done")
        MISLUKT = "mislukt", _("failed")

    soort = models.CharField(_("kind"), max_length=100)
    argumenten = models.JSONField(_("arguments"), default=dict, blank=True)
    sleutel = models.CharField(
        _("idempotency key"),
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The same work enqueued twice with one key is done once."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WACHT
    )
    pogingen = models.PositiveIntegerField(_("attempts"), default=0)
    laatste_fout = models.CharField(_("last error"), max_length=300, blank=True)
    aangemaakt = models.DateTimeField(_("created"), default=timezone.now)
    niet_voor = models.DateTimeField(_("not before"), default=timezone.now)
    uitgevoerd_op = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["status", "niet_voor"])]

    def __str__(self):
        return f"{self.soort} #{self.pk} ({self.get_status_display()})"
