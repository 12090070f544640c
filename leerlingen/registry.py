"""Where the feature apps plug into the register (DESIGN.md §1: dependencies run one way).

The register (leerlingen) imports no feature app, and no feature app imports another
(tests/test_architecture.py). What one app must know of another goes through a plug point
here, filled in the providing app's ``AppConfig.ready()``:

- demo steps: each app loads its own part of the demo board (``register_demo_step``);
- ``consent_missing`` and ``consent_purposes`` (consent, toestemming): disclosures on consent
  and the privacy statement (delen) ask for them;
- ``consents_withdrawn_on_objection`` (consent, toestemming): a granted objection (verzoeken)
  withdraws the pupil's consents for the categories it stops;
- ``consents_of_pupil`` (toestemming), ``disclosures_of_pupil`` and ``processors_of_school``
  (delen): the access export of a request (verzoeken) shows them;
- ``request_terms`` (requests, verzoeken): the privacy statement (delen) publishes them;
- ``fields_corrected`` (requests, verzoeken): a correction in the register or by an import is
  followed up with every recipient that received the field (AVG art. 19);
- the admin index by task (``ADMIN_TASKS``, ``admin_task``): each app places its own models.

Other plug points live beside what they extend: role permissions in ``roles.py``, erasure hooks in
``erasure.py``, retention producers in ``retention/producers.py``, the restriction of processing
in ``restriction.py``.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class Slot:
    """One function a feature app provides to the others, from its ``AppConfig.ready()``."""

    def __init__(self, name: str, doc: str):
        self.name = name
        self.__doc__ = doc
        self._function: Callable | None = None

    def provide(self, function: Callable) -> None:
        self._function = function

    def __call__(self, *args, **kwargs):
        if self._function is None:
            raise ImproperlyConfigured(f"no installed app provides {self.name!r}")
        return self._function(*args, **kwargs)


consent_missing = Slot(
    "consent_missing",
    "consent_missing(leerlingen, doel_code, on_date) -> set of the ids of the pupils without a "
    "consent for the purpose ``doel_code`` valid on ``on_date``.",
)
consent_purposes = Slot(
    "consent_purposes",
    "consent_purposes(school, *, active_only=False) -> the school's consent purposes (objects with "
    "code, naam and omschrijving), in their order.",
)
consents_of_pupil = Slot(
    "consents_of_pupil",
    "consents_of_pupil(leerling) -> the pupil's consent decisions, newest first.",
)
disclosures_of_pupil = Slot(
    "disclosures_of_pupil",
    "disclosures_of_pupil(*, leerling) -> every disclosure of the pupil's data, newest first.",
)
disclosures_of_pupils = Slot(
    "disclosures_of_pupils",
    "disclosures_of_pupils(*, leerling_ids) -> pupil id -> every disclosure of that pupil's data, "
    "newest first, for many pupils in a fixed number of queries (an import's follow-ups).",
)
consents_withdrawn_on_objection = Slot(
    "consents_withdrawn_on_objection",
    "consents_withdrawn_on_objection(*, leerling, categorieen, ouder, door_leerling, kanaal, "
    "kenmerk, user) -> the consent decisions made: an objection granted (fully or partly) for the "
    "categories ``categorieen`` (leerlingen.Gegevenscategorie) withdraws the pupil's consents for "
    "the purposes on those categories, as the requester (``ouder`` or the pupil) through the "
    "consent app's own withdrawal, its history naming the request ``kenmerk``.",
)
processors_of_school = Slot(
    "processors_of_school",
    "processors_of_school(school) -> the school's processors (systems), by product.",
)
fields_corrected = Slot(
    "fields_corrected",
    "fields_corrected(changes, *, user, bron) -> the follow-ups made: ``changes`` maps a pupil id to "
    "the field codes (leerlingen.velden) corrected in the register ('register') or by an import "
    "('import'); every recipient that received a corrected field is told (AVG art. 19).",
)
request_terms = Slot(
    "request_terms",
    "request_terms(school) -> the school's terms for data-subject requests (its settings).",
)


# --- demo steps ----------------------------------------------------------------------------

_demo_steps: list[tuple[int, Callable]] = []


def register_demo_step(order: int, step: Callable) -> None:
    """Register ``step(bestuur, *, today)``: a feature app's part of the demo board.

    Steps run after the register's own part (board, schools, pupils, staff log-ins), lowest
    ``order`` first; a step returns the ``DemoLogin`` objects it adds (anything else it returns
    is ignored). Registering the same step twice is a no-op.
    """
    if all(existing is not step for _order, existing in _demo_steps):
        _demo_steps.append((order, step))


def demo_steps() -> list[Callable]:
    return [step for _order, step in sorted(_demo_steps, key=lambda entry: entry[0])]


# --- the admin index by task (issue 18) ------------------------------------------------------

# The one table of the admin index's groups, in their order: the work a person comes to do, not
# the app that happens to hold the model. A model no app places shows under the last one.
ADMIN_TASKS = (
    ("pupils", _("Pupils and parents")),
    ("consent", _("Consent")),
    ("requests", _("Requests")),
    ("sharing", _("Sharing and processors")),
    ("retention", _("Retention and destruction")),
    ("breaches", _("Data breaches")),
    ("development", _("Professional development")),
    ("admin", _("Administration")),
)


def admin_task(task: str, *model_labels: str) -> None:
    """Show the models (``"app_label.ModelName"``) under the task ``task`` of ``ADMIN_TASKS`` on
    the admin index, in this order; called from the owning app's ``AppConfig.ready()``. Who sees
    a model stays Django's permission check."""
    from django.contrib import admin

    from core.admin_site import TaskAdminSite

    if isinstance(admin.site, TaskAdminSite):  # the site of core.admin_apps, in INSTALLED_APPS
        admin.site.set_tasks(ADMIN_TASKS)
        admin.site.place(task, *model_labels)
