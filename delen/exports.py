"""The files that leave the school: built from the allowed fields only.

``build_table`` turns pupils and field codes into columns and rows (one query per kind of
data, whatever the number of pupils); ``render_csv`` and ``render_pdf`` make the file. Nothing
here decides whether a disclosure may happen: that is ``delen.rules``; nothing here writes:
that is ``delen.services``.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from core.crypto import keyed_hash
from core.spreadsheet import csv_bytes
from leerlingen.models import DossierItem, Gezagsrelatie, Leerling
from leerlingen.velden import DOSSIER_VELDEN, VELDEN, sort_codes

from .rules import Aanvraag, velden_for_groups

MASK = "•••••••••"
# The fields that name or key a group: for a survey bureau, only a unit of the minimum size.
GROUP_CODES = ("groep_naam", "jaargroep", "groepkey")


@dataclass
class Tabel:
    kolommen: list[str]
    labels: list[str]
    rijen: list[list[str]] = field(default_factory=list)
    leerling_ids: list[int] = field(default_factory=list)


def brin6(school) -> str:
    return school.brin if len(school.brin) == 6 else f"{school.brin}00"


def _dossier_text(items, *, mask: bool, sep: str) -> str:
    if mask:
        return (
            _("%(count)d item(s), not shown in the preview") % {"count": len(items)}
            if items
            else ""
        )
    parts = []
    for item in items:
        source = (
            _("source: %(source)s") % {"source": item.bron} if item.bron else _("source: school")
        )
        parts.append(f"{item.titel} ({item.datum.isoformat()}; {source}): {item.inhoud}")
    return sep.join(parts)


def _ouders_text(relaties) -> str:
    parts = []
    for rel in relaties:
        ouder = rel.ouder
        contact = ", ".join(p for p in (ouder.email, ouder.telefoon) if p)
        parts.append(f"{ouder} ({rel.get_relatie_display()}){': ' + contact if contact else ''}")
    return "; ".join(parts)


def build_table(*, user, aanvraag: Aanvraag, mask: bool = False, sep: str = " | ") -> Tabel:
    """The columns and rows of the export; ``mask`` hides the BSN and dossier contents (preview)."""
    from .models import Soort

    codes = sort_codes(aanvraag.velden)
    anoniem = aanvraag.ontvanger.soort == Soort.ZORGTEAM and aanvraag.anoniem
    kolommen = (["casus"] if anoniem else []) + codes
    labels = ([_("case")] if anoniem else []) + [str(VELDEN[c].label) for c in codes]
    ids = [p.pk for p in aanvraag.leerlingen]
    pupils = list(
        Leerling.objects.filter(pk__in=ids)
        .select_related("school", "groep")
        .order_by("achternaam", "roepnaam", "id")
    )
    dossier_cats = {DOSSIER_VELDEN[c] for c in codes if c in DOSSIER_VELDEN}
    items: dict[tuple[int, str], list] = {}
    if dossier_cats:
        # Only what the person disclosing may see leaves: very confidential items stay out for others.
        for item in (
            DossierItem.objects.visible_to(user)
            .filter(leerling_id__in=ids, categorie__in=dossier_cats)
            .order_by("datum", "id")
        ):
            items.setdefault((item.leerling_id, item.categorie), []).append(item)
    ouders: dict[int, list] = {}
    if "ouders_contact" in codes:
        for rel in (
            Gezagsrelatie.objects.filter(leerling_id__in=ids, heeft_gezag=True)
            .select_related("ouder")
            .order_by("id")
        ):
            ouders.setdefault(rel.leerling_id, []).append(rel)
    # A survey bureau reports per unit: a group with fewer respondents (the pupils in this
    # disclosure) than the minimum is merged, and then neither its name nor its key leaves.
    survey = aanvraag.ontvanger.soort == Soort.ONDERZOEK
    big_enough = velden_for_groups(pupils) if survey or "rapportage_eenheid" in codes else {}

    tabel = Tabel(kolommen=kolommen, labels=labels)
    for number, p in enumerate(pupils, start=1):
        row = [_("Case %(number)d") % {"number": number}] if anoniem else []
        for code in codes:
            if survey and code in GROUP_CODES and not (p.groep_id and big_enough.get(p.groep_id)):
                code = "rapportage_eenheid"  # the merged unit, never the small group itself
            row.append(
                _value(
                    code, p, items=items, ouders=ouders, big_enough=big_enough, mask=mask, sep=sep
                )
            )
        tabel.rijen.append(row)
        tabel.leerling_ids.append(p.pk)
    return tabel


def _value(code, p: Leerling, *, items, ouders, big_enough, mask, sep) -> str:
    school, groep = p.school, p.groep
    if code in DOSSIER_VELDEN:
        return _dossier_text(items.get((p.pk, DOSSIER_VELDEN[code]), []), mask=mask, sep=sep)
    if code == "bsn":
        return MASK if mask and p.bsn else p.bsn
    if code == "brin":
        return school.brin[:4]
    if code == "brin6":
        return brin6(school)
    if code == "school_naam":
        return school.naam
    if code == "onderwijssoort":
        return school.onderwijssoort
    if code == "groep_naam":
        return groep.naam if groep else ""
    if code == "jaargroep":
        return str(groep.jaargroep) if groep else ""
    if code == "leerlingkey":
        return keyed_hash(f"leerling:{school.brin}:{p.leerlingnummer}")[:16]
    if code == "groepkey":
        return keyed_hash(f"groep:{groep.pk}")[:12] if groep else ""
    if code == "basispoort_id":
        return ""  # assigned by Basispoort itself on first exchange (seed 004)
    if code == "rapportage_eenheid":
        if groep and big_enough.get(groep.pk):
            return groep.naam
        return _("%(school)s (groups merged)") % {"school": school.naam}
    if code == "ouders_contact":
        return _ouders_text(ouders.get(p.pk, []))
    value = getattr(p, code)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def render_csv(tabel: Tabel) -> bytes:
    return csv_bytes(tabel.kolommen, tabel.rijen)


def render_export_pdf(*, tabel: Tabel, aanvraag: Aanvraag, kenmerk: str, user) -> tuple[bytes, str]:
    from core.pdf import render_pdf

    ontvanger = aanvraag.ontvanger
    blokken = (
        any(c in DOSSIER_VELDEN or c == "ouders_contact" for c in tabel.kolommen)
        or len(tabel.kolommen) > 12
    )
    records = [list(zip(tabel.labels, row, strict=True)) for row in tabel.rijen]
    context = {
        "kenmerk": kenmerk,
        "school": ontvanger.school,
        "ontvanger": ontvanger,
        "aanvraag": aanvraag,
        "tabel": tabel,
        "records": records,
        "blokken": blokken,
        "tijdstip": timezone.localtime(),
        "door": user.get_full_name() or user.get_username(),
    }
    return render_pdf("pdf/delen/verstrekking.html", context)
