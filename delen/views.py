"""Staff pages of the disclosure register: the export flow, the disclosure log, the register of
processing. Thin: access from ``delen/access.py`` querysets, writes in ``delen/services.py``.
"""

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import spreadsheet
from core.decorators import staff_required
from core.pagination import paginate
from leerlingen.admin_filters import id_from_query
from leerlingen.audit import export_made
from leerlingen.models import Groep, Leerling
from leerlingen.restriction import with_restriction_flag
from leerlingen.schooljaar import current_schooljaar

from . import access, services
from .forms import AdoptForm, VerstrekkingForm
from .models import (
    Ontvanger,
    RegisterVersie,
    Soort,
    Verloopwaarschuwing,
    Verstrekking,
    Verwerkersovereenkomst,
    Vordering,
)
from .register import display, register_changes, register_csv, register_snapshot
from .rules import DisclosureRefused, anonymous_default_fields, survey_min_group_size


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_GET
def index(request):
    user = request.user
    ontvangers = (
        Ontvanger.objects.disclosable_by(user)
        .filter(actief=True)
        .select_related("school")
        .order_by("school__naam", "naam")
    )
    verstrekkingen = Verstrekking.objects.visible_to(user).select_related(
        "school", "opgesteld_door"
    )
    page = paginate(request, verstrekkingen, 20)
    context = {
        "ontvangers": ontvangers,
        "page": page,
        "scholen": access.register_schools(user).order_by("naam"),
        "waarschuwingen": Verloopwaarschuwing.objects.visible_to(user)
        .filter(einddatum__gte=timezone.localdate())
        .select_related("overeenkomst__verwerker__school"),
    }
    return render(request, "delen/index.html", context)


def _flow_context(request, ontvanger):
    """Groups, pupils and demands the user may choose from for this recipient."""
    user = request.user
    school = ontvanger.school
    vorderingen = (
        Vordering.objects.visible_to(user)
        .filter(school=school, geweigerd=False)
        .select_related("leerling")
    )
    pupils = Leerling.objects.visible_to(user).filter(
        school=school, datum_uitschrijving__isnull=True
    )
    groepen = Groep.objects.visible_to(user).filter(school=school, schooljaar=current_schooljaar())
    groep_keuze = request.GET.get("groep") or request.POST.get("groep") or ""
    if ontvanger.soort == Soort.POLITIE:
        pupils = Leerling.objects.visible_to(user).filter(id__in=vorderingen.values("leerling_id"))
    elif groep_keuze == "alle":
        pass
    elif (groep_id := id_from_query(groep_keuze)) and groepen.filter(pk=groep_id).exists():
        pupils = pupils.filter(groep_id=groep_id)
    else:
        pupils = pupils.none()
        groep_keuze = ""
    # The restriction flag is read by the rules' check of every chosen pupil (one query, not one each).
    pupils = with_restriction_flag(
        pupils.select_related("groep").order_by("achternaam", "roepnaam", "id")
    )
    return {
        "groepen": groepen,
        "groep_keuze": groep_keuze,
        "pupils": pupils,
        "vorderingen": vorderingen,
    }


def _form(request, ontvanger, ctx, data=None):
    # Group exports start with the whole group ticked; a case (care, Veilig Thuis, police) with none.
    case = ontvanger.soort in (
        Soort.VEILIG_THUIS,
        Soort.ZORGTEAM,
        Soort.SWV,
        Soort.POLITIE,
        Soort.INSPECTIE,
    )
    # The ticks are only needed to show an empty form; a posted form carries its own.
    initial = {
        "leerlingen": []
        if case or data is not None
        else list(ctx["pupils"].values_list("pk", flat=True))
    }
    if ontvanger.soort == Soort.ZORGTEAM:
        initial["velden"] = anonymous_default_fields(ontvanger)
    return VerstrekkingForm(
        data,
        ontvanger=ontvanger,
        leerlingen=ctx["pupils"],
        vorderingen=ctx["vorderingen"],
        initial=initial,
    )


def _render_form(request, ontvanger, ctx, form, weigeringen=(), status=200):
    names = {}
    ids = {i for w in weigeringen for i in w.leerling_ids}
    if ids:
        names = dict(
            (p.pk, p.volledige_naam)
            for p in Leerling.objects.visible_to(request.user).filter(pk__in=ids)
        )
    rows = [
        {"tekst": str(w), "namen": [names[i] for i in w.leerling_ids if i in names]}
        for w in weigeringen
    ]
    context = {
        **ctx,
        "ontvanger": ontvanger,
        "form": form,
        "weigeringen": rows,
        "min_group_size": survey_min_group_size(),
    }
    return _no_store(render(request, "delen/nieuw.html", context, status=status))


