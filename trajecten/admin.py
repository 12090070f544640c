"""Trajectories and recordings in the admin, scoped by ``visible_to`` (ScopedAdmin). A recording's
file is uploaded here or on the trajectory page, but never linked: it is streamed by
``views.opname_bestand`` only."""

from django import forms
from django.contrib import admin

from core.admin_base import ScopedAdmin

from .models import Opname, Traject


@admin.register(Traject)
class TrajectAdmin(ScopedAdmin):
    list_display = ("omschrijving", "school", "leerkracht", "begindatum", "einddatum", "opslag")
    list_filter = ("opslag", ("school", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("school", "leerkracht")
    filter_horizontal = ("groepen",)
    search_fields = ("omschrijving",)


@admin.register(Opname)
class OpnameAdmin(ScopedAdmin):
    list_display = ("__str__", "traject", "opgenomen_op")
    list_select_related = ("traject",)
    fields = ("traject", "bestand", "opgenomen_op", "toelichting")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "bestand":
            kwargs["widget"] = forms.FileInput  # no link to the file: it is not served by URL
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):
        # A stored recording is not replaced or linked here; its page streams it.
        return ("traject", "opgenomen_op", "toelichting") if obj else self.fields

    def get_readonly_fields(self, request, obj=None):
        return ("traject",) if obj else ()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.geupload_door = request.user
        super().save_model(request, obj, form, change)
