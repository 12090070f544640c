from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatalekkenConfig(AppConfig):
    """The breach register (AVG art. 33, 34): incidents, the 72-hour deadline, the letters to the
    people concerned and the processors' report links. Depends on the register and the kernel only."""

    name = "datalekken"
    verbose_name = _("Data breaches")

    def ready(self):
        from leerlingen import registry
        from leerlingen.roles import register_role_permissions

        from . import (
            demo,
            tasks,  # noqa: F401  (the outbox handlers)
        )
        from .roles import DATALEKKEN_PERMISSIONS

        register_role_permissions("datalekken", DATALEKKEN_PERMISSIONS)
        from leerlingen.retention.models import Bewaarcategorie
        from leerlingen.retention.producers import register_producer

        from .retention import recorded_incidents

        register_producer(Bewaarcategorie.DATALEKKEN, recorded_incidents)
        registry.register_demo_step(50, demo.load_demo)
        registry.admin_task(
            "breaches", "datalekken.Datalek", "datalekken.Bericht", "datalekken.Meldlink"
        )
        from leerlingen.werk import register_task_provider

        from .taken import breach_tasks, title

        register_task_provider(15, title, breach_tasks)
        from leerlingen.portal import register_portal_link

        from .views import portal_link

        register_portal_link(10, portal_link)
