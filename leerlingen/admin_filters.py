"""List filters whose choices cost the same at any size (DESIGN.md §9).

Django's ``RelatedOnlyFieldListFilter`` finds its choices with a DISTINCT over every row in
the list: for a board's FG, all its pupils, on every page view. These filters take their
choices from the user's reach instead: the schools they may see, and the classes of the school
chosen (or a teacher's own classes).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .access import groep_ids
from .models import Groep, School
from .schooljaar import current_schooljaar


class SchoolFilter(admin.SimpleListFilter):
    title = _("school")
    parameter_name = "school"

    def lookups(self, request, model_admin):
        schools = School.objects.visible_to(request.user).order_by("naam").values_list("id", "naam")
        return [(str(pk), naam) for pk, naam in schools]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(school_id=int(self.value()))
        return queryset


class GroepFilter(admin.SimpleListFilter):
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

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(groep_id=int(self.value()))
        return queryset


class BestuurFilter(admin.SimpleListFilter):
    title = _("board")
    parameter_name = "bestuur"

    def lookups(self, request, model_admin):
        from .models import Bestuur

        return [(str(pk), naam) for pk, naam in Bestuur.objects.visible_to(request.user).order_by("naam").values_list("id", "naam")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(bestuur_id=int(self.value()))
        return queryset
