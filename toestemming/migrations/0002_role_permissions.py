"""Give the role groups the consent app's model permissions (toestemming/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def add_permissions(apps, schema_editor):
    from toestemming.roles import sync_consent_permissions

    config = apps.get_app_config("toestemming")
    config.models_module = True  # create_permissions skips apps without a models module
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    sync_consent_permissions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("toestemming", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
