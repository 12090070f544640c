"""Give the role groups their permissions on single sign-on (STYLE.md 8)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def add_permissions(apps, schema_editor):
    from sso.roles import sync_sso_permissions

    app_config = apps.get_app_config("sso")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    sync_sso_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("sso", "0001_initial"),
        ("leerlingen", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
