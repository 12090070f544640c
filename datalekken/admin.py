from django.contrib import admin

from core.admin_base import ReadOnlyAdminMixin, ScopedAdmin

from . import services
from .models import Bericht, Datalek, Meldlink


@admin.register(Datalek)
class DatalekAdmin(ScopedAdmin):
    list_display = (
        "kenmerk",
        "titel",
        "school",
        "ontdekt_op",
        "risico",
        "ap_besluit",
        "betrokkenen_besluit",
    )
    list_filter = ("ap_besluit", "risico", "bron", ("school", admin.RelatedOnlyFieldListFilter))
    search_fields = ("kenmerk", "titel")
    list_select_related = ("school", "bestuur")
    readonly_fields = (
        "kenmerk",
        "bron",
        "vastgelegd_door",
        "aangemaakt",
        "ap_besloten_door",
        "verwerker_naam",
        "overeenkomst_omschrijving",
    )
    autocomplete_fields = ("leerlingen", "ouders")

    def save_model(self, request, obj, form, change):
        # the register's one write: reference, names of the linked processor, deadline warnings
        services.record(obj, by=request.user)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        manager = db_field.related_model._default_manager
        kwargs["queryset"] = manager.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Bericht)
class BerichtAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """A letter is made by the decision to tell the people concerned and sent by its job."""

    list_display = ("datalek", "leerling", "ouder", "status", "verzonden_op")
    list_filter = ("status",)
    list_select_related = ("datalek", "leerling", "ouder")


@admin.register(Meldlink)
class MeldlinkAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """A link is issued from the register's page, which mails it."""

    list_display = ("verwerker_naam", "school", "aangemaakt", "geldig_tot", "gebruikt_op")
    exclude = ("token_hash",)
    readonly_fields = ("uitgegeven_door", "aangemaakt", "gebruikt_op", "datalek")
    list_select_related = ("school",)
