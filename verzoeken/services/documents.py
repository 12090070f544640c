"""The documents of a request: the access export (PDF, and JSON and CSV for portability), the
decision letter, and the access-log entry of every download."""

import base64
import hashlib
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from leerlingen import audit
from leerlingen.models import Gegevenscategorie

from .. import exports
from ..models import Document, IndienerRol, Soort, Status, Uitkomst, Verzoek
from .common import erasure_obstacles, erasure_parts, instellingen_voor, save


def store(
    *, verzoek, soort, bestandsnaam, content: bytes, user, paginas=None, definitief=True
) -> Document:
    doc = Document(
        verzoek=verzoek,
        leerling=verzoek.leerling,
        soort=soort,
        bestandsnaam=bestandsnaam,
        inhoud=base64.b64encode(content).decode(),
        paginas=paginas,
        sha256=hashlib.sha256(content).hexdigest(),
        grootte=len(content),
        aangemaakt_door=user,
        definitief=definitief,
    )
    save(doc, user=user, reason=f"{soort} made")
    return doc


def make_export(*, verzoek: Verzoek, user, definitief: bool) -> list[Document]:
    """(Re)make the access export: PDF for access, JSON and CSV for portability. Replaces earlier
    unreleased versions. Logged in the access log as an export."""
    for old in verzoek.documenten.filter(
        soort__startswith="afschrift_", vrijgegeven_op__isnull=True
    ):
        old._history_user = user
        old.delete()
    base = f"{verzoek.kenmerk}-inzage"
    docs = []
    with translation.override(settings.LANGUAGE_CODE):  # the school's language, whoever clicks
        inzage = exports.collect(verzoek=verzoek)
        pdf, _html = exports.render_pdf(inzage)
        files = [(Document.Soort.AFSCHRIFT_PDF, "pdf", pdf, pdf.pages)]
        if verzoek.soort == Soort.OVERDRAAGBAARHEID:
            files.append((Document.Soort.AFSCHRIFT_JSON, "json", exports.render_json(inzage), None))
            files.append((Document.Soort.AFSCHRIFT_CSV, "csv", exports.render_csv(inzage), None))
    for soort, ext, content, pages in files:
        docs.append(
            store(
                verzoek=verzoek,
                soort=soort,
                bestandsnaam=f"{base}.{ext}",
                content=content,
                user=user,
                paginas=pages,
                definitief=definitief,
            )
        )
    cats = [c.code for c in inzage.categorieen]
    audit.export_made(
        user=user,
        object_type="verzoek",
        object_id=verzoek.pk,
        categorieen=cats,
        leerling=verzoek.leerling,
        reden=f"access request {verzoek.kenmerk}: {'final export' if definitief else 'preview for the director'}",
    )
    return docs


def requester_address(verzoek: Verzoek) -> dict:
    if verzoek.indiener_rol == IndienerRol.OUDER and verzoek.indiener_ouder_id:
        o = verzoek.indiener_ouder
        return {
            "naam": str(o),
            "regel1": " ".join(p for p in (o.straat, o.huisnummer) if p),
            "regel2": " ".join(p for p in (o.postcode, o.woonplaats) if p),
            "email": o.email,
        }
    p = verzoek.leerling
    if p is None:
        return {"naam": "", "regel1": "", "regel2": "", "email": ""}
    return {
        "naam": p.volledige_naam,
        "regel1": " ".join(x for x in (p.straat, p.huisnummer) if x),
        "regel2": " ".join(x for x in (p.postcode, p.woonplaats) if x),
        "email": p.email,
    }


def render_besluit(verzoek: Verzoek, *, now: datetime | None = None) -> tuple[bytes, str]:
    """The decision letter, in Dutch (the school's language), as PDF and HTML."""
    from core.pdf import render_pdf

    docs = list(verzoek.documenten.filter(soort__startswith="afschrift_", definitief=True))
    kopie_pdf = next((d for d in docs if d.soort == Document.Soort.AFSCHRIFT_PDF), None)
    instellingen = instellingen_voor(verzoek.school)
    context = {
        "verzoek": verzoek,
        "school": verzoek.school,
        "bestuur": verzoek.school.bestuur,
        "adres": requester_address(verzoek),
        "datum": timezone.localtime(now or timezone.now()),
        "documenten": docs,
        "paginas": kopie_pdf.paginas if kopie_pdf else None,
        "instellingen": instellingen,
        "meldingen": list(verzoek.meldingen.all()),
        "beperking": verzoek.beperkingen.filter(opgeheven_op__isnull=True).first(),
        "obstakels": erasure_obstacles(verzoek)
        if verzoek.soort == Soort.WISSEN and verzoek.leerling_id
        else [],
    }
    if verzoek.leerling_id and (
        (verzoek.soort == Soort.WISSEN and verzoek.uitkomst == Uitkomst.DEELS)
        or verzoek.soort in (Soort.BEZWAAR, Soort.BEPERKING)
    ):
        # Decided per category: the letter lists what the request reaches (erased, stopped,
        # restricted) and what it cannot, with the rule (and, for an erasure, the date).
        context["wisdelen"], context["obstakels"] = erasure_parts(verzoek)
    return render_pdf("pdf/besluit.html", context, language=settings.LANGUAGE_CODE)


