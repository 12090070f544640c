"""The parent portal (/portaal/): log-in by code or e-mail link, and per child the consent questions.

Thin views: reads come from ``selectors.py`` (through ``visible_to``), writes from ``services.py``
and ``portal_auth.py``. The log-in check and the family are the register's (``leerlingen.portal``):
a child outside the user's family answers 404.
"""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.messages import get_messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.client import client_ip
from core.owntext import own_text_plain
from core.pagination import paginate
from core.prepared import Compiled
from leerlingen import custody
from leerlingen.portal import (
    closed_children,
    portal_child,
    portal_child_or_404,
    portal_children,
    portal_login_required,
)

from . import portal_auth
from .forms import CodeForm, EmailForm, PasswordForm
from .models import Beslisser, Doel, Toestemming
from .rules import MESSAGES, ConsentRefused
from .selectors import portal_status
from .services import ANY_PREVIOUS, answer_form, give_consent

BACKEND = "leerlingen.accounts.AccountBackend"


def render_page(request, template: str, context: dict | None = None, status: int = 200):
    """Render a consent page. Its messages are shown by the consent templates themselves: base.html
    puts them in a ``<ul role="status">``, which hides the list from assistive technology (axe:
    listitem, WCAG 1.3.1)."""
    context = dict(context or {})
    context.update(messages=None, page_messages=get_messages(request))
    return render(request, template, context, status=status)


