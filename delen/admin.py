from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import ReadOnlyAdminMixin, ScopedAdmin, ScopedInline
from core.owntext import OwnTextAdminMixin

from .forms import OntvangerAdminForm, VerwerkerAdminForm, VorderingAdminForm
from .models import (
    Ontvanger,
    RegisterVersie,
    Verloopwaarschuwing,
    Verstrekking,
    Verwerker,
    Verwerkersovereenkomst,
    Vordering,
)


@admin.register(Ontvanger)
class OntvangerAdmin(OwnTextAdminMixin, ScopedAdmin):
    form = OntvangerAdminForm
    list_display = ("naam", "soort", "grondslag", "school", "actief")
    list_filter = ("soort", "grondslag", "actief", ("school", admin.RelatedOnlyFieldListFilter))
    search_fields = ("naam",)
    list_select_related = ("school",)
    fields = (
        "school",
        "naam",
        "naam_en",
        "soort",
        "grondslag",
        "velden",
        "formaat",
        "toelichting",
        "toelichting_en",
        "toestemming_doel",
        "verwerker",
        "licentie",
        "actief",
        "disclose_link",
    )

    def get_readonly_fields(self, request, obj=None):
        fixed = ["soort", "disclose_link"]
        if obj is not None:
            fixed.append("school")
            if obj.is_standaard:
                fixed += ["grondslag", "toestemming_doel"]
        return fixed

    @admin.display(description=_("disclose"))
    def disclose_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("delen:nieuw", args=[obj.pk]), _("Prepare a disclosure")
        )


class EndingFilter(admin.SimpleListFilter):
    """The agreements "Mijn taken" counts as ending (``services.expiring_agreements``)."""

    title = _("ending")
    parameter_name = "aflopend"

    def lookups(self, request, model_admin):
        return [("ja", _("Ending soon without a successor"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            from django.utils import timezone

            from .services import ending_without_successor

            return ending_without_successor(timezone.localdate(), among=queryset)
        return queryset


class UnansweredFilter(admin.SimpleListFilter):
    """The police demands "Mijn taken" counts: not refused and answered by no disclosure."""

    title = _("answered")
    parameter_name = "onbeantwoord"

    def lookups(self, request, model_admin):
        return [("ja", _("Not answered yet"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.unanswered()
        return queryset


@admin.register(Vordering)
class VorderingAdmin(ScopedAdmin):
    form = VorderingAdminForm
    list_display = ("__str__", "school", "ontvangen_op", "termijn", "ontvangstwijze", "geweigerd")
    list_filter = (("school", admin.RelatedOnlyFieldListFilter), "geweigerd", UnansweredFilter)
    list_select_related = ("school",)
    autocomplete_fields = ("leerling",)
    fields = (
        "school",
        "ontvangstwijze",
        "leerling",
        "gevraagde_gegevens",
        "termijn",
        "wijze_van_verstrekking",
        "titel",
        "ontvangen_op",
        "kenmerk_politie",
        "geweigerd",
        "reply_letter",
    )
    readonly_fields = ("reply_letter",)

    @admin.display(description=_("reply letter"))
    def reply_letter(self, obj):
        if obj is None or obj.pk is None or not obj.geweigerd:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("delen:vordering-brief", args=[obj.pk]),
            _("Download the reply letter (PDF)"),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.vastgelegd_door = request.user
        super().save_model(request, obj, form, change)


@admin.register(Verstrekking)
class VerstrekkingAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = (
        "kenmerk",
        "tijdstip",
        "ontvanger_naam",
        "grondslag",
        "aantal_leerlingen",
        "school",
        "opgesteld_door",
    )
    list_filter = (
        "grondslag",
        ("school", admin.RelatedOnlyFieldListFilter),
        ("tijdstip", admin.DateFieldListFilter),
    )
    search_fields = ("=kenmerk", "ontvanger_naam")
    date_hierarchy = "tijdstip"
    list_select_related = ("school", "opgesteld_door")
    exclude = ("leerlingen",)
    readonly_fields = ("page_link",)

    @admin.display(description=_("details and pupils"))
    def page_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("delen:verstrekking", args=[obj.pk]), obj.kenmerk
        )


class OvereenkomstInline(ScopedInline):
    model = Verwerkersovereenkomst
    fields = (
        "datum",
        "einddatum",
        "document",
        "model_privacyconvenant",
        "convenant_versie",
        "privacybijsluiter",
    )


@admin.register(Verwerker)
class VerwerkerAdmin(OwnTextAdminMixin, ScopedAdmin):
    form = VerwerkerAdminForm
    list_display = ("product", "naam", "soort", "school", "dpia_uitgevoerd")
    list_filter = ("soort", "dpia_uitgevoerd", ("school", admin.RelatedOnlyFieldListFilter))
    search_fields = ("product", "naam")
    list_select_related = ("school",)
    inlines = (OvereenkomstInline,)


@admin.register(Verwerkersovereenkomst)
class VerwerkersovereenkomstAdmin(ScopedAdmin):
    list_display = (
        "verwerker",
        "datum",
        "einddatum",
        "model_privacyconvenant",
        "privacybijsluiter",
        "document_link",
    )
    list_filter = (EndingFilter, "model_privacyconvenant", "privacybijsluiter")
    list_select_related = ("verwerker",)
    date_hierarchy = "einddatum"

    @admin.display(description=_("document"))
    def document_link(self, obj):
        if not obj.document:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("delen:document", args=[obj.pk]), _("PDF")
        )


@admin.register(Verloopwaarschuwing)
class VerloopwaarschuwingAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("overeenkomst", "einddatum", "aangemaakt", "verzonden_op", "aantal_ontvangers")
    list_select_related = ("overeenkomst__verwerker",)


@admin.register(RegisterVersie)
class RegisterVersieAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("school", "versie", "vastgesteld_op", "vastgesteld_door", "page_link")
    list_select_related = ("school", "vastgesteld_door")
    exclude = ("inhoud",)

    @admin.display(description=_("register"))
    def page_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("delen:registerversie", args=[obj.pk]), _("Show")
        )
