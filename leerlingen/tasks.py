"""Background work of the pupil register (DESIGN.md §5). Celery's autodiscovery imports this
module; it imports the task modules of the register's packages, which register their Celery
tasks and outbox handlers: retention (the sweep and destruction), the pupil import and the
mails of two-step log-in.
"""

from .imports import tasks as import_tasks  # noqa: F401
from .meerderjarig import tasks as meerderjarig_tasks  # noqa: F401
from .mfa import tasks as mfa_tasks  # noqa: F401
from .retention import tasks as retention_tasks  # noqa: F401
