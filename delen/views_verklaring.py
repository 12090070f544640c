"""The privacy statement as pages: the director's and FG's page with the stored versions and a
button that generates a new one, and the download of a stored version; and the parent portal's
page of a child's school (``portal``). Access: ``visible_to``; in the portal, the family
(``leerlingen.portal``).
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.decorators import staff_required
from leerlingen.access import bestuur_ids, school_ids
from leerlingen.models import School
from leerlingen.portal import portal_child_or_404, portal_login_required

from .models_verklaring import MANAGING_BESTUUR_ROLES, MANAGING_SCHOOL_ROLES, Privacyverklaring
from .privacyverklaring import new_statement_version, pdf_failed, statement_on


def managed_schools(user):
    """The schools whose statement ``user`` manages: the director's school, the FG's board's schools."""
    return School.objects.visible_to(user).by_rule(
        user,
        lambda u: (
            Q(id__in=school_ids(u, MANAGING_SCHOOL_ROLES))
            | Q(bestuur_id__in=bestuur_ids(u, MANAGING_BESTUUR_ROLES))
        ),
    )


def _language() -> str:
    return translation.get_language() or "nl"


def _pdf_response(verklaring: Privacyverklaring) -> HttpResponse:
    if not verklaring.pdf_ready:  # the outbox job has not rendered it yet (issue 21)
        response = HttpResponse(
            _("The document is being prepared. Try again in a moment."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "10"
        return response
    response = FileResponse(
        verklaring.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=verklaring.bestandsnaam,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_GET
def index(request):
    schools = list(managed_schools(request.user).order_by("naam")[:200])
    if not schools:
        raise Http404
    if len(schools) == 1:
        return redirect("privacyverklaring:school", pk=schools[0].pk)
    return render(request, "delen/privacyverklaring_index.html", {"schools": schools})


@staff_required
@require_GET
def school(request, pk: int):
    school = get_object_or_404(managed_schools(request.user).select_related("bestuur"), pk=pk)
    versies = list(
        Privacyverklaring.objects.visible_to(request.user)
        .filter(school=school)
        .select_related("gegenereerd_door")
        .order_by("-versie")[:50]
    )
    huidig = statement_on(school=school, language=_language())
    return render(
        request,
        "delen/privacyverklaring.html",
        {"school": school, "versies": versies, "huidig": huidig, "mislukt": pdf_failed(versies)},
    )


@staff_required
@require_POST
def generate(request, pk: int):
    school = get_object_or_404(managed_schools(request.user), pk=pk)
    language = request.POST.get("taal") if request.POST.get("taal") in ("nl", "en") else _language()
    verklaring, created = new_statement_version(
        school=school, user=request.user, language=language, pdf_later=True
    )
    if not created:
        messages.info(
            request,
            _(
                "The statement is unchanged: nothing in the register changed since version "
                "%(version)s of %(date)s, so no new version was stored. Its PDF is in the list below."
            )
            % {
                "version": verklaring.versie,
                "date": date_format(timezone.localtime(verklaring.gegenereerd_op), "j F Y"),
            },
        )
        return redirect("privacyverklaring:school", pk=school.pk)
    # The PDF is rendered by the outbox job, not inside this POST (issue 21).
    messages.success(
        request,
        _(
            "Version %(version)s is stored. Its PDF is being prepared and appears in the list "
            "below in a moment."
        )
        % {"version": verklaring.versie},
    )
    return redirect("privacyverklaring:school", pk=school.pk)


@login_required  # staff and parents alike: the statement's own visible_to decides
@require_GET
def download(request, pk: int):
    verklaring = get_object_or_404(
        Privacyverklaring.objects.visible_to(request.user).select_related("school"), pk=pk
    )
    return _pdf_response(verklaring)


@staff_required
@require_GET
def version(request, pk: int):
    verklaring = get_object_or_404(
        Privacyverklaring.objects.visible_to(request.user).select_related("school"), pk=pk
    )
    if not managed_schools(request.user).filter(pk=verklaring.school_id).exists():
        raise Http404
    return render(
        request,
        "delen/privacyverklaring_versie.html",
        {
            "verklaring": verklaring,
            "school": verklaring.school,
            "mislukt": pdf_failed([verklaring]),
        },
    )


def portal_statement(request, school: School) -> tuple[Privacyverklaring, date | None]:
    """The statement a parent sees: the current one (generated if there is none yet, its PDF left
    to the outbox job as for a director's new version: issue 21), or the one that applied on the
    day asked for (``?datum=YYYY-MM-DD``)."""
    asked = None
    try:
        asked = date.fromisoformat(request.GET.get("datum", ""))
    except ValueError:
        asked = None
    if asked is not None:
        earlier = statement_on(school=school, day=asked, language=_language())
        if earlier is not None:
            return earlier, asked
    current = statement_on(school=school, language=_language())
    if current is None:
        current, _created = new_statement_version(
            school=school, user=None, language=_language(), if_missing=True, pdf_later=True
        )
    return current, None


@portal_login_required
def portal(request, pk: int):
    """The school's stored privacy statement in the parent portal, for one of the user's children:
    the current one, or the one of ``?datum=``; ``?formaat=pdf`` downloads it."""
    leerling = portal_child_or_404(request, pk)
    verklaring, datum = portal_statement(request, leerling.school)
    if request.GET.get("formaat") == "pdf":
        return _pdf_response(verklaring)
    # The portal templates show the messages themselves (``page_messages``).
    return render(
        request,
        "delen/portaal_privacyverklaring.html",
        {
            "leerling": leerling,
            "school": leerling.school,
            "verklaring": verklaring,
            "mislukt": pdf_failed([verklaring]),
            "datum": datum,
            "messages": None,
            "page_messages": get_messages(request),
        },
    )
