"""The portal's one log-in check and family (DESIGN.md §1: one portal for parents and pupils).

Who is in the portal and whose children they see is the register's: guardians, pupils and
custody live here. Every app's portal pages (consent, requests, the privacy statement) use
``portal_login_required`` and ``portal_children`` from this module; a child outside the family
answers 404. Log-in itself (codes, links, passwords) is the consent app's, at ``portaal:login``.
"""

from functools import wraps

from django.contrib.messages import get_messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from . import custody
from .models import Gezagsrelatie, Leerling, Ouder

NO_CHILDREN_TEMPLATE = "portaal/geen_toegang.html"


def portal_holder_exists(user) -> bool:
    """Whether an account belongs to a parent or a pupil (the portal is for them only)."""
    return (
        Ouder.objects.filter(account=user).exists()
        or Leerling.objects.filter(account=user).exists()
    )


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


def portal_child(user, pk: int) -> Leerling | None:
    """One of ``portal_children`` by id, without what only the pages show: for a decision (one query)."""
    return Leerling.objects.visible_to(user).filter(_own(user), pk=pk).first()


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
