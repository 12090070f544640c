"""Requests in the admin: read-only lists with their history (the work happens on /staf/verzoeken/),
and the school's request settings, which the director edits."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import ScopedAdmin

from .models import Beperking, Rectificatiemelding, Termijnsignaal, Verzoek, VerzoekInstellingen


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Verzoek)
class VerzoekAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ("kenmerk", "soort", "status", "school", "ontvangen_op", "uiterste_datum", "uitkomst", "open_link")
    list_filter = ("status", "soort", "uitkomst", ("school", admin.RelatedOnlyFieldListFilter))
    search_fields = ("kenmerk",)
    list_select_related = ("school",)
    exclude = ("omschrijving",)

    @admin.display(description=_("work on it"))
    def open_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("verzoeken:detail", args=[obj.pk]), _("Open"))


@admin.register(Beperking)
class BeperkingAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ("leerling", "ingesteld_op", "opgeheven_op")
    list_select_related = ("leerling",)


@admin.register(Rectificatiemelding)
class RectificatiemeldingAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ("verzoek", "ontvanger_naam", "geinformeerd_op")
    list_select_related = ("verzoek",)


@admin.register(Termijnsignaal)
class TermijnsignaalAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ("verzoek", "soort", "uiterste_datum", "verzonden_op", "aantal_ontvangers")
    list_select_related = ("verzoek",)


@admin.register(VerzoekInstellingen)
class VerzoekInstellingenAdmin(ScopedAdmin):
    list_display = ("school", "termijn_weken", "prijs_per_pagina", "maximum", "drempel_paginas", "maximum_boven_drempel")
    list_select_related = ("school",)

    def get_readonly_fields(self, request, obj=None):
        return ("school",) if obj is not None else ()
