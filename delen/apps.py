from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelenConfig(AppConfig):
    name = "delen"
    verbose_name = _("Disclosures")

    def ready(self):
        from leerlingen.erasure import register_hook
        from leerlingen.retention.models import Bewaarcategorie
        from leerlingen.retention.producers import register_producer

        from . import retention

        register_hook("anonymise_for_erasure", retention.anonymise_for_erasure)
        register_producer(Bewaarcategorie.VERSTREKKINGEN, retention.disclosure_records)
        self._plug_into_register()

    def _plug_into_register(self):
        from leerlingen import registry
        from leerlingen.roles import register_role_permissions

        from . import demo, services
        from .roles import DELEN_PERMISSIONS

        register_role_permissions(self.label, DELEN_PERMISSIONS)
        registry.register_demo_step(20, demo.load_demo)
        registry.disclosures_of_pupil.provide(services.verstrekkingen_van_leerling)
        registry.disclosures_of_pupils.provide(services.verstrekkingen_van_leerlingen)
        registry.processors_of_school.provide(services.processors_of_school)
        registry.admin_task(
            "sharing",
            "delen.Verstrekking",
            "delen.Vordering",
            "delen.Ontvanger",
            "delen.Verwerker",
            "delen.Verwerkersovereenkomst",
            "delen.Verloopwaarschuwing",
            "delen.RegisterVersie",
        )
        self._plug_into_tasks()

    def _plug_into_tasks(self):
        from django.utils.translation import gettext

        from leerlingen.werk import register_task_provider

        from .taken import disclosure_tasks

        register_task_provider(30, lambda: gettext("Disclosures"), disclosure_tasks)
