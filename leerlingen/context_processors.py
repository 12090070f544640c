"""The staff navigation on every staff page and the admin, from the user's scope."""

# Pages of parents, pupils and processors: no staff navigation there.
NOT_STAFF_PATHS = ("/portaal/", "/datalek-melden/")


def staff_pages(request):
    """The staff navigation (issue 18): the work pages the user may open (``staff_pages``, for the
    admin index) and ``staff_nav`` for the one navigation bar (templates/staf/_nav.html) on
    every staff page and the admin: the person's name and roles, "Mijn taken", these pages."""
    user = getattr(request, "user", None)
    if request.path.startswith(NOT_STAFF_PATHS) or user is None or not user.is_authenticated:
        return {}
    if not user.is_staff:
        return {}
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from leerlingen.access import bestuur_ids, board_school_ids, groep_ids, school_ids
    from leerlingen.access_review import may_review
    from leerlingen.rol import Rol

    links = []
    # From the user's scope (read once per request): no query of its own on every admin page.
    if user.is_superuser or groep_ids(user) or school_ids(user) or board_school_ids(user):
        links.append((reverse("toestemming_staf:index"), _("Consent per group")))
    office = user.is_superuser or bool(school_ids(user) or bestuur_ids(user))
    if office:
        links.append((reverse("delen:index"), _("Disclosures")))
        links.append((reverse("verzoeken:index"), _("Requests")))
    if may_review(user):
        links.append((reverse("leerlingen:access-review"), _("Access review")))
    if user.is_superuser or bestuur_ids(user, (Rol.FG,)) or school_ids(user, (Rol.DIRECTEUR,)):
        links.append((reverse("datalekken:index"), _("Breach register")))
    # Professional development (trajecten/access.py): the school's director and IB, and teachers
    # (who see their own trajectories); from the scope, no query of its own.
    if user.is_superuser or groep_ids(user) or school_ids(user, (Rol.DIRECTEUR, Rol.IB)):
        links.append((reverse("trajecten:index"), _("Professional development")))
    managers = school_ids(user, (Rol.DIRECTEUR,)) or bestuur_ids(user, (Rol.BESTUUR,))
    if user.is_superuser or managers:
        links.append((reverse("mfa:colleagues"), _("Second factor of colleagues")))
    return {"staff_pages": links, "staff_nav": _staff_nav(request, user, links)}


def _staff_nav(request, user, links):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from leerlingen.access import scope
    from leerlingen.rol import Rol

    if user.is_superuser:
        roles = [_("Superuser")]
    else:
        granted = scope(user)  # read once per request
        held = {
            codename
            for by_role in (granted.schools, granted.groepen, granted.besturen)
            for codename, ids in by_role.items()
            if ids
        }
        roles = [str(rol.label) for rol in Rol if rol.codename in held]
    taken = reverse("leerlingen:taken")
    pages = [(taken, _("My tasks"))] + links
    return {
        "name": user.get_full_name() or user.get_username(),
        "roles": roles,
        # aria-current: the page itself, or a page below it ("My tasks" only on itself)
        "links": [
            (url, label, request.path == url or (url != taken and request.path.startswith(url)))
            for url, label in pages
        ],
    }
