"""The embedded default (SQLite, tasks in-process) as `scripts/demo` runs it, on a database file
of the test's own instead of var/db.sqlite3."""

import os

from privacyschool.settings import *  # noqa: F403

DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["EMBEDDED_DB_PATH"]}
}
