from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerzoekenConfig(AppConfig):
    name = "verzoeken"
    verbose_name = _("Requests")

    def ready(self):
        from core.history import register_reason_labeller
        from leerlingen.erasure import register_hook

        from .reasons import request_reason

        register_reason_labeller(request_reason)
        from leerlingen.retention.models import Bewaarcategorie
        from leerlingen.retention.producers import register_producer

        from . import erasure

        register_hook("anonymise_for_erasure", erasure.anonymise_for_erasure)
        register_producer(Bewaarcategorie.VERZOEKEN, erasure.retention_candidates)
        self._plug_into_register()

    def _plug_into_register(self):
        from leerlingen import registry, restriction
        from leerlingen.roles import register_role_permissions

        from . import demo, rules, selectors, services
        from .roles import VERZOEKEN_PERMISSIONS

        register_role_permissions(self.label, VERZOEKEN_PERMISSIONS)
        # Last: a restriction it grants would keep the disclosures demo from disclosing.
        registry.register_demo_step(30, demo.load_demo)
        restriction.register_source(rules.active_restrictions)
        registry.request_terms.provide(selectors.request_terms)
        registry.fields_corrected.provide(services.follow_up_correction)
        registry.admin_task(
            "requests",
            "verzoeken.Verzoek",
            "verzoeken.Beperking",
            "verzoeken.Rectificatiemelding",
            "verzoeken.Termijnsignaal",
            "verzoeken.VerzoekInstellingen",
        )
        self._plug_into_tasks()

    def _plug_into_tasks(self):
        from django.utils.translation import gettext

        from leerlingen.werk import register_task_provider

        from .taken import request_tasks

        register_task_provider(10, lambda: gettext("Requests"), request_tasks)
