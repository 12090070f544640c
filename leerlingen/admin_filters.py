"""List filters whose choices cost the same at any size (DESIGN.md §9).

Django's ``RelatedOnlyFieldListFilter`` finds its choices with a DISTINCT over every row in
the list: for a board's FG, all its pupils, on every page view. These filters take their
choices from the user's reach instead: the schools they may see, and the classes of the school
chosen (or a teacher's own classes).
"""

import re

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .access import groep_ids
from .models import Bestuur, Groep, School
from .schooljaar import current_schooljaar

MAX_ID = 2**63 - 1  # PostgreSQL's bigint


def id_from_query(value) -> int | None:
    """A row id from a query parameter, or None for anything else: ASCII digits only
    (``'²'.isdigit()`` is true, ``int('²')`` fails) and within the database's range, so a
    malformed filter is ignored."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{1,19}", value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class IdChoiceFilter(admin.SimpleListFilter):
    """Filters on one foreign key by id; the choices come from the subclass. A value that is not an
    id is ignored (the whole list), never an error."""

    field: str

    def queryset(self, request, queryset):
        pk = id_from_query(self.value())
        return queryset.filter(**{self.field: pk}) if pk is not None else queryset


class SchoolFilter(IdChoiceFilter):
    field = "school_id"
    title = _("school")
    parameter_name = "school"

    def lookups(self, request, model_admin):
        schools = School.objects.visible_to(request.user).order_by("naam").values_list("id", "naam")
        return [(str(pk), naam) for pk, naam in schools]


class GroepFilter(IdChoiceFilter):
    field = "groep_id"
    title = _("group")
    parameter_name = "groep"

    def lookups(self, request, model_admin):
        groepen = Groep.objects.visible_to(request.user).filter(schooljaar=current_schooljaar())
        school = id_from_query(request.GET.get(SchoolFilter.parameter_name))
        if school is not None:
            groepen = groepen.filter(school_id=school)
        elif not groep_ids(request.user):  # no school chosen: only a teacher's own classes
            return []
        return [
            (str(pk), naam)
            for pk, naam in groepen.order_by("jaargroep", "naam").values_list("id", "naam")
        ]


class BestuurFilter(IdChoiceFilter):
    field = "bestuur_id"
    title = _("board")
    parameter_name = "bestuur"

    def lookups(self, request, model_admin):
        boards = Bestuur.objects.visible_to(request.user).order_by("naam").values_list("id", "naam")
        return [(str(pk), naam) for pk, naam in boards]
