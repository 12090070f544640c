"""Sync the role groups with ``ROLE_PERMISSIONS`` again: a teacher no longer views the schools
and boards (STYLE.md 8)."""

from django.db import migrations


def sync(apps, schema_editor):
    from leerlingen.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("leerlingen", "0011_fout_code"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
