from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel: what every app uses and that knows nothing of schools (DESIGN.md §1).

    Field encryption, the PDF and CSV helpers, pagination, the scoped admin base, the outbox and
    the generic half of access (``core.access``). It imports no domain app.

    The label stays ``privacyschool``, the app these modules lived in before they moved here, so
    that the outbox's table, migrations, content type and permissions keep their names: moving the
    code needed no data migration.
    """

    name = "core"
    label = "privacyschool"
    verbose_name = _("Kernel")