def make_besluit(*, verzoek: Verzoek, user) -> Document:
    """(Re)make the decision letter as the request's document, dated the day of the decision."""
    pdf, _html = render_besluit(verzoek, now=verzoek.besloten_op)
    for old in verzoek.documenten.filter(soort=Document.Soort.BESLUIT):
        old._history_user = user
        old.delete()
    return store(
        verzoek=verzoek,
        soort=Document.Soort.BESLUIT,
        bestandsnaam=f"{verzoek.kenmerk}-besluit.pdf",
        content=pdf,
        user=user,
        paginas=pdf.pages,
    )


PREVIEW, DECISION = (
    "voorbeeld",
    "besluit",
)  # the two moments documents are made (``make_documents``)


@transaction.atomic
def make_documents(*, verzoek_id: int, stap: str, user_id: int | None = None) -> list[Document]:
    """Make the documents a step asked for, in the outbox job (``tasks.DOCUMENTS``), never inside
    the step's POST (issue 21). Idempotent: what exists already is not made again, and nothing is
    made once the request has moved on.

    - ``voorbeeld`` (after ``submit``): the preview export for the director's review.
    - ``besluit`` (after ``approve``): the final export, then the decision letter that lists it.
    """
    from django.contrib.auth import get_user_model

    verzoek = Verzoek.objects.select_for_update().filter(pk=verzoek_id).first()
    if verzoek is None:  # erased meanwhile
        return []
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    granted = verzoek.uitkomst != Uitkomst.AFGEWEZEN
    existing = set(verzoek.documenten.values_list("soort", "definitief"))
    made: list[Document] = []
    if stap == PREVIEW:
        if verzoek.status != Status.TER_BEOORDELING or not (verzoek.levert_export and granted):
            return []
        if any(soort.startswith("afschrift_") for soort, _final in existing):
            return []
        return make_export(verzoek=verzoek, user=user, definitief=False)
    if stap != DECISION or verzoek.status != Status.BESLOTEN:
        return []
    if verzoek.levert_export and granted and (Document.Soort.AFSCHRIFT_PDF, True) not in existing:
        made += make_export(verzoek=verzoek, user=user, definitief=True)
    if not any(soort == Document.Soort.BESLUIT for soort, _final in existing):
        made.append(make_besluit(verzoek=verzoek, user=user))
    return made


def documents_pending(verzoek: Verzoek, documenten: list[Document] | None = None) -> bool:
    """True while a decided request's letter (and, when granted, its export) is still being made.
    ``documenten``: the request's final documents when the caller has them (no query then)."""
    if documenten is None:
        documenten = list(verzoek.documenten.filter(definitief=True))
    kinds = {d.soort for d in documenten if d.definitief}
    if Document.Soort.BESLUIT not in kinds:
        return True
    granted = verzoek.uitkomst != Uitkomst.AFGEWEZEN
    return verzoek.levert_export and granted and Document.Soort.AFSCHRIFT_PDF not in kinds


def documents_failed(verzoek: Verzoek, stap: str) -> bool:
    """True when the job that makes this step's documents (``PREVIEW`` or ``DECISION``) failed for
    good: they will not appear by waiting; the application administrator starts the job again."""
    from core import outbox

    from ..tasks import DOCUMENTS

    return outbox.has_failed(DOCUMENTS, verzoek_id=verzoek.pk, stap=stap)


def document_downloaded(*, document: Document, user) -> None:
    """Every download of a request document is an export in the access log."""
    cats = (
        [Gegevenscategorie.CONTACT]
        if document.soort == Document.Soort.BESLUIT
        else [c for c, _l in Gegevenscategorie.choices]
    )
    audit.export_made(
        user=user,
        object_type="verzoekdocument",
        object_id=document.pk,
        categorieen=cats,
        leerling=document.leerling,
        reden=f"request {document.verzoek.kenmerk}: {document.soort} downloaded",
    )
