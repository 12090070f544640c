"""The portal's one log-in check and family (DESIGN.md §1: one portal for parents and pupils).

Who is in the portal and whose children they see is the register's: guardians, pupils and
custody live here. Every app's portal pages (consent, requests, the privacy statement) use
``portal_login_required`` and ``portal_children`` from this module; a child outside the family
answers 404. Log-in itself (codes, links, passwords) is the consent app's, at ``portaal:login``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.contrib.messages import get_messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache

from core.access import is_anonymous
from core.prepared import Compiled

from . import custody
from .access import family_ids, scope
from .models import Gezagsrelatie, Leerling, Ouder

NO_CHILDREN_TEMPLATE = "portaal/geen_toegang.html"


def portal_holder_exists(user) -> bool:
    """Whether an account belongs to a parent or a pupil (the portal is for them only).

    A parent's record comes with the request's access scope (``access.scope``), which every portal
    page reads anyway: no query of its own for a parent (the consent rush, docs/scale.md)."""
    return bool(scope(user).own_ouder) or Leerling.objects.filter(account=user).exists()


def _own(user) -> Q:
    return Q(id__in=Gezagsrelatie.objects.filter(ouder__account=user).values("leerling_id")) | Q(
        account=user
    )


def portal_children(user):
    """The portal's children: own children through custody, and oneself as a pupil of 16+.

    Within ``Leerling.objects.visible_to``: a parent who is also staff sees only the own family here.
    """
    family = Leerling.objects.visible_to(user).filter(_own(user))
    return (
        custody.annotate_gezag_of(family, user)
        .select_related("school__bestuur", "groep")
        .order_by("geboortedatum", "id")
    )


def closed_children(user) -> list[Leerling]:
    """Own children through custody whose data this parent no longer sees: adult pupils who did
    not let this parent keep the view (``custody.parents_who_see``). Only the first name is for
    the page: the pupil chose, and the parent is told that much, not the data nor the reasons."""
    adults = list(
        Leerling.objects.filter(
            id__in=Gezagsrelatie.objects.filter(ouder__account=user).values("leerling_id"),
            geboortedatum__lte=custody.adult_cutoff(),
        )
        .only("id", "roepnaam", "geboortedatum")
        .order_by("geboortedatum", "id")
    )
    seen = custody.parents_who_see(adults)
    return [p for p in adults if not any(o.account_id == user.id for o in seen[p.pk])]


def portal_child(user, pk: int) -> Leerling | None:
    """One of ``portal_children`` by id, without what only the pages show: for a decision (one query).

    A child in the scope's family (custody with the parent's view, or the own record from 16) is
    in both ``visible_to`` and ``_own``: it is read by id, with a statement compiled once (the
    consent rush, docs/scale.md). Any other id takes the whole query."""
    if not is_anonymous(user) and pk in family_ids(user):  # ``visible_to``'s family rule
        return _BY_ID.first(pk=pk)
    return Leerling.objects.visible_to(user).filter(_own(user), pk=pk).first()


_BY_ID = Compiled(lambda pk: Leerling.objects.filter(pk=pk).order_by()[:1], pk=int)


def portal_child_or_404(request, pk: int) -> Leerling:
    return get_object_or_404(portal_children(request.user), pk=pk)


def portal_login_required(view):
    """A portal page: log in first; an account without children in the portal gets a 403 page."""

    @wraps(view)
    @never_cache
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('portaal:login')}?next={request.path}")
        if not portal_holder_exists(request.user):
            # The portal templates show the messages themselves (``page_messages``).
            context = {"messages": None, "page_messages": get_messages(request)}
            return render(request, NO_CHILDREN_TEMPLATE, context, status=403)
        return view(request, *args, **kwargs)

    return wrapper


# --- the one portal navigation (issue 18) ------------------------------------------------------

# A feature app's page in the navigation, for whom its provider gives a link (``AppConfig.ready()``):
# provider(user) -> (url, label, url namespace) or None. The register imports no feature app.
_portal_links: list[tuple[int, Callable]] = []


def register_portal_link(order: int, provider: Callable) -> None:
    _portal_links.append((order, provider))
    _portal_links.sort(key=lambda item: item[0])


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    current: str = ""  # the value of aria-current: "page", "true" (a page below it) or ""


@dataclass
class PortalPerson:
    """Who is in the portal: a parent, or a pupil of 16+ addressed as themselves ("je")."""

    pupil: Leerling | None = None  # the own pupil record, when the user is that pupil (no parent)
    nav: list[NavLink] = field(default_factory=list)

    @property
    def is_pupil(self) -> bool:
        return self.pupil is not None


def portal_person(user) -> PortalPerson:
    """The portal user as the pages address them (two small queries)."""
    if not user.is_authenticated:
        return PortalPerson()
    own = Leerling.objects.filter(account=user).first()
    if own is not None and Ouder.objects.filter(account=user).exists():
        own = None  # a pupil who is also a parent: the portal speaks to the parent
    return PortalPerson(pupil=own)


def _sections(user, person: PortalPerson) -> list[tuple[str, str, Callable[[str, str], bool]]]:
    home = (
        pgettext("portal navigation of a pupil", "My data") if person.is_pupil else _("My children")
    )
    sections = [
        (
            reverse("portaal:overzicht"),
            home,
            lambda ns, name: ns == "portaal" and name == "overzicht",
        ),
        (
            reverse("portaal:toestemming"),
            _("Consent"),
            lambda ns, name: ns == "portaal" and name in ("toestemming", "kind", "besluit"),
        ),
        (
            reverse("verzoeken_portaal:index"),
            _("Requests"),
            lambda ns, name: ns == "verzoeken_portaal",
        ),
        (
            reverse("portaal:privacyverklaring"),
            _("Privacy statement"),
            lambda ns, name: ns == "privacyverklaring_portaal" or name == "privacyverklaring",
        ),
        (
            reverse("portaal:geschiedenis_kies"),
            _("History"),
            lambda ns, name: ns == "portaal" and name in ("geschiedenis", "geschiedenis_kies"),
        ),
    ]
    for _order, provider in _portal_links:
        link = provider(user)
        if link is not None:
            url, label, namespace = link
            sections.append((url, label, lambda ns, name, own=namespace: ns == own))
    any_pupil = (
        Leerling.objects.filter(account=user).first() if not person.is_pupil else person.pupil
    )
    if any_pupil is not None and custody.is_adult(any_pupil):
        sections.append(
            (
                reverse("meerderjarig:keuze"),
                _("18+: what my parents see"),
                lambda ns, name: ns == "meerderjarig",
            )
        )
    return sections


def portal_context(request) -> dict:
    """Context processor: ``portaal`` on the portal's pages, lazily (no query unless a page uses it):
    ``portaal.is_pupil`` for the wording, ``portaal.nav`` for the one navigation."""
    if not request.path.startswith("/portaal/"):
        return {}

    def person() -> PortalPerson:
        user = request.user
        found = portal_person(user)
        if user.is_authenticated and portal_holder_exists(user):
            match = request.resolver_match
            ns, name = (match.namespace, match.url_name) if match else ("", "")
            found.nav = [
                NavLink(
                    url,
                    str(label),
                    ("page" if request.path == url else "true") if is_current(ns, name) else "",
                )
                for url, label, is_current in _sections(user, found)
            ]
        return found

    return {"portaal": SimpleLazyObject(person)}
