"""The access export (inzage/afschrift, AVG art. 15) and the portability files (art. 20).

``collect`` gathers everything the school holds on ONE pupil that the requester may see: the
pupil's data per category with their purposes and the systems that hold them, the dossier items
(minus what the director withheld), the guardians (contact data only of the requester), the
consent decisions, the recipients it was shared with (the disclosure log), the retention terms,
the sources of data not received from the parents, and the rights. Everything is read by the
pupil's id: nothing of siblings or other families can get in.

``render_pdf`` (WeasyPrint, templates/pdf/inzage.html), ``render_json`` and ``render_csv`` make
the files (the PDF carries its page count). Nothing here writes: that is
``services.py``.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.pdf import Pdf
from core.spreadsheet import csv_bytes
from leerlingen import registry
from leerlingen.models import DossierItem, Gegevenscategorie, Gezagsrelatie

# Why the school processes each category (seed 003; the purposes of the privacy statements).
PURPOSES = {
    Gegevenscategorie.CONTACT: gettext_lazy(
        "Organising education and contact with the pupil and the parents."
    ),
    Gegevenscategorie.LEERLINGNUMMER: gettext_lazy(
        "Identifying the pupil in the school's administration."
    ),
    Gegevenscategorie.NATIONALITEIT: gettext_lazy(
        "The pupil administration and the funding of the school (legal duty)."
    ),
    Gegevenscategorie.OUDERS: gettext_lazy("Contact with the parents about the pupil."),
    Gegevenscategorie.MEDISCH: gettext_lazy(
        "Only what is needed for education or emergencies (e.g. dyslexia, epilepsy)."
    ),
    Gegevenscategorie.RELIGIE: gettext_lazy("Only where it matters for education, e.g. a day off."),
    Gegevenscategorie.STUDIEVOORTGANG: gettext_lazy(
        "Following and reporting the pupil's progress (results, attendance, group)."
    ),
    Gegevenscategorie.BEGELEIDING: gettext_lazy(
        "Guidance and care of the pupil (OPP, action plan)."
    ),
    Gegevenscategorie.ORGANISATIE: gettext_lazy(
        "Organising education: timetables, groups, school passes."
    ),
    Gegevenscategorie.FINANCIEEL: gettext_lazy(
        "Payments such as the voluntary parental contribution."
    ),
    Gegevenscategorie.BEELD: gettext_lazy(
        "Photos and video, only with consent (except the ID photo of the school pass)."
    ),
    Gegevenscategorie.BSN: gettext_lazy(
        "The education number (PGN): mandatory in the pupil administration and for DUO."
    ),
    Gegevenscategorie.ECK_ID: gettext_lazy("Access to digital learning material (chain id)."),
}

# The pupil fields of the record, per category (the labels come from the disclosure catalogue).
PUPIL_FIELDS = [
    ("leerlingnummer", Gegevenscategorie.LEERLINGNUMMER),
    ("voornamen", Gegevenscategorie.CONTACT),
    ("roepnaam", Gegevenscategorie.CONTACT),
    ("tussenvoegsel", Gegevenscategorie.CONTACT),
    ("achternaam", Gegevenscategorie.CONTACT),
    ("geboortedatum", Gegevenscategorie.CONTACT),
    ("geslacht", Gegevenscategorie.CONTACT),
    ("straat", Gegevenscategorie.CONTACT),
    ("huisnummer", Gegevenscategorie.CONTACT),
    ("postcode", Gegevenscategorie.CONTACT),
    ("woonplaats", Gegevenscategorie.CONTACT),
    ("telefoon", Gegevenscategorie.CONTACT),
    ("email", Gegevenscategorie.CONTACT),
    ("nationaliteit", Gegevenscategorie.NATIONALITEIT),
    ("geboorteplaats", Gegevenscategorie.NATIONALITEIT),
    ("bsn", Gegevenscategorie.BSN),
    ("eck_id", Gegevenscategorie.ECK_ID),
    ("datum_inschrijving", Gegevenscategorie.ORGANISATIE),
    ("datum_uitschrijving", Gegevenscategorie.ORGANISATIE),
]

PARENT_SOURCES = {"ouders", "ouder", "parents", "parent"}

RIGHTS = [
    gettext_lazy("You may see the data (this copy is free; a further copy may cost a fee)."),
    gettext_lazy(
        "You may have incorrect or incomplete data corrected; the school also informs the organisations it shared them with."
    ),
    gettext_lazy("You may have data erased, unless the law obliges the school to keep them."),
    gettext_lazy("You may have processing restricted: the data are then kept but not used."),
    gettext_lazy(
        "You may receive the data in a common format, or have them passed to another organisation."
    ),
    gettext_lazy(
        "You may object to processing based on the school's legitimate or public interest."
    ),
    gettext_lazy("Decisions about your child are never made by automated processing alone."),
    gettext_lazy(
        "You may complain to the school's director, then the board, the data protection officer or the Autoriteit Persoonsgegevens."
    ),
]


@dataclass
class Gegeven:
    label: str
    waarde: str


@dataclass
class Item:
    datum: str
    titel: str
    inhoud: str
    bron: str


@dataclass
class Categorie:
    code: str
    label: str
    doel: str
    systemen: list[str] = field(default_factory=list)
    gegevens: list[Gegeven] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


@dataclass
class Inzage:
    kenmerk: str
    school: str
    brin: str
    leerling: str
    gemaakt_op: str
    indiener_rol: str
    categorieen: list[Categorie]
    ouders: list[dict]
    toestemmingen: list[dict]
    verstrekkingen: list[dict]
    bewaartermijnen: list[dict]
    bronnen: list[dict]
    rechten: list[str]
    achtergehouden: int = 0
    beperkt_sinds: str = ""
    leerling_id: int = 0
    item_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("leerling_id")
        data.pop("item_ids")
        return data


def _fmt(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def collect(*, verzoek, now: datetime | None = None) -> Inzage:
    """Everything the school holds on the request's pupil that the requester may see."""
    from leerlingen.models import Bewaartermijn
    from leerlingen.retention.rules import DEFAULT_TERMS
    from leerlingen.velden import VELDEN

    from .models import Beperking, IndienerRol

    leerling = verzoek.leerling
    school = leerling.school
    labels = dict(Gegevenscategorie.choices)
    cats: dict[str, Categorie] = {}

    def cat(code) -> Categorie:
        if code not in cats:
            cats[code] = Categorie(
                code=code, label=str(labels[code]), doel=str(PURPOSES.get(code, ""))
            )
        return cats[code]

    for name, code in PUPIL_FIELDS:
        value = (
            getattr(leerling, f"get_{name}_display")()
            if name == "geslacht"
            else getattr(leerling, name)
        )
        if value in (None, ""):
            continue
        cat(code).gegevens.append(
            Gegeven(str(VELDEN[name].label) if name in VELDEN else name, _fmt(value))
        )
    org = cat(Gegevenscategorie.ORGANISATIE)
    org.gegevens.insert(0, Gegeven(_("school"), f"{school.naam} ({school.brin})"))
    if leerling.groep_id:
        org.gegevens.insert(
            1, Gegeven(_("group"), f"{leerling.groep.naam} ({leerling.groep.schooljaar})")
        )

    withheld = set(verzoek.achtergehouden or [])
    items = list(
        DossierItem.objects.filter(leerling_id=leerling.pk).order_by("categorie", "-datum", "-id")
    )
    shown = [i for i in items if i.pk not in withheld]
    bronnen: dict[str, set[str]] = {}
    for item in shown:
        cat(item.categorie).items.append(
            Item(_fmt(item.datum), item.titel, item.inhoud or "", item.bron or _("the school"))
        )
        if item.bron and item.bron.strip().lower() not in PARENT_SOURCES:
            bronnen.setdefault(item.bron, set()).add(str(labels[item.categorie]))

    # Guardians: the requester's own contact data; of the others only name, relation and gezag.
    ouders = []
    for rel in (
        Gezagsrelatie.objects.filter(leerling_id=leerling.pk).select_related("ouder").order_by("id")
    ):
        o = rel.ouder
        own = verzoek.indiener_rol == IndienerRol.OUDER and o.pk == verzoek.indiener_ouder_id
        row = {
            "naam": str(o),
            "relatie": rel.get_relatie_display(),
            "gezag": _("yes") if rel.heeft_gezag else _("no"),
            "contact": "",
        }
        if own:
            row["contact"] = ", ".join(
                p
                for p in (
                    o.email,
                    o.telefoon,
                    " ".join(x for x in (o.straat, o.huisnummer) if x),
                    " ".join(x for x in (o.postcode, o.woonplaats) if x),
                )
                if p
            )
        ouders.append(row)
    if ouders:
        cat(Gegevenscategorie.OUDERS).gegevens.extend(
            Gegeven(r["relatie"], r["naam"] + (f" – {r['contact']}" if r["contact"] else ""))
            for r in ouders
        )

    toestemmingen = [
        {
            "doel": t.doel.naam,
            "schooljaar": t.schooljaar,
            "gegeven": _("yes") if t.gegeven else _("no"),
            "door": t.get_beslisser_display(),
            "op": _fmt(t.tijdstip),
            "huidig": _("yes") if t.huidig else _("no"),
        }
        for t in registry.consents_of_pupil(leerling)
    ]

    velden_labels = {code: str(v.label) for code, v in VELDEN.items()}
    verstrekkingen = [
        {
            "kenmerk": v.kenmerk,
            "op": _fmt(v.tijdstip),
            "ontvanger": v.ontvanger_naam,
            "grondslag": v.get_grondslag_display(),
            "gegevens": ", ".join(velden_labels.get(c, c) for c in v.velden),
            "doel": v.doel,
        }
        for v in registry.disclosures_of_pupil(leerling=leerling)
    ]

    for verwerker in registry.processors_of_school(school):
        for code in verwerker.gegevens or []:
            if code in cats:
                cats[code].systemen.append(f"{verwerker.product} ({verwerker.naam})")

    terms = {t.categorie: t for t in Bewaartermijn.objects.filter(school=school)}
    bewaartermijnen = []
    for categorie, rule in DEFAULT_TERMS.items():
        t = terms.get(categorie)
        bewaartermijnen.append(
            {
                "soort": str(t.get_categorie_display() if t else categorie),
                "termijn": str(t.omschrijving) if t else "",
                "grondslag": (t.grondslag if t else "") or str(rule.grondslag),
            }
        )
    if not terms:
        from leerlingen.retention.models import Bewaarcategorie, Gebeurtenis, duration_text

        bewaartermijnen = [
            {
                "soort": str(Bewaarcategorie(c).label),
                "termijn": _("%(duration)s after %(event)s")
                % {
                    "duration": duration_text(r.jaren, r.maanden),
                    "event": Gebeurtenis(r.gebeurtenis).label,
                },
                "grondslag": str(r.grondslag),
            }
            for c, r in DEFAULT_TERMS.items()
        ]

    beperking = (
        Beperking.objects.filter(leerling_id=leerling.pk, opgeheven_op__isnull=True)
        .order_by("ingesteld_op")
        .first()
    )
    order = [c for c, _l in Gegevenscategorie.choices]
    return Inzage(
        kenmerk=verzoek.kenmerk,
        school=school.naam,
        brin=school.brin,
        leerling=leerling.volledige_naam,
        gemaakt_op=_fmt(now or timezone.now()),
        indiener_rol=verzoek.get_indiener_rol_display(),
        categorieen=[cats[c] for c in order if c in cats],
        ouders=ouders,
        toestemmingen=toestemmingen,
        verstrekkingen=verstrekkingen,
        bewaartermijnen=bewaartermijnen,
        bronnen=[
            {"bron": b, "categorieen": ", ".join(sorted(c))} for b, c in sorted(bronnen.items())
        ],
        rechten=[str(r) for r in RIGHTS],
        achtergehouden=len([i for i in items if i.pk in withheld]),
        beperkt_sinds=_fmt(beperking.ingesteld_op) if beperking else "",
        leerling_id=leerling.pk,
        item_ids=[i.pk for i in shown],
    )


