"""Requests in the admin: read-only lists with their history (the work happens on /staf/verzoeken/),
and the school's request settings, which the director edits."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import ReadOnlyAdminMixin, ScopedAdmin

from .models import Beperking, Rectificatiemelding, Termijnsignaal, Verzoek, VerzoekInstellingen
from .workflow import MACHINE


@admin.register(Verzoek)
class VerzoekAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = (
        "kenmerk",
        "soort",
        "status",
        "school",
        "ontvangen_op",
        "uiterste_datum",
        "uitkomst",
        "open_link",
    )
    list_filter = ("status", "soort", "uitkomst", ("school", admin.RelatedOnlyFieldListFilter))
    search_fields = ("kenmerk",)
    list_select_related = ("school",)
    exclude = ("omschrijving",)
    readonly_fields = ("volgende_stappen",)

    @admin.display(description=_("possible next steps"))
    def volgende_stappen(self, obj):
        """Read from the workflow's table: what the status still allows (done on the staff pages)."""
        labels = dict.fromkeys(str(MACHINE[a].label) for a in MACHINE.actions_from(obj.status))
        return ", ".join(labels) or "—"

    @admin.display(description=_("work on it"))
    def open_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("verzoeken:detail", args=[obj.pk]), _("Open")
        )


@admin.register(Beperking)
class BeperkingAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("leerling", "ingesteld_op", "opgeheven_op")
    list_select_related = ("leerling",)


@admin.register(Rectificatiemelding)
class RectificatiemeldingAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Follow-ups of corrections (AVG art. 19). Those of a request are completed on its page; those
    of a correction in the register or by an import here, with the action."""

    list_display = (
        "ontvanger_naam",
        "bron",
        "verzoek",
        "leerling",
        "aangemaakt",
        "geinformeerd_op",
    )
    list_filter = ("bron", ("geinformeerd_op", admin.EmptyFieldListFilter))
    list_select_related = ("verzoek", "leerling")
    actions = ("mark_informed_today",)

    @admin.action(description=_("Mark the recipients as informed today"))
    def mark_informed_today(self, request, queryset):
        from .services import mark_informed
        from .workflow import TransitionRefused

        done = 0
        for melding in queryset.filter(verzoek__isnull=True, geinformeerd_op__isnull=True):
            try:
                mark_informed(melding=melding, user=request.user)
            except TransitionRefused:
                continue
            done += 1
        self.message_user(
            request, _("%(count)d follow-up(s) marked as informed.") % {"count": done}
        )


@admin.register(Termijnsignaal)
class TermijnsignaalAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("verzoek", "soort", "uiterste_datum", "verzonden_op", "aantal_ontvangers")
    list_select_related = ("verzoek",)


@admin.register(VerzoekInstellingen)
class VerzoekInstellingenAdmin(ScopedAdmin):
    list_display = (
        "school",
        "termijn_weken",
        "prijs_per_pagina",
        "maximum",
        "drempel_paginas",
        "maximum_boven_drempel",
    )
    list_select_related = ("school",)

    def get_readonly_fields(self, request, obj=None):
        return ("school",) if obj is not None else ()
