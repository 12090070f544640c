"""The privacy statement (privacyverklaring): a school's statement for parents, generated from its
own register — its systems and processors, recipients and their field sets, consent purposes,
retention terms, request settings and contacts (DOMAIN.md § Documents).

``statement_context`` gathers every section from the school's data (reads only, a fixed number of
queries); ``generate_statement`` renders it to a PDF and stores it as a new version, so the
statement that applied on a given day can always be shown again. Nothing here is prose about one
particular school: the fixed texts explain kinds (of recipient, data, legal basis, role).
"""

from datetime import date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.pdf import Pdf
from leerlingen import registry
from leerlingen.models import DossierItem, Leerling, Rol, School
from leerlingen.models import Gegevenscategorie as Cat
from leerlingen.retention.models import Bewaarcategorie, Bewaartermijn, Gebeurtenis, duration_text
from leerlingen.velden import VELDEN, categorieen

from .models import Grondslag, Ontvanger, RegisterVersie, Soort, SysteemSoort, Verwerker
from .models_verklaring import Privacyverklaring

TEMPLATE = "pdf/privacyverklaring.html"
BODY_TEMPLATE = "pdf/_privacyverklaring_inhoud.html"

# What each kind of data is, in plain words (seed 003's closing list).
CATEGORIE_UITLEG = {
    Cat.CONTACT: gettext_lazy("name, date of birth, sex, address, phone number and e-mail address"),
    Cat.LEERLINGNUMMER: gettext_lazy(
        "an administration number that says nothing else about your child"
    ),
    Cat.NATIONALITEIT: gettext_lazy("nationality and place of birth"),
    Cat.OUDERS: gettext_lazy(
        "names, address, phone numbers and e-mail addresses of parents and guardians"
    ),
    Cat.MEDISCH: gettext_lazy(
        "only what is needed for education or for acting well in an emergency, for example dyslexia, ADHD or epilepsy"
    ),
    Cat.RELIGIE: gettext_lazy(
        "only where it matters for the education, for example a day off for a religious holiday"
    ),
    Cat.STUDIEVOORTGANG: gettext_lazy("results, tests, attendance, group or class and year"),
    Cat.BEGELEIDING: gettext_lazy(
        "guidance and extra support, such as a development plan (OPP) or action plan"
    ),
    Cat.ORGANISATIE: gettext_lazy(
        "timetables, book lists, school passes and log-ins for learning material"
    ),
    Cat.FINANCIEEL: gettext_lazy(
        "what is needed to collect contributions, such as a bank account number"
    ),
    Cat.BEELD: gettext_lazy(
        "photos and videos of school activities, only with consent; an ID photo for the school pass needs no consent"
    ),
    Cat.BSN: gettext_lazy(
        "in education the BSN is called the PGN or education number; schools must use it in their administration"
    ),
    Cat.ECK_ID: gettext_lazy(
        "a chain number with which digital learning material can be used without being traceable to your child"
    ),
}

# What a legal basis means, in plain words (AVG art. 6(1)).
GRONDSLAG_UITLEG = {
    Grondslag.WETTELIJKE_PLICHT: gettext_lazy(
        "The law obliges the school to process or pass on these data."
    ),
    Grondslag.WETTELIJKE_TAAK: gettext_lazy(
        "The data are needed for the task the law gives the school: giving education and guiding pupils."
    ),
    Grondslag.ALGEMEEN_BELANG: gettext_lazy(
        "There is no legal duty, but passing on a small set of data serves an important public interest."
    ),
    Grondslag.VITAAL_BELANG: gettext_lazy(
        "The data are needed to protect the life or health of your child or someone else."
    ),
    Grondslag.VERWERKERSOVEREENKOMST: gettext_lazy(
        "An organisation does work for the school, on its instructions and under a processor agreement."
    ),
    Grondslag.TOESTEMMING: gettext_lazy(
        "Only with your consent, which you may withdraw at any time."
    ),
}
WETTELIJK = (
    Grondslag.WETTELIJKE_PLICHT,
    Grondslag.WETTELIJKE_TAAK,
    Grondslag.ALGEMEEN_BELANG,
    Grondslag.VITAAL_BELANG,
)

