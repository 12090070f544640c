"""Give the role groups their permissions on professional development (STYLE.md 8)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def add_permissions(apps, schema_editor):
    from trajecten.roles import sync_traject_permissions

    app_config = apps.get_app_config("trajecten")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    sync_traject_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("trajecten", "0001_initial"),
        ("leerlingen", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
