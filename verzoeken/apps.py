from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerzoekenConfig(AppConfig):
    name = "verzoeken"
    verbose_name = _("Requests")

    def ready(self):
        from leerlingen.erasure import register_hook

        from . import erasure

        register_hook("anonymise_for_erasure", erasure.anonymise_for_erasure)
        register_hook("retention_candidates", erasure.retention_candidates)
