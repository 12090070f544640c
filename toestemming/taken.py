"""The consent lines on "Mijn taken" (leerlingen/werk.py, issue 18): this school year's forms not
(fully) answered, per group, for the group's teacher and the school's director. A fixed number of
queries (``selectors.groups_status``); groups and pupils through ``visible_to``."""

from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from leerlingen.access import groep_ids, school_ids
from leerlingen.models import Groep
from leerlingen.rol import Rol
from leerlingen.schooljaar import current_schooljaar
from leerlingen.werk import Taak

from .selectors import groups_status


def consent_tasks(user, *, today: date) -> list[Taak]:
    own, directed = groep_ids(user), school_ids(user, (Rol.DIRECTEUR,))
    if not (own or directed):  # the superuser, office staff, the board: no group of their own
        return []
    groepen = (
        Groep.objects.visible_to(user)
        .filter(schooljaar=current_schooljaar(today))
        .filter(Q(id__in=sorted(own)) | Q(school_id__in=sorted(directed)))
        .select_related("school")
        .order_by("school__naam", "jaargroep", "naam")
    )
    taken = []
    for status in groups_status(user=user, groepen=groepen, on=today):
        open_ = status.unanswered + status.partial
        if status.formulier is None or not open_:
            continue
        detail = _("%(none)s not answered, %(partial)s partly") % {
            "none": status.unanswered,
            "partial": status.partial,
        }
        taken.append(
            Taak(
                label=_("Consent forms open in %(group)s") % {"group": status.groep.naam},
                url=reverse("toestemming_staf:groep", args=[status.groep.pk]),
                count=open_,
                detail=f"{status.groep.school.naam}: {detail}" if len(directed) > 1 else detail,
            )
        )
    return taken
