"""The enrolment link a first device needs, and the history of the second factors themselves."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history import register
from simple_history.models import HistoricalRecords

__all__ = ["MFAInschrijving"]

LINK_HOURS = 72


def _expires():
    return timezone.now() + timedelta(hours=LINK_HOURS)


class MFAInschrijving(models.Model):
    """A one-time link to set up the first second factor, issued by a director, the board or an
    administrator. Only a keyed hash of the token is kept; the token itself exists in the mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user")
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
        help_text=_("Empty when the operator made the link on the server."),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, blank=True, db_index=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    expires = models.DateTimeField(_("valid until"), default=_expires)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("enrolment link for two-step log-in")
        verbose_name_plural = _("enrolment links for two-step log-in")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.user_id} {self.created:%Y-%m-%d %H:%M}"


# The second factors have history too: enrolment, confirmation and every reset, with the acting
# user. The TOTP secret never reaches a history table; recovery codes (StaticToken) have none.
register(TOTPDevice, app="leerlingen", excluded_fields=["key"])
register(StaticDevice, app="leerlingen")


# What django-otp writes on every verification: bookkeeping, not a change of the factor. A save
# that changes only these fields makes no history row, so history does not grow with each log-in.
BOOKKEEPING_FIELDS = frozenset(
    {"last_t", "throttling_failure_timestamp", "throttling_failure_count", "last_used_at"}
)


def _changed_fields(instance) -> set[str]:
    stored = type(instance).objects.filter(pk=instance.pk).values().first()
    if stored is None:
        return {"*"}
    return {name for name, value in stored.items() if getattr(instance, name, value) != value}


@receiver(pre_save, sender=TOTPDevice)
@receiver(pre_save, sender=StaticDevice)
def _skip_history_of_bookkeeping(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk and _changed_fields(instance) <= BOOKKEEPING_FIELDS:
        instance.skip_history_when_saving = True


@receiver(post_save, sender=TOTPDevice)
@receiver(post_save, sender=StaticDevice)
def _history_again(sender, instance, **kwargs):
    instance.__dict__.pop("skip_history_when_saving", None)
