from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeerlingenConfig(AppConfig):
    name = "leerlingen"
    verbose_name = _("Pupil register")

    def ready(self):
        from .retention.sweep import register_producers

        register_producers()

        from .werk import register_own_providers

        register_own_providers()  # "Mijn taken": the register's own tasks
