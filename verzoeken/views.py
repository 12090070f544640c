"""Staff pages (/staf/verzoeken/): the overview by days left, recording a request from a letter,
the request page with its steps, the director's review, and the register with its CSV export.

Thin views: rows come from ``selectors.staff_requests`` (built on ``access.py``), every step is a
function of ``services/steps.py`` that the state machine checks. A request out of reach answers 404.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_http_methods, require_POST

from core.decorators import staff_required
from core.history import reason_label
from core.pagination import paginate
from core.spreadsheet import csv_response
from core.templatetags.geld import format_euro
from leerlingen import audit, custody
from leerlingen.models import DossierItem

from . import exports, forms, rules, workflow
from .deadlines import today_amsterdam
from .models import (
    Beperking,
    Document,
    Kanaal,
    Rectificatiemelding,
    Soort,
    Status,
    Uitkomst,
    Verzoek,
)
from .rules import RequestRefused
from .selectors import (
    may_record,
    may_see_register,
    recordable_pupils,
    staff_requests,
    task_filters,
    task_requests,
    with_deadline,
)
from .services import common, documents, notifications, steps
from .workflow import TransitionRefused

# The fields a rectification can correct: the pupil's own record, the parents' contact data and
# the dossier (derived fields such as the BRIN or pseudonymous keys are not the pupil's data).
CORRECTABLE = {
    "leerlingnummer",
    "bsn",
    "voornamen",
    "roepnaam",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "geslacht",
    "geboorteplaats",
    "nationaliteit",
    "straat",
    "huisnummer",
    "postcode",
    "woonplaats",
    "telefoon",
    "email",
    "eck_id",
    "datum_inschrijving",
    "datum_uitschrijving",
    "ouders_contact",
    "dossier_studievoortgang",
    "dossier_begeleiding",
    "dossier_medisch",
    "dossier_religie",
}


def _verzoek(request, pk):
    return get_object_or_404(
        staff_requests(request.user).select_related(
            "school",
            "leerling",
            "indiener_ouder",
            "behandelaar",
            "id_gecontroleerd_door",
            "beoordelaar",
        ),
        pk=pk,
    )


def _refused(request, exc: TransitionRefused):
    messages.error(request, exc.messages[0])


@staff_required
def index(request):
    """The open requests; ``?toon=`` narrows them to one line of "Mijn taken" (``taken.py``)."""
    from .taken import LABELS

    rows = task_requests(request.user)
    toon = request.GET.get("toon", "")
    if toon in LABELS:
        rows = rows.filter(task_filters(request.user, today_amsterdam())[toon])
    rows = rows.select_related("school", "leerling", "behandelaar").order_by("uiterste_datum", "id")
    page = paginate(request, rows, 50)
    with_deadline(page.object_list)
    return render(
        request,
        "verzoeken/staf/index.html",
        {
            "page": page,
            "toon": toon if toon in LABELS else "",
            "toon_label": LABELS[toon]() if toon in LABELS else "",
            "may_record": may_record(request.user),
            "may_see_register": may_see_register(request.user),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def find_pupil(request):
    if not may_record(request.user):
        raise Http404
    form = forms.FindPupilForm(request.POST or None)
    matches = []
    if request.method == "POST" and form.is_valid():
        matches = list(
            recordable_pupils(request.user)
            .filter(leerlingnummer=form.cleaned_data["leerlingnummer"].strip())
            .select_related("school")[:10]
        )
        if len(matches) == 1:
            return redirect("verzoeken:nieuw_leerling", leerling=matches[0].pk)
        if not matches:
            form.add_error("leerlingnummer", _("No pupil with this number at your school."))
    return render(request, "verzoeken/staf/zoek.html", {"form": form, "matches": matches})


@staff_required
@require_http_methods(["GET", "POST"])
def new(request, leerling: int):
    pupil = get_object_or_404(
        recordable_pupils(request.user).select_related("school", "groep"), pk=leerling
    )
    indieners = custody.deciders(pupil)
    form = forms.StaffRequestForm(
        request.POST or None,
        indieners=indieners,
        initial={"ontvangen_op": timezone.localdate(), "kanaal": Kanaal.BRIEF},
    )
    same = None
    if request.method == "POST" and form.is_valid():
        indiener = form.cleaned_data["indiener"]
        if request.POST.get("toch") != "ja":
            # The same request twice (a letter and an e-mail, two colleagues): warn, and let the
            # handler record it anyway (issue 18).
            same = _same_open_request(pupil, indiener, form.cleaned_data["soort"])
    if request.method == "POST" and form.is_valid() and same is None:
        indiener = form.cleaned_data["indiener"]
        try:
            verzoek = steps.file_request(
                leerling=pupil,
                soort=form.cleaned_data["soort"],
                kanaal=form.cleaned_data["kanaal"],
                ontvangen_op=form.cleaned_data["ontvangen_op"],
                omschrijving=form.cleaned_data["omschrijving"],
                ouder=indiener.ouder,
                door_leerling=indiener.is_pupil,
                vastgelegd_door=request.user,
            )
        except (TransitionRefused, RequestRefused) as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request,
                _("Request %(kenmerk)s recorded. Deadline: %(date)s.")
                % {"kenmerk": verzoek.kenmerk, "date": verzoek.uiterste_datum.strftime("%d-%m-%Y")},
            )
            return redirect("verzoeken:detail", pk=verzoek.pk)
    return render(
        request,
        "verzoeken/staf/nieuw.html",
        {"leerling": pupil, "form": form, "indieners": indieners, "same": same},
    )


def _same_open_request(pupil, indiener, soort) -> Verzoek | None:
    """An open request of this kind about this pupil by this requester, if there is one."""
    requests = Verzoek.objects.filter(leerling=pupil, soort=soort, status__in=Status.open())
    if indiener.is_pupil:
        requests = requests.filter(indiener_ouder__isnull=True)
    else:
        requests = requests.filter(indiener_ouder=indiener.ouder)
    return requests.order_by("-ontvangen_op", "-pk").first()


def _history(verzoek):
    rows = list(
        verzoek.history.select_related("history_user").order_by("history_date", "history_id")
    )
    for row in rows:
        row.reason_label = reason_label(row.history_change_reason)
    return rows


@staff_required
def detail(request, pk: int):
    verzoek = _verzoek(request, pk)
    with_deadline([verzoek])
    user = request.user
    is_director, is_handler = (
        workflow.is_director(user, verzoek),
        workflow.is_handler(user, verzoek),
    )
    steps = workflow.allowed_steps(verzoek, user, handler=is_handler, director=is_director)
    documenten = list(verzoek.documenten.filter(definitief=True).order_by("soort"))
    context = {
        "verzoek": verzoek,
        "steps": steps,
        "history": _history(verzoek),
        "meldingen": list(verzoek.meldingen.all()),
        "kopieen": list(verzoek.kopieen.all()),
        "documenten": documenten,
        "documents_pending": (
            pending := verzoek.status == Status.BESLOTEN
            and documents.documents_pending(verzoek, documenten)
        ),
        "documents_failed": pending and documents.documents_failed(verzoek, documents.DECISION),
        "signalen": list(verzoek.signalen.all()),
        "is_director": is_director,
        "is_handler": is_handler,
        "identity_form": forms.IdentityForm(),
        "appointment_form": forms.AppointmentForm(),
        "extension_form": forms.ExtensionForm(initial={"gemeld_op": timezone.localdate()}),
        "beperkingen": list(Beperking.objects.filter(leerling_id=verzoek.leerling_id))
        if verzoek.leerling_id
        else [],
    }
    if "submit" in steps:
        velden = None
        if verzoek.soort == Soort.RECTIFICATIE and verzoek.leerling_id:
            from leerlingen.velden import velden_choices

            velden = velden_choices(CORRECTABLE)
            context["changed"] = notifications.changed_fields_since(
                verzoek.leerling, verzoek.vastgelegd_op, user=request.user
            )
            labels = dict(velden)
            context["changed_labels"] = [str(labels.get(c, c)) for c in context["changed"]]
        context["submit_form"] = forms.SubmitForm(
            velden_choices=velden,
            initial={
                "gewijzigde_velden": context.get("changed") or verzoek.gewijzigde_velden,
                "uitkomst": verzoek.uitkomst,
                "motivering": verzoek.motivering,
            },
        )
    if verzoek.soort in rules.PER_CATEGORY and verzoek.leerling_id and verzoek.is_open:
        context["wisdelen"], context["obstakels"] = common.erasure_parts(verzoek)
    return render(request, "verzoeken/staf/detail.html", context)


def _step(request, pk, fn):
    verzoek = _verzoek(request, pk)
    try:
        fn(verzoek)
    except TransitionRefused as exc:
        _refused(request, exc)
    return redirect("verzoeken:detail", pk=pk)


@staff_required
@require_POST
def appointment(request, pk: int):
    form = forms.AppointmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date and time of the appointment."))
        return redirect("verzoeken:detail", pk=pk)

    def do(v):
        steps.plan_appointment(
            verzoek=v, afspraak_op=form.cleaned_data["afspraak_op"], user=request.user
        )
        messages.success(request, _("Appointment recorded."))

    return _step(request, pk, do)


@staff_required
@require_POST
def identity(request, pk: int):
    form = forms.IdentityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the kind of ID document and confirm that you saw it."))
        return redirect("verzoeken:detail", pk=pk)

    def do(v):
        steps.record_identity(
            verzoek=v, document_soort=form.cleaned_data["document_soort"], user=request.user
        )
        messages.success(request, _("Identity check recorded."))

    return _step(request, pk, do)


@staff_required
@require_POST
def extend(request, pk: int):
    form = forms.ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Give the extension, its reasons and the date the requester was told.")
        )
        return redirect("verzoeken:detail", pk=pk)

    def do(v):
        v = steps.extend(
            verzoek=v,
            maanden=form.cleaned_data["maanden"],
            reden=form.cleaned_data["reden"],
            gemeld_op=form.cleaned_data["gemeld_op"],
            user=request.user,
        )
        messages.success(
            request,
            _("Deadline moved to %(date)s.") % {"date": v.uiterste_datum.strftime("%d-%m-%Y")},
        )

    return _step(request, pk, do)


@staff_required
@require_POST
def submit(request, pk: int):
    verzoek = _verzoek(request, pk)
    velden = None
    if verzoek.soort == Soort.RECTIFICATIE:
        from leerlingen.velden import velden_choices

        velden = velden_choices(CORRECTABLE)
    form = forms.SubmitForm(request.POST, velden_choices=velden)
    if not form.is_valid():
        messages.error(request, _("Choose the proposed decision and give its reasons."))
        return redirect("verzoeken:detail", pk=pk)

    def do(v):
        steps.submit(
            verzoek=v,
            uitkomst=form.cleaned_data["uitkomst"],
            motivering=form.cleaned_data["motivering"],
            user=request.user,
            gewijzigde_velden=form.cleaned_data.get("gewijzigde_velden") if velden else None,
        )
        messages.success(request, _("Sent to the director for review."))

    return _step(request, pk, do)


@staff_required
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    """The director's review: what will be handed over, the decision, and approving it."""
    verzoek = _verzoek(request, pk)
    if not workflow.is_director(request.user, verzoek) or verzoek.leerling_id is None:
        raise Http404
    not_prepared = verzoek.status in (Status.ONTVANGEN, Status.ID_GECONTROLEERD)
    if verzoek.voorbereid_op is None or not_prepared:
        messages.info(
            request,
            _(
                "This request has not yet been put to the director: the handler "
                "prepares the decision first. The review opens once it is submitted."
            ),
        )
        return redirect("verzoeken:detail", pk=pk)
    items = list(
        DossierItem.objects.filter(leerling_id=verzoek.leerling_id).order_by("categorie", "-datum")
    )
    form = forms.ReviewForm(
        request.POST or None,
        items=items,
        initial={
            "uitkomst": verzoek.uitkomst,
            "motivering": verzoek.motivering,
            "achtergehouden": verzoek.achtergehouden,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            steps.approve(
                verzoek=verzoek,
                user=request.user,
                uitkomst=form.cleaned_data["uitkomst"],
                motivering=form.cleaned_data["motivering"],
                achtergehouden=form.cleaned_data["achtergehouden"],
            )
        except TransitionRefused as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request,
                _("Decision approved. Send the answer to the requester from the request page."),
            )
            return redirect("verzoeken:detail", pk=pk)
    inzage = exports.collect(verzoek=verzoek) if verzoek.levert_export else None
    if inzage:
        audit.special_data_viewed(
            user=request.user,
            leerling=verzoek.leerling,
            obj=verzoek,
            reden=f"director's review of {verzoek.kenmerk}",
            categorieen=[c.code for c in inzage.categorieen],
        )
    wisdelen, obstakels = (
        common.erasure_parts(verzoek) if verzoek.soort in rules.PER_CATEGORY else ([], [])
    )
    preview = (
        verzoek.documenten.filter(soort=Document.Soort.AFSCHRIFT_PDF)
        .order_by("-aangemaakt_op")
        .first()
    )
    return render(
        request,
        "verzoeken/staf/beoordeling.html",
        {
            "verzoek": verzoek,
            "form": form,
            "inzage": inzage,
            "items": items,
            "preview": preview,
            "preview_failed": preview is None
            and verzoek.uitkomst != Uitkomst.AFGEWEZEN
            and documents.documents_failed(verzoek, documents.PREVIEW),
            "may_approve": "approve"
            in workflow.allowed_steps(verzoek, request.user, director=True),
            "send_back_form": forms.SendBackForm(),
            "meldingen": list(verzoek.meldingen.all()),
            "wisdelen": wisdelen,
            "obstakels": obstakels,
        },
    )


@staff_required
@require_POST
def send_back(request, pk: int):
    form = forms.SendBackForm(request.POST)
    opmerking = form.cleaned_data["opmerking"] if form.is_valid() else ""

    def do(v):
        steps.send_back(verzoek=v, user=request.user, opmerking=opmerking)
        messages.success(request, _("Sent back to the handler."))

    return _step(request, pk, do)


@staff_required
@require_POST
def answer(request, pk: int):
    verzoek = _verzoek(request, pk)
    erase = verzoek.soort == Soort.WISSEN and verzoek.uitkomst != "afgewezen"
    if request.POST.get("bevestigd") != "ja":
        # Releasing cannot be undone: the box on the page says what goes to whom (issue 18).
        messages.error(
            request, _("Nothing was sent: tick the box to confirm that the answer may go out.")
        )
        return redirect("verzoeken:detail", pk=pk)
    try:
        steps.answer(verzoek=verzoek, user=request.user)
    except TransitionRefused as exc:
        _refused(request, exc)
        return redirect("verzoeken:detail", pk=pk)
    if erase:
        messages.success(
            request,
            _(
                "The pupil's data have been erased; the request stays in the register without personal data."
            ),
        )
    else:
        messages.success(
            request,
            _(
                "Answer sent: the letter and any export are available to the requester in the portal."
            ),
        )
    return redirect("verzoeken:detail", pk=pk)


@staff_required
@require_POST
def withdraw(request, pk: int):
    return _step(
        request,
        pk,
        lambda v: steps.withdraw(verzoek=v, user=request.user, reden=request.POST.get("reden", "")),
    )


@staff_required
@require_POST
def copy(request, pk: int):
    def do(v):
        kopie = steps.record_copy(verzoek=v, user=request.user)
        messages.success(
            request,
            _("Copy %(n)d recorded: %(pages)d pages, fee %(fee)s.")
            % {"n": kopie.nummer, "pages": kopie.paginas, "fee": format_euro(kopie.kosten)},
        )

    return _step(request, pk, do)


@staff_required
@require_POST
def informed(request, pk: int):
    melding = get_object_or_404(
        Rectificatiemelding.objects.filter(verzoek__in=staff_requests(request.user)).select_related(
            "verzoek"
        ),
        pk=pk,
    )
    form = forms.InformedForm(request.POST)
    reden = form.cleaned_data["niet_mogelijk_reden"] if form.is_valid() else ""
    try:
        notifications.mark_informed(melding=melding, user=request.user, niet_mogelijk_reden=reden)
        messages.success(
            request, _("Recorded for %(recipient)s.") % {"recipient": melding.ontvanger_naam}
        )
    except TransitionRefused as exc:
        _refused(request, exc)
    return redirect("verzoeken:detail", pk=melding.verzoek_id)


@staff_required
@require_POST
def lift_restriction(request, pk: int):
    beperking = get_object_or_404(
        Beperking.objects.visible_to(request.user).select_related("leerling"), pk=pk
    )
    form = forms.LiftRestrictionForm(request.POST)
    try:
        steps.lift_restriction(
            beperking=beperking,
            user=request.user,
            reden=form.cleaned_data["reden"] if form.is_valid() else "",
        )
        messages.success(request, _("Restriction lifted."))
    except TransitionRefused as exc:
        _refused(request, exc)
    if beperking.verzoek_id:
        return redirect("verzoeken:detail", pk=beperking.verzoek_id)
    return redirect("verzoeken:index")


@staff_required
def document(request, pk: int, doc: int):
    verzoek = _verzoek(request, pk)
    document = get_object_or_404(verzoek.documenten.all(), pk=doc)
    # The export holds every category, care data included: the director only. The letter: every handler.
    if document.soort != Document.Soort.BESLUIT and not workflow.is_director(request.user, verzoek):
        raise Http404
    if document.soort == Document.Soort.BESLUIT and not (
        workflow.is_handler(request.user, verzoek) or workflow.is_director(request.user, verzoek)
    ):
        raise Http404
    documents.document_downloaded(document=document, user=request.user)
    response = HttpResponse(document.content(), content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.bestandsnaam}"'
    return response


# --- the register ----------------------------------------------------------------------------

REGISTER_COLUMNS = [
    ("kenmerk", gettext_lazy("Reference")),
    ("school", gettext_lazy("School")),
    ("soort", gettext_lazy("Kind")),
    ("indiener", gettext_lazy("Requester")),
    ("kanaal", gettext_lazy("Received through")),
    ("ontvangen", gettext_lazy("Received")),
    ("uiterste", gettext_lazy("Deadline")),
    ("verlenging", gettext_lazy("Extension (months)")),
    ("identiteit", gettext_lazy("Identity checked")),
    ("besloten", gettext_lazy("Decided")),
    ("beantwoord", gettext_lazy("Answered")),
    ("behandelaar", gettext_lazy("Handler")),
    ("beoordelaar", gettext_lazy("Reviewer")),
    ("uitkomst", gettext_lazy("Outcome")),
    ("status", gettext_lazy("Status")),
    ("op_tijd", gettext_lazy("On time")),
]


def _register_rows(user):
    return (
        Verzoek.objects.register_for(user)
        .select_related("school", "behandelaar", "beoordelaar")
        .order_by("-ontvangen_op", "-id")
    )


def _d(value):
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return value.strftime("%d-%m-%Y")


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def register_row(v) -> list[str]:
    answered = timezone.localtime(v.beantwoord_op).date() if v.beantwoord_op else None
    if answered:
        on_time = _("yes") if answered <= v.uiterste_datum else _("no")
    else:
        on_time = pgettext("not answered yet", "open") if v.is_open else ""
    return [
        v.kenmerk,
        v.school.brin,
        v.get_soort_display(),
        v.get_indiener_rol_display(),
        v.get_kanaal_display(),
        _d(v.ontvangen_op),
        _d(v.uiterste_datum),
        str(v.verlenging_maanden or ""),
        _d(v.id_gecontroleerd_op),
        _d(v.besloten_op),
        _d(v.beantwoord_op),
        _name(v.behandelaar),
        _name(v.beoordelaar),
        v.get_uitkomst_display() if v.uitkomst else "",
        v.get_status_display(),
        on_time,
    ]


@staff_required
def register(request):
    if not may_see_register(request.user):
        raise Http404
    page = paginate(request, _register_rows(request.user), 50)
    rows = [(v, register_row(v)) for v in page.object_list]
    return render(
        request,
        "verzoeken/staf/register.html",
        {
            "page": page,
            "rows": rows,
            "columns": [label for _code, label in REGISTER_COLUMNS],
        },
    )


@staff_required
def register_csv(request):
    """The register as CSV for an audit: no pupil names, cells that a spreadsheet would run are neutralised."""
    if not may_see_register(request.user):
        raise Http404
    rows = (register_row(v) for v in _register_rows(request.user).iterator(chunk_size=2000))
    header = [str(label) for _code, label in REGISTER_COLUMNS]
    response = csv_response(f"verzoekenregister-{timezone.localdate():%Y%m%d}.csv", header, rows)
    audit.export_made(
        user=request.user,
        object_type="verzoekenregister",
        categorieen=[],
        reden="request register for an audit",
    )
    return response