def _log_in(request, user):
    login(request, user, backend=BACKEND)
    next_url = request.POST.get("next") or ""
    if next_url.startswith("/portaal/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("portaal:overzicht")


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated and portal_auth.portal_holder_exists(request.user):
        return redirect("portaal:overzicht")
    code_form, email_form, password_form = CodeForm(), EmailForm(), PasswordForm()
    methode = request.POST.get("methode") if request.method == "POST" else None
    status = 200
    try:
        if methode == "code":
            code_form = CodeForm(request.POST)
            if code_form.is_valid():
                user = portal_auth.redeem_code(
                    raw_code=code_form.cleaned_data["code"], ip=client_ip(request)
                )
                if user is not None:
                    return _log_in(request, user)
                code_form.add_error(
                    "code",
                    _("This code is not valid. Check the code, or ask the school for a new one."),
                )
            status = 400
        elif methode == "email":
            email_form = EmailForm(request.POST)
            if email_form.is_valid():
                portal_auth.request_link(
                    email=email_form.cleaned_data["email"], ip=client_ip(request)
                )
                return redirect("portaal:link_verstuurd")
            status = 400
        elif methode == "wachtwoord":
            password_form = PasswordForm(request.POST)
            if password_form.is_valid():
                user = portal_auth.password_login(
                    request=request,
                    username=password_form.cleaned_data["username"],
                    password=password_form.cleaned_data["password"],
                    ip=client_ip(request),
                )
                if user is not None:
                    return _log_in(request, user)
                password_form.add_error(None, _("The user name and password do not match."))
            status = 400
    except portal_auth.Throttled:
        messages.error(
            request, _("Too many attempts from this connection. Wait 15 minutes and try again.")
        )
        status = 429
    return render_page(
        request,
        "toestemming/portaal/login.html",
        {
            "code_form": code_form,
            "email_form": email_form,
            "password_form": password_form,
            "methode": methode,
            "next": request.GET.get("next") or request.POST.get("next", ""),
        },
        status=status,
    )


@never_cache
def link_sent(request):
    return render_page(
        request, "toestemming/portaal/link_verstuurd.html", {"minutes": portal_auth.LINK_MINUTES}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def link_login(request, token: str):
    """GET shows a button; only the POST uses the link, so a mail scanner cannot spend it."""
    if request.method == "POST":
        try:
            user = portal_auth.redeem_link(token=token, ip=client_ip(request))
        except portal_auth.Throttled:
            user = None
        if user is not None:
            return _log_in(request, user)
        return render_page(request, "toestemming/portaal/link_ongeldig.html", status=400)
    return render_page(request, "toestemming/portaal/link.html", {"token": token})


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, _("You have been logged out."))
    return redirect("portaal:login")


@portal_login_required
def overview(request):
    kinderen = portal_status(user=request.user, leerlingen=portal_children(request.user))
    open_total = sum(k.mijn_open_count for k in kinderen if k.kan_beslissen)
    return render_page(
        request,
        "toestemming/portaal/overzicht.html",
        {
            "kinderen": kinderen,
            "open_total": open_total,
            "beslist": any(k.kan_beslissen for k in kinderen),
            "gesloten": closed_children(request.user),
        },
    )


@portal_login_required
def consent_start(request):
    """ "Consent" in the navigation: the first child whose form waits for this person's answer,
    else the first child they decide for, else the overview."""
    kinderen = portal_status(user=request.user, leerlingen=portal_children(request.user))
    deciding = [k for k in kinderen if k.kan_beslissen and k.vragen]
    waiting = [k for k in deciding if k.mijn_open_count]
    first = (waiting or deciding or [None])[0]
    if first is None:
        return redirect("portaal:overzicht")
    return redirect("portaal:kind", pk=first.leerling.pk)


def _choice(request, title: str, targets: list[tuple[str, str]]):
    if len(targets) == 1:
        return redirect(targets[0][0])
    return render_page(
        request, "toestemming/portaal/kies.html", {"title": title, "targets": targets}
    )


@portal_login_required
def history_choice(request):
    """ "History" in the navigation: the history of the one child, or a choice of children."""
    targets = [
        (reverse("portaal:geschiedenis", args=[k.pk]), k.volledige_naam)
        for k in portal_children(request.user)
    ]
    return _choice(request, _("History of my answers"), targets)


@portal_login_required
def statement_choice(request):
    """ "Privacy statement" in the navigation: each school of the family has its own statement."""
    targets: dict[int, tuple[str, str]] = {}
    for k in portal_children(request.user):
        targets.setdefault(
            k.school_id,
            (reverse("privacyverklaring_portaal:kind", args=[k.pk]), k.school.naam),
        )
    return _choice(request, _("Privacy statement of the school"), list(targets.values()))


_SHOWN = {"ja": True, "nee": False, "": None}


@portal_login_required
@require_http_methods(["GET", "POST"])
def child(request, pk: int):
    """A child's form for this year: every question answered in one submit ("yes to all", "no to
    all", or per purpose); after saving, straight to the next child this person decides for, with
    the confirmation in view. Works without JavaScript."""
    leerling = portal_child_or_404(request, pk)
    (status,) = portal_status(user=request.user, leerlingen=[leerling])
    if request.method == "POST":
        return _save_form(request, leerling, status)
    return render_page(
        request,
        "toestemming/portaal/kind.html",
        {"kind": status, "leerling": leerling, "reden": _reason(status)},
    )


def _reason(status) -> str:
    """Why this person cannot answer; for an adult pupil's parent, that the pupil decides."""
    if status.reden == custody.Refusal.FROM_16 and status.volwassen:
        return _(
            "%(naam)s is 18 and decides on consent. You can see the answers, but not change them."
        ) % {"naam": status.leerling.roepnaam}
    return str(MESSAGES.get(status.reden, ""))


def _save_form(request, leerling, status):
    here = reverse("portaal:kind", args=[leerling.pk])
    if not status.kan_beslissen:
        messages.error(request, MESSAGES.get(status.reden) or _("You cannot change these answers."))
        return redirect(here)
    alles = request.POST.get("alles")
    antwoorden = []
    for vraag in status.vragen:
        keuze = alles if alles in ("ja", "nee") else request.POST.get(f"doel_{vraag.doel.pk}")
        if keuze not in ("ja", "nee"):
            continue
        # The answer the form showed: a second tab with an older page must not overrule the first.
        verwacht = _SHOWN.get(request.POST.get(f"vorig_{vraag.doel.pk}", ""), ANY_PREVIOUS)
        antwoorden.append((vraag.doel, keuze == "ja", verwacht))
    if not antwoorden:
        messages.error(request, _("Choose yes or no for at least one question."))
        return redirect(here)
    decider = custody.portal_decider(request.user, leerling)
    try:
        rows = answer_form(
            leerling=leerling,
            antwoorden=antwoorden,
            ouder=decider.ouder,
            door_leerling=decider.is_pupil,
            vastgelegd_door=request.user,
        )
    except ConsentRefused as refused:
        if refused.rule in ("no_form", "wrong_purpose"):
            raise Http404 from None
        messages.error(request, refused.messages[0])
        return redirect(here)
    ja = sum(1 for _doel, gegeven, _v in antwoorden if gegeven)
    nee = len(antwoorden) - ja
    wie = pgettext("pupil", "you") if status.is_zelf else leerling.roepnaam
    messages.success(
        request,
        _("Saved for %(wie)s: %(ja)s × yes, %(nee)s × no.") % {"wie": wie, "ja": ja, "nee": nee},
    )
    if any(row.is_intrekking for row in rows):
        if status.is_zelf:
            note = pgettext(
                "pupil",
                "Photos or videos already published are not removed by a withdrawal; "
                "ask the school if you want something taken down.",
            )
        else:
            note = _(
                "Photos or videos already published are not removed by a withdrawal; "
                "ask the school if you want something taken down."
            )
        messages.info(request, note)
    return redirect(_next_child(request.user, leerling))


def _next_child(user, leerling) -> str:
    """The form of the next child this person decides for, else the overview."""
    family = list(portal_children(user))
    later = family[[k.pk for k in family].index(leerling.pk) + 1 :]
    for kind in portal_status(user=user, leerlingen=later):
        if kind.kan_beslissen and kind.vragen:
            return reverse("portaal:kind", args=[kind.leerling.pk])
    return reverse("portaal:overzicht")


# A purpose of the child's school, for a decision: compiled once (``core.prepared``, docs/scale.md).
_DOEL = Compiled(
    lambda pk, school_id: Doel.objects.filter(pk=pk, school_id=school_id).order_by("pk")[:1],
    pk=int,
    school_id=int,
)


@portal_login_required
@require_POST
def decide(request, pk: int, doel_id: int):
    """One answer to one question: a few small queries, as thousands of parents answer at once
    (issue 11). The child comes through ``visible_to``; a purpose that is not on this year's form
    of the child's school answers 404, as an unknown id does; the rules are ``give_consent``'s."""
    leerling = portal_child(request.user, pk)
    doel = _DOEL.first(pk=doel_id, school_id=leerling.school_id) if leerling else None
    if doel is None:
        raise Http404
    antwoord = request.POST.get("antwoord")
    if antwoord not in ("ja", "nee"):
        messages.error(request, _("Choose yes or no."))
        return redirect(f"{reverse('portaal:kind', args=[pk])}#doel-{doel_id}")
    gegeven = antwoord == "ja"
    # The answer the form showed: a second tab with an older page must not overrule the first.
    verwacht = {"ja": True, "nee": False, "": None}.get(request.POST.get("vorig"), ANY_PREVIOUS)
    decider = custody.portal_decider(request.user, leerling)
    try:
        row = give_consent(
            leerling=leerling,
            doel=doel,
            gegeven=gegeven,
            ouder=decider.ouder,
            door_leerling=decider.is_pupil,
            vastgelegd_door=request.user,
            verwacht=verwacht,
        )
    except ConsentRefused as refused:
        if refused.rule in ("no_form", "wrong_purpose"):
            raise Http404 from None
        messages.error(request, refused.messages[0])
    else:
        if row.is_intrekking:
            if decider.is_pupil:
                msg = pgettext(
                    "pupil",
                    "Consent withdrawn for “%(doel)s”. Photos or videos already published are not "
                    "removed by this; ask the school if you want something taken down.",
                )
            else:
                msg = _(
                    "Consent withdrawn for “%(doel)s”. Photos or videos already published are not removed by this; "
                    "ask the school if you want something taken down."
                )
        elif gegeven:
            msg = _("Consent given for “%(doel)s”.")
        else:
            msg = _("Saved: no consent for “%(doel)s”.")
        messages.success(request, msg % {"doel": own_text_plain(doel, "naam")})
    return redirect(f"{reverse('portaal:kind', args=[pk])}#doel-{doel_id}")


@portal_login_required
def history(request, pk: int):
    leerling = portal_child_or_404(request, pk)
    mine = Q(ouder__account=request.user) | Q(
        beslisser=Beslisser.LEERLING, leerling__account=request.user
    )
    rows = (
        Toestemming.objects.visible_to(request.user)
        .filter(leerling=leerling)
        .filter(mine)
        .select_related("doel", "formulier")
        .order_by("-tijdstip", "-id")
    )
    page = paginate(request, rows, 25)
    return render_page(
        request, "toestemming/portaal/geschiedenis.html", {"leerling": leerling, "page": page}
    )
