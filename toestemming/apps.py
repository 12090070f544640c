from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToestemmingConfig(AppConfig):
    name = "toestemming"
    verbose_name = _("Consent")

    def ready(self):
        from leerlingen.retention.models import Bewaarcategorie
        from leerlingen.retention.producers import register_producer

        from .retention import consent_evidence

        register_producer(Bewaarcategorie.TOESTEMMINGSBEWIJS, consent_evidence)
        self._plug_into_register()

    def _plug_into_register(self):
        from core.history import register_reason_labeller
        from leerlingen import registry
        from leerlingen.roles import register_role_permissions

        from . import demo, rules, selectors, services
        from .roles import CONSENT_PERMISSIONS

        register_role_permissions(self.label, CONSENT_PERMISSIONS)
        registry.register_demo_step(10, demo.load_demo)  # first: the portal's log-in codes
        registry.consent_missing.provide(rules.consent_missing)
        registry.consent_purposes.provide(selectors.consent_purposes)
        registry.consents_of_pupil.provide(selectors.consents_of_pupil)
        registry.consents_withdrawn_on_objection.provide(services.withdraw_on_objection)
        register_reason_labeller(services.objection_reason)
        registry.admin_task(
            "consent",
            "toestemming.Formulier",
            "toestemming.Toestemming",
            "toestemming.Herinnering",
            "toestemming.Doel",
            "toestemming.Overdracht",
        )
        self._plug_into_tasks()

    def _plug_into_tasks(self):
        from django.utils.translation import gettext

        from leerlingen.werk import register_task_provider

        from .taken import consent_tasks

        register_task_provider(20, lambda: gettext("Consent"), consent_tasks)
