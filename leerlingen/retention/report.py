"""The destruction report (vernietigingsverslag): the PDF the FG shows an auditor.

Which kinds of records were destroyed, how many, on what term, approved by whom and when —
built from the list's items and tombstones only, so it never holds personal data. WeasyPrint
is imported inside the function; static files are read from disk; the HTML is returned too.
"""

from collections import Counter, defaultdict

from django.apps import apps
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ..erasure import HISTORY_KEY
from .models import Bewaarcategorie, VernietigdRecord, Vernietigingslijst, VernietigingslijstItem


def _kind_name(label: str) -> str:
    if label == HISTORY_KEY:
        return _("history rows (audit trail)")
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural)
    except (LookupError, ValueError):
        return label


def report_context(lijst: Vernietigingslijst) -> dict:
    Item = VernietigingslijstItem
    statuses = dict(Item.Status.choices)
    categories = dict(Bewaarcategorie.choices)
    terms: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for categorie, termijn, status, n in (
        lijst.items.values_list("categorie", "termijn_omschrijving", "status")
        .annotate(n=Count("id"))
        .order_by("categorie", "termijn_omschrijving")
    ):
        terms[(categorie, termijn)][status] += n
    term_rows = [
        {
            "categorie": categories.get(categorie, categorie),
            "termijn": termijn,
            "listed": sum(c.values()),
            "destroyed": c[Item.Status.VERNIETIGD],
            "taken_off": c[Item.Status.UITGEZONDERD],
            "held": c[Item.Status.OVERGESLAGEN],
            "failed": c[Item.Status.MISLUKT],
            "pending": c[Item.Status.TE_VERNIETIGEN] + c[Item.Status.TE_BEVESTIGEN],
        }
        for (categorie, termijn), c in terms.items()
    ]
    kinds: Counter = Counter()
    grounds: Counter = Counter()
    for aantallen, grond in VernietigdRecord.objects.filter(item__lijst=lijst).values_list(
        "aantallen", "grond"
    ):
        kinds.update(aantallen)
        grounds[grond] += 1
    kind_rows = sorted(
        (
            {"kind": _kind_name(label), "count": n, "history": label == HISTORY_KEY}
            for label, n in kinds.items()
        ),
        key=lambda r: (r["history"], r["kind"]),
    )
    holds = Counter(
        dict(
            lijst.items.filter(status=Item.Status.OVERGESLAGEN)
            .values_list("blokkade_reden")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    from .models import Blokkade

    hold_labels = dict(Blokkade.Reden.choices)
    taken_off = lijst.items.filter(status=Item.Status.UITGEZONDERD)
    from .destruction import failures_of

    failures = {f["fout"]: f["n"] for f in failures_of(lijst)}  # in the report's language
    return {
        "lijst": lijst,
        "school": lijst.school,
        "bestuur": lijst.school.bestuur,
        "term_rows": term_rows,
        "kind_rows": kind_rows,
        "tombstones": sum(grounds.values()),
        "grounds": [
            (dict(VernietigdRecord.Grond.choices)[g], n) for g, n in sorted(grounds.items())
        ],
        "holds": [(hold_labels.get(r, r), n) for r, n in sorted(holds.items())],
        "taken_off_new_date": taken_off.filter(nieuwe_datum__isnull=False).count(),
        "taken_off_kept": taken_off.filter(nieuwe_datum__isnull=True).count(),
        "failures": sorted(failures.items()),
        "statuses": statuses,
        "generated_at": timezone.now(),
    }


def render_report(lijst: Vernietigingslijst, *, language: str | None = None) -> tuple[bytes, str]:
    from core.pdf import render_pdf

    return render_pdf("pdf/vernietigingsverslag.html", report_context(lijst), language=language)
