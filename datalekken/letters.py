"""The art. 34 letter to the people concerned: one PDF per addressee, with the one PDF helper."""

from django.utils import timezone

from core.pdf import render_pdf

from .models import Bericht


def letter_context(bericht: Bericht) -> dict:
    d = bericht.datalek
    school = d.school or bericht.leerling.school
    return {
        "datalek": d,
        "bericht": bericht,
        "school": school,
        "leerling": bericht.leerling,
        "ouder": bericht.ouder,
        "datum": timezone.localdate(),
        "fg_naam": d.bestuur.fg_naam,
        "fg_email": d.bestuur.fg_email,
    }


def letter_pdf(bericht: Bericht) -> bytes:
    pdf, _html = render_pdf("pdf/datalek_brief.html", letter_context(bericht))
    return bytes(pdf)  # plain bytes: an e-mail attachment is deep-copied