@staff_required
def nieuw(request, pk):
    ontvanger = get_object_or_404(
        Ontvanger.objects.disclosable_by(request.user).filter(actief=True).select_related("school"),
        pk=pk,
    )
    ctx = _flow_context(request, ontvanger)
    return _render_form(request, ontvanger, ctx, _form(request, ontvanger, ctx))


@staff_required
@require_POST
def controle(request, pk):
    ontvanger = get_object_or_404(
        Ontvanger.objects.disclosable_by(request.user).filter(actief=True).select_related("school"),
        pk=pk,
    )
    ctx = _flow_context(request, ontvanger)
    form = _form(request, ontvanger, ctx, request.POST)
    if not form.is_valid():
        return _render_form(request, ontvanger, ctx, form, status=400)
    weigeringen, tabel = services.preview(user=request.user, aanvraag=form.aanvraag())
    if weigeringen:
        return _render_form(request, ontvanger, ctx, form, weigeringen, status=400)
    context = {
        **ctx,
        "ontvanger": ontvanger,
        "form": form,
        "tabel": tabel,
        "aanvraag": form.aanvraag(),
        # The disclosure's reference, chosen now: confirming this page twice (a reload, a second
        # click) makes one disclosure (``bevestig``).
        "bevestiging": signing.dumps(
            {
                "k": services.new_kenmerk(timezone.localdate()),
                "u": request.user.pk,
                "o": ontvanger.pk,
            },
            salt=CONFIRMATION_SALT,
        ),
    }
    return _no_store(render(request, "delen/controle.html", context))


CONFIRMATION_SALT = "delen.bevestig"
CONFIRMATION_MAX_AGE = 24 * 3600


class NoConfirmation(Exception):
    """A confirmation posted without the preview's signed field (a hand-made POST)."""


def _confirmed_kenmerk(request, ontvanger) -> str:
    """The reference the preview chose for this disclosure. ``NoConfirmation`` without one: a
    disclosure is only confirmed from its preview; ``signing.BadSignature`` when it was altered,
    expired or is another person's."""
    token = request.POST.get("bevestiging")
    if not token:
        raise NoConfirmation
    data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    if data.get("u") != request.user.pk or data.get("o") != ontvanger.pk:
        raise signing.BadSignature("not this person's confirmation")
    return data["k"]


@staff_required
@require_POST
def bevestig(request, pk):
    ontvanger = get_object_or_404(
        Ontvanger.objects.disclosable_by(request.user).filter(actief=True).select_related("school"),
        pk=pk,
    )
    ctx = _flow_context(request, ontvanger)
    form = _form(request, ontvanger, ctx, request.POST)
    if not form.is_valid():
        return _render_form(request, ontvanger, ctx, form, status=400)
    try:
        kenmerk = _confirmed_kenmerk(request, ontvanger)
    except NoConfirmation:
        messages.error(
            request,
            _(
                "Nothing was recorded: a disclosure is confirmed from its preview. "
                "Check and preview it again, then confirm."
            ),
        )
        return _render_form(request, ontvanger, ctx, form, status=400)
    except signing.BadSignature:
        messages.error(request, _("This confirmation is no longer valid: check the preview again."))
        return _render_form(request, ontvanger, ctx, form, status=400)
    try:
        export = services.disclose(user=request.user, aanvraag=form.aanvraag(), kenmerk=kenmerk)
    except DisclosureRefused as refused:
        return _render_form(request, ontvanger, ctx, form, refused.weigeringen, status=400)
    except IntegrityError:
        # Confirmed before (a reload or a second click): the reference exists; nothing is made again.
        done = Verstrekking.objects.visible_to(request.user).filter(kenmerk=kenmerk).first()
        if done is None:
            raise
        context = {**ctx, "ontvanger": ontvanger, "verstrekking": done}
        return _no_store(render(request, "delen/al_bevestigd.html", context, status=409))
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.bestandsnaam}"'
    response["X-Verstrekking"] = export.verstrekking.kenmerk
    return _no_store(response)


@staff_required
@require_GET
def verstrekking(request, pk):
    v = get_object_or_404(
        Verstrekking.objects.visible_to(request.user).select_related(
            "school", "ontvanger", "opgesteld_door", "goedgekeurd_door", "vordering"
        ),
        pk=pk,
    )
    pupils = (
        Leerling.objects.visible_to(request.user).filter(verstrekkingen=v).select_related("groep")
    )
    page = paginate(request, pupils.order_by("achternaam", "roepnaam", "id"), 50)
    return render(request, "delen/verstrekking.html", {"v": v, "page": page})


