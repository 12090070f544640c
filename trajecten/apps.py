from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrajectenConfig(AppConfig):
    """Professional-development trajectories of teachers and their recordings (seeds 000, 001).

    Depends only on the register (leerlingen) and the kernel (core); plugs its retention
    producer, role permissions and demo step into the register here."""

    name = "trajecten"
    verbose_name = _("Professional development")

    def ready(self):
        from leerlingen import registry
        from leerlingen.retention.models import Bewaarcategorie
        from leerlingen.retention.producers import register_producer
        from leerlingen.roles import register_role_permissions

        from . import demo, retention, signals  # noqa: F401  signals: files go with their rows
        from .roles import TRAJECT_PERMISSIONS

        register_producer(Bewaarcategorie.PROFESSIONALISERING, retention.ended_trajectories)
        register_role_permissions(self.label, TRAJECT_PERMISSIONS)
        registry.register_demo_step(40, demo.load_demo)
        registry.admin_task("development", "trajecten.Traject", "trajecten.Opname")