# What applies to each kind of recipient, in plain words (DOMAIN.md § Disclosures, seed 004).
SOORT_UITLEG = {
    Soort.DUO: gettext_lazy(
        "DUO keeps the basic register of education (BRON). Every school must supply pupil data, including the PGN; DUO uses them for the funding of schools and for education policy."
    ),
    Soort.LEERPLICHT: gettext_lazy(
        "The school attendance officer of your municipality checks that the Compulsory Education Act is kept. The school reports unauthorised absence and gives only what is needed for that."
    ),
    Soort.INSPECTIE: gettext_lazy(
        "The Inspectorate supervises the quality of education. During a visit an inspector may look at pupil files; the school shows no more than necessary."
    ),
    Soort.JGZ: gettext_lazy(
        "Youth health care invites pupils for health checks. The school gives only the data listed here, never the PGN or BSN. Anything else, such as frequent sick leave, only with your consent."
    ),
    Soort.VEILIG_THUIS: gettext_lazy(
        "If the school is worried about a child's safety at home it follows the reporting code and may ask Veilig Thuis for advice or make a report, without consent. The school informs you beforehand, unless that would endanger the safety of your child or someone else."
    ),
    Soort.POLITIE: gettext_lazy(
        "The police receive data only with a written demand (article 126nc of the Code of Criminal Procedure) that names the person, the data asked, the term and manner of delivery and its legal title, and then only identifying data."
    ),
    Soort.ZORGTEAM: gettext_lazy(
        "When there are concerns about a pupil, the care team discusses them: anonymously where possible. If not, you are informed. If the family's own care providers join, your consent is asked. The source of every piece of information is stated."
    ),
    Soort.SWV: gettext_lazy(
        "To arrange extra support, the school may enrol a pupil with the regional partnership for special needs. You are informed."
    ),
    Soort.BESTUUR: gettext_lazy(
        "The board has limited access for the common administration, accountability and admission policy."
    ),
    Soort.ACCOUNTANT: gettext_lazy(
        "The accountant checks the pupil counts on which the funding is based, with pupil numbers instead of names."
    ),
    Soort.BASISPOORT: gettext_lazy(
        "Basispoort gives pupils one log-in for digital learning material. It receives exactly the data listed here and no learning or test results."
    ),
    Soort.UITGEVER: gettext_lazy(
        "Publishers receive data through Basispoort, only for material the school holds a licence for, and may not pass them on to anyone."
    ),
    Soort.ONDERZOEK: gettext_lazy(
        "A survey bureau runs the satisfaction surveys. It never reports who gave which answer, nor on groups that are too small."
    ),
    Soort.DRUKKER: gettext_lazy(
        "The printer makes the paper school guide and year book and sees the photos in them."
    ),
    Soort.WEBSITE: gettext_lazy("The host of the school website keeps the photos published there."),
}

# Where unauthorised absence is reported depends on the type of school (Leerplichtwet, seed 004).
VERZUIM_VO = gettext_lazy(
    "Unauthorised absence of more than 16 hours in 4 consecutive school weeks is reported to DUO's absence desk (verzuimloket)."
)
VERZUIM_PO = gettext_lazy(
    "Unauthorised absence of more than 16 hours in 4 consecutive school weeks is reported to the municipality."
)

# Who at school sees what (leerlingen.roles, DESIGN.md §3).
ROL_BEREIK = {
    Rol.LEERKRACHT: gettext_lazy("the pupils of their own group or class"),
    Rol.IB: gettext_lazy("the pupils of the school, including care data"),
    Rol.DIRECTEUR: gettext_lazy(
        "the pupils of the school; decides who may see very confidential data"
    ),
    Rol.ADMINISTRATIE: gettext_lazy("only the administrative module, never care data"),
    Rol.FG: gettext_lazy(
        "oversight across the board's schools: registers, requests and who looked at what"
    ),
    Rol.BESTUUR: gettext_lazy("limited access for the common administration and oversight"),
}
ROL_CATEGORIEEN = {
    Rol.LEERKRACHT: Cat.onderwijs(),
    Rol.IB: frozenset(Cat.values),
    Rol.DIRECTEUR: frozenset(Cat.values),
    Rol.ADMINISTRATIE: Cat.administratief(),
    Rol.FG: frozenset(Cat.values),
    Rol.BESTUUR: frozenset({Cat.CONTACT, Cat.LEERLINGNUMMER, Cat.ORGANISATIE}),
}
OPSLAG_SOORTEN = (SysteemSoort.ADMINISTRATIE, SysteemSoort.LVS)


