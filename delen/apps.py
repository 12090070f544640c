from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelenConfig(AppConfig):
    name = "delen"
    verbose_name = _("Disclosures")
