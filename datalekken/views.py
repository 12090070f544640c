"""The breach register's pages for the FG and the director (/staf/datalekken/), the processors'
report page (/datalek-melden/<token>/) and the letters in the portal (/portaal/datalekken/).
A record outside the user's reach answers 404."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.decorators import staff_required
from core.pagination import paginate
from core.pdf import render_pdf
from core.spreadsheet import csv_response
from leerlingen import audit
from leerlingen.access import bestuur_ids
from leerlingen.portal import portal_login_required
from leerlingen.rol import Rol

from . import exports, rules, services
from .access import may_keep_register
from .forms import (
    APDecisionForm,
    DatalekForm,
    MeldlinkForm,
    PeopleDecisionForm,
    ProcessorReportForm,
    RegisterFilter,
    agreement_model,
    processor_model,
)
from .letters import letter_pdf
from .models import Bericht, Datalek


def register_required(view):
    """A staff page of the FG or the director; anyone else gets 404."""

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_keep_register(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _mine(request):
    return Datalek.objects.visible_to(request.user).select_related("school", "bestuur")


def _filtered(request):
    form = RegisterFilter(request.GET or None, user=request.user)
    qs = _mine(request)
    if form.is_valid():
        f = form.cleaned_data
        if f.get("school"):
            qs = qs.filter(school=f["school"])
        if f.get("status"):
            qs = qs.filter(ap_besluit=f["status"])
        if f.get("risico"):
            qs = qs.filter(risico=f["risico"])
        if f.get("jaar"):
            qs = qs.filter(ontdekt_op__year=f["jaar"])
    return form, qs


@register_required
@require_GET
def index(request):
    form, qs = _filtered(request)
    fmt = request.GET.get("formaat")
    if fmt == "csv":
        return _csv(request, qs)
    if fmt == "pdf":
        return _pdf(request, qs)
    page = paginate(request, qs)
    now = timezone.now()
    for d in page:
        d.uren = rules.hours_left(d, now)
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "datalekken/index.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "open": [d for d in _mine(request).filter(ap_besluit="open").order_by("ontdekt_op")],
            "now": now,
        },
    )


def _csv(request, qs):
    audit.export_made(
        user=request.user, object_type="datalek", categorieen=set(), reden="breach register CSV"
    )
    return csv_response(
        f"datalekkenregister-{timezone.localdate():%Y%m%d}.csv",
        exports.CSV_HEADER,
        (exports.csv_row(d) for d in qs.iterator(chunk_size=500)),
    )


def _pdf(request, qs):
    audit.export_made(
        user=request.user, object_type="datalek", categorieen=set(), reden="breach register PDF"
    )
    pdf, _html = render_pdf(
        "pdf/datalekkenregister.html",
        {"datalekken": list(qs[:1000]), "datum": timezone.localdate()},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="datalekkenregister-{timezone.localdate():%Y%m%d}.pdf"'
    )
    return response


@register_required
@require_http_methods(["GET", "POST"])
def new(request):
    form = DatalekForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        datalek = form.save(commit=False)
        if datalek.school_id is None:
            boards = sorted(bestuur_ids(request.user, (Rol.FG,)))
            if not boards:
                raise Http404
            datalek.bestuur_id = boards[0]
        else:
            datalek.bestuur_id = datalek.school.bestuur_id
        services.record(datalek, by=request.user, leerlingen=form.cleaned_data["leerlingen"])
        return redirect("datalekken:detail", datalek.pk)
    return render(request, "datalekken/form.html", {"form": form})


@register_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    datalek = get_object_or_404(_mine(request), pk=pk)
    form = DatalekForm(request.POST or None, instance=datalek, user=request.user)
    if request.method == "POST" and form.is_valid():
        datalek = form.save(commit=False)
        if datalek.school_id:
            datalek.bestuur_id = datalek.school.bestuur_id
        services.record(datalek, by=request.user)
        datalek.leerlingen.set(form.cleaned_data["leerlingen"])
        return redirect("datalekken:detail", datalek.pk)
    return render(request, "datalekken/form.html", {"form": form, "datalek": datalek})


@register_required
@require_GET
def detail(request, pk):
    datalek = get_object_or_404(_mine(request), pk=pk)
    return _detail(request, datalek, APDecisionForm(), PeopleDecisionForm())


def _detail(request, datalek, ap_form, people_form, status=200):
    return render(
        request,
        "datalekken/detail.html",
        {
            "datalek": datalek,
            "uren": rules.hours_left(datalek),
            "open": rules.is_open(datalek),
            "ap_form": ap_form,
            "people_form": people_form,
            "leerlingen": datalek.leerlingen.order_by("achternaam"),
            # through the processors' own access rule: a link only to what this user may open
            "verwerker": processor_model()
            .objects.visible_to(request.user)
            .filter(pk=datalek.verwerker_id)
            .first()
            if datalek.verwerker_id
            else None,
            "overeenkomst": agreement_model()
            .objects.visible_to(request.user)
            .filter(pk=datalek.overeenkomst_id)
            .first()
            if datalek.overeenkomst_id
            else None,
            "berichten": datalek.berichten.select_related("leerling", "ouder"),
            "addressees": services.addressees(datalek)
            if datalek.betrokkenen_besluit == "open"
            else [],
        },
        status=status,
    )


def _add_errors(form, exc: ValidationError):
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@register_required
@require_POST
def decide_ap(request, pk):
    datalek = get_object_or_404(_mine(request), pk=pk)
    form = APDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_ap(datalek, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The decision on notifying the AP is recorded."))
            return redirect("datalekken:detail", datalek.pk)
    return _detail(request, datalek, form, PeopleDecisionForm(), status=400)


@register_required
@require_POST
def decide_people(request, pk):
    datalek = get_object_or_404(_mine(request), pk=pk)
    form = PeopleDecisionForm(request.POST)
    if form.is_valid():
        try:
            made = services.decide_people(datalek, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("The decision is recorded; letters made: %(n)s.") % {"n": made}
            )
            return redirect("datalekken:detail", datalek.pk)
    return _detail(request, datalek, APDecisionForm(), form, status=400)


@register_required
@require_GET
def ap_form(request, pk):
    datalek = get_object_or_404(_mine(request), pk=pk)
    audit.export_made(
        user=request.user,
        object_type="datalek",
        object_id=datalek.pk,
        categorieen=set(),
        reden="breach AP notification form",
    )
    if request.GET.get("formaat") == "txt":
        response = HttpResponse(
            exports.ap_form_text(datalek), content_type="text/plain; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{datalek.kenmerk}-ap-melding.txt"'
        return response
    return render(
        request,
        "datalekken/ap_formulier.html",
        {"datalek": datalek, "velden": exports.ap_form(datalek)},
    )


@register_required
@require_GET
def letter(request, pk, bericht_pk=None):
    """The letter as the family receives it: a stored letter, or a preview for the first addressee."""
    datalek = get_object_or_404(_mine(request), pk=pk)
    if bericht_pk is not None:
        bericht = get_object_or_404(
            Bericht.objects.visible_to(request.user), pk=bericht_pk, datalek=datalek
        )
    else:
        targets = services.addressees(datalek)
        if not targets:
            raise Http404
        leerling, ouder = targets[0]
        bericht = Bericht(datalek=datalek, leerling=leerling, ouder=ouder)
    audit.export_made(
        user=request.user,
        object_type="datalek",
        object_id=datalek.pk,
        categorieen=set(),
        reden="breach letter PDF",
        leerling=bericht.leerling,
    )
    response = HttpResponse(letter_pdf(bericht), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{datalek.kenmerk}-brief.pdf"'
    return response


@register_required
@require_http_methods(["GET", "POST"])
def issue_link(request):
    form = MeldlinkForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.issue_link(
            verwerker=form.cleaned_data["verwerker"],
            email=form.cleaned_data["email"],
            by=request.user,
        )
        messages.success(request, _("The one-time link is being sent to the processor."))
        return redirect("datalekken:index")
    return render(request, "datalekken/meldlink.html", {"form": form})


@register_required
@require_POST
def from_flag(request):
    """The access review's unusual-volume flag as an incident, carrying its facts."""
    uur = parse_datetime(request.POST.get("uur", ""))
    try:
        gebruiker_id = int(request.POST.get("gebruiker", ""))
    except ValueError:
        raise Http404 from None
    if uur is None:
        raise Http404
    if timezone.is_naive(uur):
        uur = timezone.make_aware(uur)
    datalek = services.from_unusual_volume(user=request.user, gebruiker_id=gebruiker_id, uur=uur)
    if datalek is None:
        raise Http404
    return redirect("datalekken:detail", datalek.pk)