def _labels(codes) -> list[str]:
    return [str(VELDEN[c].label) if c in VELDEN else c for c in codes]


def _cat_labels(codes) -> list[str]:
    labels = dict(Cat.choices)
    return [str(labels[c]) for c in Cat.values if c in set(codes)]


def _ontvanger(o: Ontvanger, doelen: dict, school: School) -> dict:
    """A recipient in the statement. The school's own texts (its name, its explanation where the
    kind has none of ours, the consent purpose's name) are kept in Dutch and in the school's
    English, and shown in the reader's language by the ``own_text`` filter."""
    uitleg = str(SOORT_UITLEG.get(o.soort, ""))
    if o.soort == Soort.LEERPLICHT:
        uitleg += " " + str(VERZUIM_VO if school.onderwijssoort == "vo" else VERZUIM_PO)
    doel = doelen.get(o.toestemming_doel, {"naam": o.toestemming_doel, "naam_en": ""})
    return {
        "naam": o.naam,
        "naam_en": o.naam_en,
        "soort": o.soort,
        "grondslag": o.grondslag,
        "grondslag_label": str(Grondslag(o.grondslag).label),
        "velden": _labels(o.velden),
        "uitleg": uitleg,
        "toelichting": "" if uitleg else o.toelichting,
        "toelichting_en": "" if uitleg else o.toelichting_en,
        "toestemming_doel": doel["naam"],
        "toestemming_doel_en": doel["naam_en"],
        "verwerker": o.verwerker.product if o.verwerker_id else "",
    }


def _overeenkomst(v: Verwerker, today: date) -> dict:
    agreements = sorted(v.overeenkomsten.all(), key=lambda a: (a.datum, a.pk))
    geldig = [a for a in agreements if a.is_geldig(today)]
    a = geldig[-1] if geldig else None
    return {
        "geldig": a is not None,
        "sinds": a.datum.isoformat() if a else "",
        "model": bool(a and a.model_privacyconvenant),
        "bijsluiter": bool(a and a.privacybijsluiter),
    }


