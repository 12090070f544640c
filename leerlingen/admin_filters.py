"""List filters whose choices cost the same at any size (DESIGN.md §9).

Django's ``RelatedOnlyFieldListFilter`` finds its choices with a DISTINCT over every row in
the list: for a board's FG, all its pupils, on every page view. These filters take their
choices from the user's reach instead: the schools they may see, and the classes of the school
chosen (or a teacher's own classes).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .access import groep_ids
from .models import Bestuur, Groep, School
from .schooljaar import current_schooljaar


class IdChoiceFilter(admin.SimpleListFilter):
    """Filters on one foreign key by id; the choices come from the subclass."""

    field: str

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(**{self.field: int(value)}) if value and value.isdigit() else queryset


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
        school = request.GET.get(SchoolFilter.parameter_name, "")
        if school.isdigit():
            groepen = groepen.filter(school_id=int(school))
        elif not groep_ids(request.user):  # no school chosen: only a teacher's own classes
            return []
        return [(str(pk), naam) for pk, naam in groepen.order_by("jaargroep", "naam").values_list("id", "naam")]


class BestuurFilter(IdChoiceFilter):
    field = "bestuur_id"
    title = _("board")
    parameter_name = "bestuur"

    def lookups(self, request, model_admin):
        boards = Bestuur.objects.visible_to(request.user).order_by("naam").values_list("id", "naam")
        return [(str(pk), naam) for pk, naam in boards]