# --- rendering ------------------------------------------------------------------------------


def render_pdf(inzage: Inzage, *, language: str | None = None) -> tuple[Pdf, str]:
    """The PDF (``pages`` holds its page count) and its HTML."""
    from core.pdf import render_pdf as render

    return render(
        "pdf/inzage.html", {"inzage": inzage}, language=language or settings.LANGUAGE_CODE
    )


def render_json(inzage: Inzage) -> bytes:
    return json.dumps(inzage.as_dict(), ensure_ascii=False, indent=2).encode()


def render_csv(inzage: Inzage) -> bytes:
    """One row per datum: section, category, field, value (a spreadsheet opens it as it is)."""
    rows = []
    for c in inzage.categorieen:
        for g in c.gegevens:
            rows.append([_("data"), c.label, g.label, g.waarde])
        for i in c.items:
            rows.append(
                [
                    _("dossier"),
                    c.label,
                    f"{i.datum} {i.titel}",
                    f"{i.inhoud} ({_('source')}: {i.bron})",
                ]
            )
    for t in inzage.toestemmingen:
        rows.append(
            [_("consent"), t["doel"], t["schooljaar"], f"{t['gegeven']} ({t['door']}, {t['op']})"]
        )
    for v in inzage.verstrekkingen:
        rows.append([_("disclosed to"), v["ontvanger"], v["op"], v["gegevens"]])
    with translation.override(settings.LANGUAGE_CODE):
        header = [_("section"), _("category"), _("field"), _("value")]
    return csv_bytes(header, rows)