def statement_context(school: School, *, today: date | None = None) -> dict:
    """Every section of the statement, drawn from the school's register, as JSON-ready data.

    Call under the statement's language: labels are translated here.
    """
    from leerlingen.retention.rules import DEFAULT_TERMS

    today = today or timezone.localdate()
    school = School.objects.select_related("bestuur").get(pk=school.pk)
    bestuur = school.bestuur

    doelen = list(registry.consent_purposes(school, active_only=True))
    doel_namen = {
        d.code: {"naam": d.naam, "naam_en": d.naam_en} for d in registry.consent_purposes(school)
    }
    order = {
        soort: i for i, soort in enumerate(Soort.values)
    }  # the order of DOMAIN.md's table: DUO first
    ontvangers = sorted(
        Ontvanger.objects.filter(school=school, actief=True).select_related("verwerker"),
        key=lambda o: (order.get(o.soort, len(order)), o.naam, o.pk),
    )
    verwerkers = list(
        Verwerker.objects.filter(school=school)
        .prefetch_related("overeenkomsten")
        .order_by("product", "id")
    )
    termijnen = {t.categorie: t for t in Bewaartermijn.objects.filter(school=school)}
    instellingen = registry.request_terms(school)
    dossier_cats = set(
        DossierItem.objects.filter(leerling__school=school)
        .values_list("categorie", flat=True)
        .distinct()
    )
    register = RegisterVersie.objects.filter(school=school).order_by("-versie").first()

    # A secondary school lists Basispoort and the publishers only where it registered its digital
    # learning material (Basispoort serves primary schools): no promise without a system.
    leermiddelen = school.onderwijssoort != "vo" or any(
        v.soort == SysteemSoort.LEERMIDDELEN for v in verwerkers
    )
    ontvangers = [
        o
        for o in ontvangers
        if o.soort not in (Soort.BASISPOORT, Soort.UITGEVER) or o.verwerker_id or leermiddelen
    ]
    wet, toestemming, verwerker_ontvangers = [], [], []
    for o in ontvangers:
        entry = _ontvanger(o, doel_namen, school)
        if o.toestemming_doel or o.grondslag == Grondslag.TOESTEMMING:
            toestemming.append(entry)
        elif o.grondslag in WETTELIJK:
            wet.append(entry)
        else:
            verwerker_ontvangers.append(entry)

    # Which data the school processes: what its systems hold, what it may pass on, what its dossiers hold.
    cats = set(dossier_cats)
    for v in verwerkers:
        cats.update(v.gegevens)
    for o in ontvangers:
        cats.update(categorieen(o.velden))
    if doelen:
        cats.add(Cat.BEELD)
    if Leerling.objects.filter(school=school).exclude(eck_id="").exists():
        cats.add(Cat.ECK_ID)  # the school uses the ECK iD (a chain id for learning material)
    labels = dict(Cat.choices)
    categorie_rijen = [
        {
            "code": c,
            "label": str(labels[c]),
            "uitleg": str(CATEGORIE_UITLEG.get(c, "")),
            "bijzonder": c in Cat.bijzonder(),
        }
        for c in Cat.values
        if c in cats
    ]

    systemen = []
    for v in verwerkers:
        systemen.append(
            {
                "product": v.product,
                "naam": v.naam,
                "soort": v.soort,
                "soort_label": str(SysteemSoort(v.soort).label),
                "doel": v.doel,
                "doel_en": v.doel_en,
                "gegevens": _cat_labels(v.gegevens),
                "buiten_eer": v.buiten_eer,
                "opslag": v.soort in OPSLAG_SOORTEN,
                "overeenkomst": _overeenkomst(v, today),
            }
        )

    grondslagen = []
    used = {o.grondslag for o in ontvangers} | {Grondslag.WETTELIJKE_TAAK}
    if verwerkers:
        used.add(Grondslag.VERWERKERSOVEREENKOMST)
    if doelen:
        used.add(Grondslag.TOESTEMMING)
    for g in Grondslag.values:
        if g in used:
            grondslagen.append(
                {
                    "code": g,
                    "label": str(Grondslag(g).label),
                    "uitleg": str(GRONDSLAG_UITLEG[g]),
                    "ontvangers": [
                        {"naam": o.naam, "naam_en": o.naam_en}
                        for o in ontvangers
                        if o.grondslag == g
                    ],
                }
            )

    bewaar = []
    for categorie in Bewaarcategorie.values:
        t = termijnen.get(categorie)
        if t is None:
            rule = DEFAULT_TERMS.get(categorie)
            if rule is None:
                continue
            jaren, maanden, gebeurtenis = rule.jaren, rule.maanden, rule.gebeurtenis
        else:
            jaren, maanden, gebeurtenis = t.jaren, t.maanden, t.gebeurtenis
        bewaar.append(
            {
                "categorie": str(Bewaarcategorie(categorie).label),
                "duur": duration_text(jaren, maanden),
                "na": str(Gebeurtenis(gebeurtenis).label),
                "direct": not (jaren or maanden),
            }
        )

    rollen = [
        {
            "rol": str(Rol(r).label),
            "bereik": str(ROL_BEREIK[r]),
            "gegevens": _cat_labels(ROL_CATEGORIEEN[r]),
            "bijzonder": bool(ROL_CATEGORIEEN[r] & Cat.bijzonder()),
        }
        for r in (Rol.LEERKRACHT, Rol.IB, Rol.DIRECTEUR, Rol.ADMINISTRATIE, Rol.FG, Rol.BESTUUR)
    ]

    return {
        "school": {
            "naam": school.naam,
            "brin": school.brin,
            "adres": school.adres,
            "email": school.email,
            "telefoon": school.telefoon,
            "onderwijssoort": str(school.get_onderwijssoort_display()),
            "zestien_plus": school.onderwijssoort == "vo",
        },
        "bestuur": {
            "naam": bestuur.naam,
            "adres": bestuur.adres,
            "kvk": bestuur.kvk_nummer,
            "fg_naam": bestuur.fg_naam,
            "fg_email": bestuur.fg_email,
        },
        "register": {
            "versie": register.versie,
            "vastgesteld_op": register.vastgesteld_op.isoformat(),
        }
        if register
        else None,
        "grondslagen": grondslagen,
        "categorieen": categorie_rijen,
        "bijzonder": [c for c in categorie_rijen if c["bijzonder"]],
        "systemen": systemen,
        "opslag": [s for s in systemen if s["opslag"]],
        "rollen": rollen,
        "ontvangers_wet": wet,
        "ontvangers_toestemming": toestemming,
        "ontvangers_verwerker": verwerker_ontvangers,
        "doelen": [
            {
                "code": d.code,
                "naam": d.naam,
                "naam_en": d.naam_en,
                "omschrijving": d.omschrijving,
                "omschrijving_en": d.omschrijving_en,
            }
            for d in doelen
        ],
        "bewaartermijnen": bewaar,
        "datalekregister": True,
        "verzoek": {
            "termijn_weken": instellingen.termijn_weken,
            "prijs_per_pagina": str(instellingen.prijs_per_pagina),
            "maximum": str(instellingen.maximum),
            "drempel_paginas": instellingen.drempel_paginas,
            "maximum_boven_drempel": str(instellingen.maximum_boven_drempel),
        },
        "portaal_url": portal_url(),
    }


