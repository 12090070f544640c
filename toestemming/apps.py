from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToestemmingConfig(AppConfig):
    name = "toestemming"
    verbose_name = _("Consent")