# --- the processor's page (no account: the one-time link is the key) -------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def processor_report(request, token):
    link = services.valid_link(token)
    if link is None:
        return render(request, "datalekken/melden_ongeldig.html", status=404)
    form = ProcessorReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        facts = {k: v for k, v in form.cleaned_data.items()}
        datalek = services.report_by_processor(token, **facts)
        if datalek is None:
            return render(request, "datalekken/melden_ongeldig.html", status=404)
        return render(request, "datalekken/melden_ontvangen.html", {"kenmerk": datalek.kenmerk})
    return render(request, "datalekken/melden.html", {"form": form, "link": link})


# --- the portal: the letters addressed to this parent or pupil -----------------------------------


def portal_link(user):
    """The portal navigation's link to the letters, for whom there are any (``register_portal_link``)."""
    if not Bericht.objects.for_portal(user).exists():
        return None
    return (
        reverse("datalekken_portaal:index"),
        _("Letters about data breaches"),
        "datalekken_portaal",
    )


@portal_login_required
@require_GET
def portal_index(request):
    berichten = (
        Bericht.objects.for_portal(request.user)
        .select_related("datalek", "leerling")
        .order_by("-aangemaakt")
    )
    return render(request, "datalekken/portaal.html", {"berichten": berichten})


@portal_login_required
@require_GET
def portal_letter(request, pk):
    bericht = get_object_or_404(
        Bericht.objects.for_portal(request.user).select_related("datalek"), pk=pk
    )
    response = HttpResponse(letter_pdf(bericht), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{bericht.datalek.kenmerk}.pdf"'
    return response