def portal_url() -> str:
    """The parent portal's address from the configured site URL; empty while that is a local
    address (a published statement never sends parents to 127.0.0.1)."""
    from urllib.parse import urlsplit

    host = (urlsplit(settings.SITE_URL).hostname or "").lower()
    if not host or host in ("localhost", "0.0.0.0", "::1") or host.startswith("127."):
        return ""
    return f"{settings.SITE_URL}/portaal/"


def _css_string(text: str) -> str:
    """``text`` as the inside of a CSS string in a <style> element (not HTML-escaped there)."""
    return "".join(f"\\{ord(ch):X} " if ch in '"\\<>&\n' else ch for ch in text)


def _render_context(inhoud: dict, *, versie: int, gegenereerd_op: datetime) -> dict:
    from decimal import Decimal

    context = dict(inhoud)
    context["verzoek"] = {
        **inhoud["verzoek"],
        **{
            k: Decimal(inhoud["verzoek"][k])
            for k in ("prijs_per_pagina", "maximum", "maximum_boven_drempel")
        },
    }
    if inhoud.get("register"):
        context["register"] = {
            **inhoud["register"],
            "vastgesteld_op": date.fromisoformat(inhoud["register"]["vastgesteld_op"]),
        }
    context.update(versie=versie, gegenereerd_op=timezone.localtime(gegenereerd_op))
    return context


def render_statement(
    inhoud: dict, *, versie: int, gegenereerd_op: datetime, language: str
) -> tuple[Pdf, str]:
    """The PDF (with its page count) and the HTML body of a statement from its stored contents."""
    from django.utils.formats import date_format

    from core.pdf import render_pdf

    context = _render_context(inhoud, versie=versie, gegenereerd_op=gegenereerd_op)
    with translation.override(language):
        body = render_to_string(BODY_TEMPLATE, context)
        footer = _("%(school)s · generated on %(date)s · version %(version)s") % {
            "school": inhoud["school"]["naam"],
            "date": date_format(context["gegenereerd_op"], "j F Y"),
            "version": versie,
        }
    context.update(body=body, footer_css=_css_string(footer))
    pdf, _html = render_pdf(TEMPLATE, context, language=language)
    return pdf, body


def _statement_body(inhoud: dict, *, versie: int, gegenereerd_op: datetime, language: str) -> str:
    """The statement's HTML body (what the pages show), without WeasyPrint."""
    context = _render_context(inhoud, versie=versie, gegenereerd_op=gegenereerd_op)
    with translation.override(language):
        return render_to_string(BODY_TEMPLATE, context)


def generate_statement(
    *,
    school: School,
    user=None,
    language: str | None = None,
    now: datetime | None = None,
    if_missing: bool = False,
) -> Privacyverklaring:
    """The school's statement from its register as it is now (``new_statement_version``)."""
    verklaring, _created = new_statement_version(
        school=school, user=user, language=language, now=now, if_missing=if_missing
    )
    return verklaring


