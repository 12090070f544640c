"""Give the role groups their permissions on the breach register (STYLE.md 8)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def add_permissions(apps, schema_editor):
    from datalekken.roles import DATALEKKEN_PERMISSIONS
    from leerlingen.roles import sync_app_permissions

    app_config = apps.get_app_config("datalekken")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    sync_app_permissions("datalekken", DATALEKKEN_PERMISSIONS, apps)


class Migration(migrations.Migration):
    dependencies = [
        ("datalekken", "0001_datalekken"),
        ("leerlingen", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
