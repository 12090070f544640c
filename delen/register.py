"""The register of processing (AVG art. 30) as data: the snapshot the board adopts, what changed
since, and its display and CSV form. Reads only; adopting is ``services.adopt_register``.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheet import csv_bytes
from leerlingen.models import Gegevenscategorie, School
from leerlingen.velden import VELDEN

from .models import Grondslag, Ontvanger, Soort, SysteemSoort, Verwerker


def register_snapshot(school: School) -> dict:
    """The register as data: what is adopted and compared. Stable keys, display-ready values."""
    ontvangers = [
        {
            "key": f"ontvanger:{o.pk}",
            "naam": o.naam,
            "soort": o.soort,
            "grondslag": o.grondslag,
            "velden": list(o.velden),
            "formaat": o.formaat,
            "toestemming_doel": o.toestemming_doel,
            "verwerker": str(o.verwerker) if o.verwerker_id else "",
            "licentie": o.licentie,
            "actief": o.actief,
            "toelichting": o.toelichting,
        }
        for o in Ontvanger.objects.filter(school=school)
        .select_related("verwerker")
        .order_by("naam", "id")
    ]
    verwerkers = []
    for v in (
        Verwerker.objects.filter(school=school)
        .prefetch_related("overeenkomsten")
        .order_by("product", "id")
    ):
        verwerkers.append(
            {
                "key": f"verwerker:{v.pk}",
                "naam": v.naam,
                "product": v.product,
                "soort": v.soort,
                "doel": v.doel,
                "gegevens": list(v.gegevens),
                "buiten_eer": v.buiten_eer,
                "dpia_uitgevoerd": v.dpia_uitgevoerd,
                "dpia_datum": v.dpia_datum.isoformat() if v.dpia_datum else "",
                "overeenkomsten": [
                    {
                        "datum": o.datum.isoformat(),
                        "einddatum": o.einddatum.isoformat() if o.einddatum else "",
                        "model_privacyconvenant": o.model_privacyconvenant,
                        "convenant_versie": o.convenant_versie,
                        "privacybijsluiter": o.privacybijsluiter,
                        "document": bool(o.document),
                    }
                    for o in sorted(v.overeenkomsten.all(), key=lambda o: (o.datum, o.pk))
                ],
            }
        )
    bestuur = school.bestuur
    return {
        "school": {
            "naam": school.naam,
            "brin": school.brin,
            "bestuur": bestuur.naam,
            "fg_naam": bestuur.fg_naam,
            "fg_email": bestuur.fg_email,
        },
        "ontvangers": ontvangers,
        "verwerkers": verwerkers,
    }


@dataclass
class Wijziging:
    soort: str  # "added", "removed", "changed"
    sectie: str  # "ontvangers" or "verwerkers"
    naam: str
    velden: list[str]

    @property
    def soort_label(self) -> str:
        return str(CHANGE_LABELS[self.soort])


def register_changes(old: dict | None, new: dict) -> list[Wijziging]:
    """What changed in the register since an adopted version: entries added, removed, changed."""
    if old is None:
        return []
    out = []
    for sectie in ("ontvangers", "verwerkers"):
        before = {e["key"]: e for e in old.get(sectie, [])}
        after = {e["key"]: e for e in new.get(sectie, [])}
        for key, entry in after.items():
            name = entry.get("naam") if sectie == "ontvangers" else entry.get("product")
            if key not in before:
                out.append(Wijziging("added", sectie, name, []))
            else:
                changed = sorted(k for k in entry if k != "key" and entry[k] != before[key].get(k))
                if changed:
                    out.append(Wijziging("changed", sectie, name, changed))
        for key, entry in before.items():
            if key not in after:
                name = entry.get("naam") if sectie == "ontvangers" else entry.get("product")
                out.append(Wijziging("removed", sectie, name, []))
    return out


CHANGE_LABELS = {
    "added": gettext_lazy("added"),
    "removed": gettext_lazy("removed"),
    "changed": gettext_lazy("changed"),
}


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def display(snapshot: dict) -> dict:
    """The snapshot with readable labels, for pages, the PDF and the CSV."""
    cats = dict(Gegevenscategorie.choices)
    ontvangers = []
    for e in snapshot.get("ontvangers", []):
        ontvangers.append(
            {
                **e,
                "soort_label": _label(Soort, e["soort"]),
                "grondslag_label": _label(Grondslag, e["grondslag"]),
                "velden_labels": [str(VELDEN[c].label) if c in VELDEN else c for c in e["velden"]],
            }
        )
    verwerkers = []
    for e in snapshot.get("verwerkers", []):
        verwerkers.append(
            {
                **e,
                "soort_label": _label(SysteemSoort, e["soort"]),
                "gegevens_labels": [str(cats.get(c, c)) for c in e["gegevens"]],
            }
        )
    return {
        "school": snapshot.get("school", {}),
        "ontvangers": ontvangers,
        "verwerkers": verwerkers,
    }


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def register_csv(snapshot: dict) -> bytes:
    data = display(snapshot)
    header = [
        _("section"),
        _("name"),
        _("kind"),
        _("legal basis / purpose"),
        _("data"),
        _("consent / agreement"),
        _("DPIA"),
        _("outside the EEA"),
        _("active"),
    ]
    rows = []
    for e in data["ontvangers"]:
        rows.append(
            [
                str(x)
                for x in (
                    _("recipient"),
                    e["naam"],
                    e["soort_label"],
                    e["grondslag_label"],
                    ", ".join(e["velden_labels"]),
                    e["toestemming_doel"] or e["verwerker"],
                    "",
                    "",
                    yes_no(e["actief"]),
                )
            ]
        )
    for e in data["verwerkers"]:
        agreements = "; ".join(
            f"{o['datum']}–{o['einddatum'] or _('open')}"
            + (
                f" ({_('model agreement')} {o['convenant_versie']})"
                if o["model_privacyconvenant"]
                else ""
            )
            for o in e["overeenkomsten"]
        ) or _("no agreement")
        rows.append(
            [
                str(x)
                for x in (
                    _("processor"),
                    f"{e['product']} ({e['naam']})",
                    e["soort_label"],
                    e["doel"],
                    ", ".join(e["gegevens_labels"]),
                    agreements,
                    e["dpia_datum"] if e["dpia_uitgevoerd"] else _("no"),
                    yes_no(e["buiten_eer"]),
                    "",
                )
            ]
        )
    return csv_bytes(header, rows)