@transaction.atomic
def new_statement_version(
    *,
    school: School,
    user=None,
    language: str | None = None,
    now: datetime | None = None,
    if_missing: bool = False,
    pdf_later: bool = False,
) -> tuple[Privacyverklaring, bool]:
    """Render the school's statement from its register as it is now and store it as a new version;
    returns it and True. When nothing in the register changed since the last version in this
    language (the same contents), no identical copy is stored: returns that version and False.

    ``if_missing``: only when the school has no current statement yet, checked again once the
    school's row is locked, so visitors asking at the same moment get one version, not one each.

    ``pdf_later``: store the version (its contents and text) now and leave its PDF to the outbox
    job ``delen.tasks.STATEMENT_PDF`` (``make_statement_pdf``), for a POST a person waits on
    (issue 21); until the job ran the version has no file (``pdf_ready`` is False).
    """
    language = language or settings.LANGUAGE_CODE
    now = now or timezone.now()
    School.objects.select_for_update().filter(pk=school.pk).first()  # one version number at a time
    if if_missing and (current := statement_on(school=school, language=language)) is not None:
        return current, False
    with translation.override(language):
        inhoud = statement_context(school, today=timezone.localtime(now).date())
    last = (
        Privacyverklaring.objects.filter(school=school, taal=language, gegenereerd_op__lte=now)
        .order_by("-gegenereerd_op", "-versie")
        .first()
    )
    if last is not None and last.inhoud == inhoud:
        return last, False
    versie = (
        Privacyverklaring.objects.filter(school=school).aggregate(m=Max("versie"))["m"] or 0
    ) + 1
    verklaring = Privacyverklaring(
        school=school,
        versie=versie,
        taal=language,
        gegenereerd_op=now,
        gegenereerd_door=user,
        inhoud=inhoud,
        html=_statement_body(inhoud, versie=versie, gegenereerd_op=now, language=language),
    )
    if pdf_later:
        verklaring.save()
        from .tasks import enqueue_statement_pdf

        enqueue_statement_pdf(verklaring.pk)
        return verklaring, True
    _attach_pdf(verklaring)
    verklaring.save()
    return verklaring, True


def _attach_pdf(verklaring: Privacyverklaring) -> None:
    pdf, _body = render_statement(
        verklaring.inhoud,
        versie=verklaring.versie,
        gegenereerd_op=verklaring.gegenereerd_op,
        language=verklaring.taal,
    )
    verklaring.paginas = pdf.pages
    verklaring.pdf.save(
        f"privacyverklaring-{verklaring.school.brin}-v{verklaring.versie}-{verklaring.taal}.pdf",
        ContentFile(pdf),
        save=False,
    )


@transaction.atomic
def make_statement_pdf(verklaring_id: int) -> bool:
    """The PDF of a stored version, made by the outbox job; True when it was made now. Idempotent:
    a version that has its file already (or is gone) is left alone."""
    verklaring = (
        Privacyverklaring.objects.select_for_update()
        .select_related("school")
        .filter(pk=verklaring_id)
        .first()
    )
    if verklaring is None or verklaring.pdf:
        return False
    _attach_pdf(verklaring)
    verklaring.save(update_fields=["pdf", "paginas"])
    return True


def pdf_failed(versies) -> set[int]:
    """The ids of the versions among ``versies`` without a file whose PDF job failed for good: the
    pages say it could not be made instead of "being prepared" (one query, none when all are ready)."""
    from core import outbox

    from .tasks import STATEMENT_PDF

    return outbox.failed_among(
        STATEMENT_PDF, "verklaring_id", [v.pk for v in versies if not v.pdf_ready]
    )


def statement_on(
    *, school: School, day: date | None = None, language: str | None = None
) -> Privacyverklaring | None:
    """The statement that applied on ``day`` (today by default): the last one generated by then,
    in the language if there is one in it."""
    day = day or timezone.localdate()
    rows = Privacyverklaring.objects.filter(school=school).on_day(day)
    if language:
        in_language = rows.filter(taal=language).first()
        if in_language is not None:
            return in_language
    return rows.first()
