"""Strings of installed libraries that ship no Dutch, listed so that ``makemessages`` puts them in
the project's catalogue: Django looks in ``LOCALE_PATHS`` first, so the admin shows them in
Dutch. django-axes (the log-in records) and django-simple-history (the history pages) have no
Dutch catalogue; ``tests/leerlingen/test_demo.py`` reads every admin page for English.
"""

from django.utils.translation import gettext_noop

VENDOR_STRINGS = (
    # Django 6.1: the empty choice of a select (its Dutch catalogue has no translation yet)
    gettext_noop("- Select an option -"),
    # django-axes: models and fields
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Time"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Logout Time"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    # django-simple-history: the history pages and the kinds of change
    gettext_noop("Change History"),
    gettext_noop("Change reason"),
    gettext_noop("Changed by"),
    gettext_noop("Changes"),
    gettext_noop("Comment"),
    gettext_noop("Object"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop("Revert"),
    gettext_noop("Revert %s"),
    gettext_noop("View history: %s"),
    gettext_noop("You may edit it again below"),
)