@staff_required
@require_GET
def leerling(request, pk):
    pupil = get_object_or_404(Leerling.objects.visible_to(request.user), pk=pk)
    items = services.verstrekkingen_van_leerling(leerling=pupil, user=request.user)
    page = paginate(request, items, 20)
    return render(request, "delen/leerling.html", {"leerling": pupil, "page": page})


@staff_required
@require_GET
def register(request, pk):
    school = get_object_or_404(
        access.register_schools(request.user).select_related("bestuur"), pk=pk
    )
    snapshot = register_snapshot(school)
    formaat = request.GET.get("formaat")
    if formaat in ("csv", "pdf"):
        return _register_file(request, school, snapshot, formaat, label="register")
    latest = services.latest_version(school)
    changes = register_changes(latest.inhoud if latest else None, snapshot)
    context = {
        "school": school,
        "register": display(snapshot),
        "latest": latest,
        "changes": changes,
        "changed_keys": {c.naam for c in changes},
        "versies": RegisterVersie.objects.visible_to(request.user)
        .filter(school=school)
        .order_by("-versie")[:20],
        "may_adopt": access.adoptable_schools(request.user).filter(pk=school.pk).exists(),
        "adopt_form": AdoptForm(),
        "overeenkomsten": {
            o.pk: o
            for o in Verwerkersovereenkomst.objects.visible_to(request.user).filter(
                verwerker__school=school
            )
        },
    }
    return render(request, "delen/register.html", context)


def _register_file(request, school, snapshot, formaat, *, label, versie=None):
    export_made(
        user=request.user,
        object_type="register",
        object_id=versie.pk if versie else school.pk,
        categorieen=(),
        reden=f"register of processing ({formaat})",
    )
    stamp = versie.vastgesteld_op if versie else timezone.localdate()
    name = f"{label}-{school.brin}-{stamp:%Y%m%d}" + (f"-v{versie.versie}" if versie else "")
    if formaat == "csv":
        response = HttpResponse(register_csv(snapshot), content_type=spreadsheet.CONTENT_TYPE)
    else:
        from core.pdf import render_pdf

        content, _html = render_pdf(
            "pdf/delen/register.html",
            {"register": display(snapshot), "school": school, "versie": versie, "datum": stamp},
        )
        response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{formaat}"'
    return _no_store(response)


@staff_required
@require_POST
def vaststellen(request, pk):
    school = get_object_or_404(access.adoptable_schools(request.user), pk=pk)
    form = AdoptForm(request.POST)
    if form.is_valid():
        versie = services.adopt_register(
            school=school, user=request.user, besluit=form.cleaned_data["besluit"]
        )
        messages.success(
            request,
            _("The register was adopted as version %(version)d.") % {"version": versie.versie},
        )
    return redirect("delen:register", pk=school.pk)


@staff_required
@require_GET
def registerversie(request, pk):
    versie = get_object_or_404(
        RegisterVersie.objects.visible_to(request.user).select_related(
            "school", "vastgesteld_door"
        ),
        pk=pk,
    )
    if request.GET.get("formaat") in ("csv", "pdf"):
        return _register_file(
            request,
            versie.school,
            versie.inhoud,
            request.GET["formaat"],
            label="register",
            versie=versie,
        )
    return render(
        request, "delen/registerversie.html", {"versie": versie, "register": display(versie.inhoud)}
    )


@staff_required
@require_GET
def document(request, pk):
    overeenkomst = get_object_or_404(Verwerkersovereenkomst.objects.visible_to(request.user), pk=pk)
    if not overeenkomst.document:
        raise Http404
    response = FileResponse(
        overeenkomst.document.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"verwerkersovereenkomst-{overeenkomst.pk}.pdf",
    )
    return _no_store(response)


@staff_required
@require_GET
def vordering_brief(request, pk):
    """The reply letter to a police demand recorded as received and refused: it names what is missing."""
    from core.pdf import render_pdf

    vordering = get_object_or_404(
        Vordering.objects.visible_to(request.user)
        .filter(geweigerd=True)
        .select_related("school__bestuur"),
        pk=pk,
    )
    export_made(
        user=request.user,
        object_type="vordering",
        object_id=vordering.pk,
        categorieen=(),
        reden="reply letter to a refused police demand",
    )
    content, _html = render_pdf(
        "pdf/delen/vordering_weigering.html",
        {
            "vordering": vordering,
            "school": vordering.school,
            "gronden": vordering.weigeringsgronden(),
            "datum": timezone.localdate(),
        },
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="antwoord-vordering-{vordering.pk}.pdf"'
    )
    return _no_store(response)
