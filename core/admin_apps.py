"""``django.contrib.admin`` with the task-grouped site (core/admin_site.py) as ``admin.site``.

A module of its own: INSTALLED_APPS imports it while the apps load, before any model can be.
"""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default_site = "core.admin_site.TaskAdminSite"
