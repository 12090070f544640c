"""The parent portal's request pages (/portaal/verzoeken/): file a request, follow its status,
download the decision letter and the released export.

Log-in and the family check are the register's (``leerlingen.portal.portal_login_required``,
``leerlingen.portal.portal_children``): there is one portal log-in. A request or document out
of the user's own requests answers 404.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from leerlingen import custody
from leerlingen.portal import portal_children, portal_login_required, portal_person

from .forms import PortalRequestForm
from .models import Kanaal, Status, Verzoek
from .rules import MESSAGES, RequestRefused
from .services import documents, steps
from .workflow import MACHINE, TransitionRefused


def _choices(user):
    """(pupil, allowed, reason) for each child in the portal: who the user may file for."""
    out = []
    for kind in portal_children(user):
        refused = custody.portal_refusal(user, kind, request=True)
        out.append((kind, refused is None, MESSAGES[refused] if refused else ""))
    return out


def _mine(request):
    return Verzoek.objects.filed_by(request.user).select_related("leerling", "school")


@portal_login_required
def index(request):
    verzoeken = list(_mine(request).order_by("-ontvangen_op", "-id"))
    return render(
        request,
        "verzoeken/portaal/index.html",
        {"verzoeken": verzoeken, "kinderen": _choices(request.user)},
    )


@portal_login_required
@require_http_methods(["GET", "POST"])
def new(request):
    choices = _choices(request.user)
    allowed = [
        (str(k.pk), k.volledige_naam if k.account_id != request.user.id else _("myself"))
        for k, ok, _r in choices
        if ok
    ]
    form = PortalRequestForm(
        request.POST or None,
        kinderen=allowed,
        pupil=portal_person(request.user).is_pupil,
        initial={"soort": request.GET.get("soort", "inzage")},
    )
    if request.method == "POST" and form.is_valid():
        kind = next(k for k, ok, _r in choices if ok and str(k.pk) == form.cleaned_data["kind"])
        decider = custody.portal_decider(request.user, kind)
        try:
            verzoek = steps.file_request(
                leerling=kind,
                soort=form.cleaned_data["soort"],
                kanaal=Kanaal.PORTAAL,
                omschrijving=form.cleaned_data["omschrijving"],
                ouder=decider.ouder,
                door_leerling=decider.is_pupil,
                vastgelegd_door=request.user,
            )
        except (RequestRefused, TransitionRefused) as exc:
            form.add_error(None, exc.messages[0])
        else:
            # The detail page confirms the receipt itself (no flash message: base.html's message list
            # carries role="status" on the <ul>, which axe-core flags).
            return redirect(f"{reverse('verzoeken_portaal:detail', args=[verzoek.pk])}?ontvangen=1")
    return render(
        request,
        "verzoeken/portaal/nieuw.html",
        {
            "form": form,
            "blocked": [(k, r) for k, ok, r in choices if not ok],
        },
    )


STEPS = [
    (Status.ONTVANGEN, gettext_lazy("Received")),
    (Status.ID_GECONTROLEERD, gettext_lazy("Identity checked")),
    (Status.TER_BEOORDELING, gettext_lazy("Being decided")),
    (Status.AFGEHANDELD, gettext_lazy("Answered")),
]


def _progress(verzoek):
    order = [
        Status.ONTVANGEN,
        Status.ID_GECONTROLEERD,
        Status.TER_BEOORDELING,
        Status.BESLOTEN,
        Status.AFGEHANDELD,
    ]
    current = order.index(verzoek.status) if verzoek.status in order else -1
    out = []
    for status, label in STEPS:
        idx = order.index(status)
        out.append(
            {
                "label": label,
                "done": current >= idx,
                "current": verzoek.status == status
                or (status == Status.TER_BEOORDELING and verzoek.status == Status.BESLOTEN),
            }
        )
    return out


@portal_login_required
def detail(request, pk: int):
    verzoek = get_object_or_404(_mine(request), pk=pk)
    documenten = list(verzoek.documenten.filter(vrijgegeven_op__isnull=False).order_by("soort"))
    return render(
        request,
        "verzoeken/portaal/detail.html",
        {
            "verzoek": verzoek,
            "documenten": documenten,
            "stappen": _progress(verzoek),
            "may_withdraw": MACHINE.allows(verzoek.status, "withdraw_by_requester"),
            "net_ontvangen": request.GET.get("ontvangen") == "1",
        },
    )


@portal_login_required
@require_POST
def withdraw(request, pk: int):
    verzoek = get_object_or_404(_mine(request), pk=pk)
    try:
        steps.withdraw(verzoek=verzoek, user=request.user, door_indiener=True)
    except TransitionRefused:
        messages.error(
            request,
            _(
                "This request is already being decided and can no longer be withdrawn here; contact the school."
            ),
        )
        return redirect("verzoeken_portaal:detail", pk=pk)
    messages.success(request, _("Your request has been withdrawn."))
    return redirect("verzoeken_portaal:detail", pk=pk)


@portal_login_required
def document(request, pk: int, doc: int):
    verzoek = get_object_or_404(_mine(request), pk=pk)
    document = verzoek.documenten.filter(pk=doc, vrijgegeven_op__isnull=False).first()
    if document is None:
        raise Http404
    documents.document_downloaded(document=document, user=request.user)
    response = HttpResponse(document.content(), content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.bestandsnaam}"'
    response["Cache-Control"] = "no-store"
    return response
