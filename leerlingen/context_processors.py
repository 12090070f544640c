"""The staff navigation on admin pages, from the user's scope."""


def staff_pages(request):
    """Links from the admin to the staff pages the user may open (only computed on admin pages)."""
    user = getattr(request, "user", None)
    if not request.path.startswith("/admin/") or user is None or not user.is_authenticated or not user.is_staff:
        return {}
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from leerlingen.access import board_school_ids, bestuur_ids, groep_ids, school_ids
    from leerlingen.access_review import may_review

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
    managers = school_ids(user, ("rol_directeur",)) or bestuur_ids(user, ("rol_bestuur",))
    if user.is_superuser or managers:
        links.append((reverse("mfa:colleagues"), _("Second factor of colleagues")))
    return {"staff_pages": links}

