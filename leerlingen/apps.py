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

        from .registry import admin_task

        # The admin index by task (issue 18): the register's own models.
        admin_task(
            "pupils",
            "leerlingen.Leerling",
            "leerlingen.Ouder",
            "leerlingen.Groep",
            "leerlingen.DossierItem",
            "leerlingen.Leerlingimport",
            "leerlingen.Importprofiel",
        )
        admin_task(
            "retention",
            "leerlingen.Vernietigingslijst",
            "leerlingen.Blokkade",
            "leerlingen.Bewaartermijn",
            "leerlingen.Bewaarcontrole",
            "leerlingen.VernietigdRecord",
        )
        admin_task(
            "admin",
            "leerlingen.School",
            "leerlingen.Bestuur",
            "auth.User",
            "auth.Group",
            "leerlingen.SchoolGrant",
            "leerlingen.GroepGrant",
            "leerlingen.BestuurGrant",
            "leerlingen.DossierItemGrant",
            "leerlingen.Toegangslog",
        )
