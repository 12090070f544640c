"""Consent in the admin: purposes (editable by the director), forms (published ones are evidence,
so read-only; a new version is published by an action), and the decisions with their history."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import ReadOnlyAdminMixin, ScopedAdmin
from core.owntext import OwnTextAdminMixin
from leerlingen.schooljaar import current_schooljaar

from .models import Doel, Formulier, FormulierTekst, Herinnering, Overdracht, Toestemming
from .services import publish_form


@admin.register(Doel)
class DoelAdmin(OwnTextAdminMixin, ScopedAdmin):
    list_display = ("naam", "code", "school", "actief", "volgorde")
    list_filter = ("actief", ("school", admin.RelatedOnlyFieldListFilter))
    search_fields = ("naam", "code")
    list_select_related = ("school",)


class FormulierTekstInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FormulierTekst
    fields = ("doel", "tekst", "english_text")
    readonly_fields = fields

    @admin.display(description=_("text in English"))
    def english_text(self, obj):
        return format_html('<span lang="en">{}</span>', obj.tekst_en) if obj.tekst_en else "—"

    extra = 0


@admin.register(Formulier)
class FormulierAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("__str__", "school", "schooljaar", "versie", "gepubliceerd_op")
    list_filter = ("schooljaar", ("school", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("school",)
    inlines = [FormulierTekstInline]
    actions = ["publish_current_year"]

    def has_change_permission(
        self, request, obj=None
    ):  # actions need change permission on the list
        return obj is None and request.user.has_perm("toestemming.change_formulier")

    @admin.action(
        description=_(
            "Publish a new version for the current school year (asks every family again in a new year)"
        )
    )
    def publish_current_year(self, request, queryset):
        for formulier in queryset.select_related("school"):
            publish_form(
                school=formulier.school,
                schooljaar=current_schooljaar(),
                by=request.user,
                inleiding=formulier.inleiding,
                inleiding_en=formulier.inleiding_en,
            )
        self.message_user(request, _("The form has been published."), messages.SUCCESS)


@admin.register(Toestemming)
class ToestemmingAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = (
        "leerling",
        "doel",
        "schooljaar",
        "gegeven",
        "is_intrekking",
        "beslisser",
        "ouder",
        "kanaal",
        "tijdstip",
        "huidig",
    )
    list_filter = ("schooljaar", "gegeven", "is_intrekking", "huidig", "kanaal", "beslisser")
    list_select_related = ("leerling", "doel", "ouder")
    search_fields = ("leerling__achternaam", "leerling__roepnaam", "leerling__leerlingnummer")
    date_hierarchy = "tijdstip"


@admin.register(Overdracht)
class OverdrachtAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("leerling", "datum", "status", "verzonden_op")
    list_filter = ("status",)
    list_select_related = ("leerling",)


@admin.register(Herinnering)
class HerinneringAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("ouder", "formulier", "datum", "verzonden_op")
    list_select_related = ("ouder", "formulier")
