import re

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from simple_history.admin import SimpleHistoryAdmin

from core.admin_base import ReadOnlyAdminMixin, ScopedAdmin, ScopedInline
from core.crypto import keyed_hash

from . import audit, registry
from .access import may_read_bsn
from .admin_filters import BestuurFilter, GroepFilter, SchoolFilter
from .models import (
    Bestuur,
    BestuurGrant,
    DossierItem,
    DossierItemGrant,
    Gegevenscategorie,
    Gezagsrelatie,
    Groep,
    GroepGrant,
    Leerling,
    Ouder,
    Ouderinzage,
    School,
    SchoolGrant,
    Toegangslog,
)
from .rol import Rol
from .validators import bsn_is_valid

BSN_LIKE = re.compile(r"[0-9]{9}")  # nine digits: searched by keyed hash, never kept in an address
BSN_HASH_VAR = "bsn"

admin.site.site_header = _("privacyschool")
admin.site.site_title = _("privacyschool")
admin.site.index_title = _("Privacy administration")


@admin.register(Bestuur)
class BestuurAdmin(ScopedAdmin):
    list_display = ("naam", "kvk_nummer", "fg_naam")
    search_fields = ("naam",)


@admin.register(School)
class SchoolAdmin(ScopedAdmin):
    list_display = ("naam", "brin", "onderwijssoort", "bestuur")
    list_filter = ("onderwijssoort", ("bestuur", admin.RelatedOnlyFieldListFilter))
    search_fields = ("naam", "brin")
    list_select_related = ("bestuur",)


@admin.register(Groep)
class GroepAdmin(ScopedAdmin):
    list_display = ("naam", "jaargroep", "schooljaar", "school")
    list_filter = ("schooljaar", "jaargroep", ("school", admin.RelatedOnlyFieldListFilter))
    search_fields = ("naam",)
    list_select_related = ("school",)


class GezagsrelatieInline(ScopedInline):
    model = Gezagsrelatie
    fields = ("ouder", "relatie", "heeft_gezag")
    autocomplete_fields = ("ouder",)
    verbose_name_plural = _("parents and guardians")

    def get_queryset(self, request):
        return Gezagsrelatie.objects.filter(
            leerling__in=Leerling.objects.visible_to(request.user),
            ouder__in=Ouder.objects.visible_to(request.user),
        ).select_related("ouder", "leerling")


class OuderinzageInline(ScopedInline):
    """What the adult pupil decided about each parent (18+): staff read it, only the pupil changes it."""

    model = Ouderinzage
    fields = ("ouder", "toegestaan", "machtiging", "besloten_op")
    readonly_fields = fields
    verbose_name_plural = _("the pupil's decisions on their parents (18+)")

    def get_queryset(self, request):
        return Ouderinzage.objects.visible_to(request.user).select_related("ouder")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True  # the rows come from ``visible_to``: whoever sees the pupil


class KinderenInline(GezagsrelatieInline):
    fields = ("leerling", "relatie", "heeft_gezag")
    autocomplete_fields = ("leerling",)
    verbose_name_plural = _("children")


class DossierItemInline(ScopedInline):
    """Lists the items the user may see; their contents open on the item's own page (and are logged there)."""

    model = DossierItem
    fields = ("titel", "categorie", "datum", "zeer_vertrouwelijk")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class LeftFilter(admin.SimpleListFilter):
    title = _("enrolment")
    parameter_name = "ingeschreven"

    def lookups(self, request, model_admin):
        return [("ja", _("enrolled")), ("nee", _("left"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.filter(datum_uitschrijving__isnull=True)
        if self.value() == "nee":
            return queryset.filter(datum_uitschrijving__isnull=False)
        return queryset


@admin.register(Leerling)
class LeerlingAdmin(ScopedAdmin):
    list_display = (
        "achternaam",
        "roepnaam",
        "tussenvoegsel",
        "leerlingnummer",
        "groep",
        "school",
        "geboortedatum",
    )
    list_display_links = ("achternaam", "roepnaam")
    list_filter = (LeftFilter, "geslacht", SchoolFilter, GroepFilter)
    # Per school, then by name: the order of the (school, achternaam) index, so a board's page
    # is read from the index rather than sorted from all its pupils.
    ordering = ("school_id", "achternaam", "roepnaam", "id")
    # Portal accounts are linked by the log-in itself (codes, links), never picked from a list
    # of every user in the country.
    readonly_fields = ("account",)
    search_fields = ("achternaam", "roepnaam", "=leerlingnummer")
    search_help_text = _(
        "Search by surname, given name, pupil number or (if you may see it) the full BSN."
    )
    list_select_related = ("groep", "school")
    inlines = (GezagsrelatieInline, OuderinzageInline, DossierItemInline)
    fieldsets = (
        (
            _("Name and birth"),
            {
                "fields": (
                    "voornamen",
                    "roepnaam",
                    "tussenvoegsel",
                    "achternaam",
                    "geboortedatum",
                    "geslacht",
                    "geboorteplaats",
                    "nationaliteit",
                )
            },
        ),
        (
            _("School"),
            {
                "fields": (
                    "school",
                    "groep",
                    "leerlingnummer",
                    "datum_inschrijving",
                    "datum_uitschrijving",
                )
            },
        ),
        (
            _("Contact"),
            {"fields": ("straat", "huisnummer", "postcode", "woonplaats", "telefoon", "email")},
        ),
        (_("Identifiers"), {"fields": ("bsn", "eck_id", "account")}),
    )

    def _may_read_bsn(self, request, obj=None) -> bool:
        return may_read_bsn(request.user, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._may_read_bsn(request, obj):
            return fieldsets
        return [
            (name, {**opts, "fields": tuple(f for f in opts["fields"] if f != "bsn")})
            for name, opts in fieldsets
        ]

    def history_hidden_fields(self, request):
        return set() if may_read_bsn(request.user) else {"bsn"}

    def history_versions_read(self, request, obj, versions):
        # One past version shows its BSN whole; the list shows it where it changed.
        bsns = {v.bsn for v in versions}
        if any(bsns) and (len(versions) == 1 or len(bsns) > 1) and self._may_read_bsn(request, obj):
            audit.special_data_viewed(
                user=request.user,
                leerling=obj,
                obj=obj,
                categorieen={Gegevenscategorie.BSN},
                reden="admin: pupil record history",
            )

    def changelist_view(self, request, extra_context=None):
        # A BSN never stays in an address (access logs, browser history, referers): a nine-digit
        # search is answered with a redirect to the same list searching by its keyed hash.
        term = request.GET.get(SEARCH_VAR, "").strip()
        if BSN_LIKE.fullmatch(term):
            params = request.GET.copy()
            del params[SEARCH_VAR]
            params[BSN_HASH_VAR] = keyed_hash(term)
            return redirect(f"{request.path}?{params.urlencode()}")
        if BSN_HASH_VAR in request.GET:
            params = request.GET.copy()
            request.bsn_digest = params.pop(BSN_HASH_VAR)[-1]
            request.GET = params  # the admin would take it for a field lookup
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        digest = getattr(request, "bsn_digest", None)
        if digest is None and bsn_is_valid(term):  # the autocomplete's search
            digest = keyed_hash(term)
        if digest is not None:
            found = queryset.filter(
                bsn_hash=digest, pk__in=Leerling.objects.with_bsn_access(request.user).values("pk")
            )
            matches = list(found.values_list("pk", flat=True)[:2])
            only = matches[0] if len(matches) == 1 else None
            audit.bsn_searched(user=request.user, leerling_id=only)
            return found, False
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request, obj, form, change):
        obj.set_bsn_hash()
        super().save_model(request, obj, form, change)
        if (
            change and form.changed_data
        ):  # a correction in the register: follow up with its recipients
            registry.fields_corrected(
                {obj.pk: list(form.changed_data)}, user=request.user, bron="register"
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if (
            obj is not None
            and obj.bsn
            and request.method == "GET"
            and self._may_read_bsn(request, obj)
        ):
            audit.special_data_viewed(
                user=request.user,
                leerling=obj,
                obj=obj,
                categorieen={Gegevenscategorie.BSN},
                reden="admin: pupil record",
            )
        return response


@admin.register(Ouder)
class OuderAdmin(ScopedAdmin):
    readonly_fields = ("account",)
    list_display = ("achternaam", "voornaam", "tussenvoegsel", "email", "woonplaats")
    search_fields = ("achternaam", "voornaam", "email")
    list_filter = (BestuurFilter,)
    inlines = (KinderenInline,)


@admin.register(DossierItem)
class DossierItemAdmin(ScopedAdmin):
    list_display = ("titel", "categorie", "leerling", "datum", "zeer_vertrouwelijk")
    list_filter = ("categorie", "zeer_vertrouwelijk")
    search_fields = ("titel", "leerling__achternaam", "=leerling__leerlingnummer")
    autocomplete_fields = ("leerling",)
    list_select_related = ("leerling",)
    fields = ("leerling", "categorie", "titel", "inhoud", "bron", "datum", "zeer_vertrouwelijk")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # Users may only record categories they are allowed to read back.
        if db_field.name == "categorie" and not request.user.is_superuser:
            allowed = self._categories_for(request)
            kwargs["choices"] = [c for c in Gegevenscategorie.choices if c[0] in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def _categories_for(self, request) -> set[str]:
        from .access import school_ids

        if school_ids(request.user, (Rol.DIRECTEUR, Rol.IB)):
            return set(Gegevenscategorie.values)
        return set(Gegevenscategorie.values) - Gegevenscategorie.zorg()

    def _log_read(self, request, obj, versions, reden: str) -> None:
        """A read of special-category or very confidential contents goes to the access log."""
        special = Gegevenscategorie.bijzonder()
        categorieen = {
            v.categorie for v in versions if v.categorie in special or v.zeer_vertrouwelijk
        }
        if categorieen:
            audit.special_data_viewed(
                user=request.user,
                leerling=obj.leerling,
                obj=obj,
                categorieen=categorieen,
                reden=reden,
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if obj is not None and request.method == "GET":
            self._log_read(request, obj, [obj], reden="admin: dossier item")
        return response

    def history_versions_read(self, request, obj, versions):
        self._log_read(request, obj, versions, reden="admin: dossier item history")


class GrantAdmin(ScopedAdmin):
    """Role grants: kept by the application administrator; their history shows who granted what."""

    list_display = ("user", "permission", "content_object")
    list_select_related = ("user", "permission", "content_object")
    autocomplete_fields = ("user",)

    def get_queryset(self, request):
        qs = self.model.objects.select_related(*self.list_select_related)
        return qs if request.user.is_superuser else qs.none()


for grant in (BestuurGrant, SchoolGrant, GroepGrant):
    admin.register(grant)(type(f"{grant.__name__}Admin", (GrantAdmin,), {}))


@admin.register(DossierItemGrant)
class DossierItemGrantAdmin(GrantAdmin):
    """The director names who may see a very confidential item (seed 002)."""

    autocomplete_fields = ("content_object",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(
                is_staff=True,
                schoolgrant__content_object__in=School.objects.visible_to(request.user),
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return self.model.objects.filter(
            content_object__in=DossierItem.objects.visible_to(request.user).filter(
                zeer_vertrouwelijk=True
            )
        ).select_related(*self.list_select_related)


@admin.register(Toegangslog)
class ToegangslogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "tijdstip",
        "gebruiker",
        "soort",
        "record_type",
        "object_id",
        "data_categories",
        "reason",
    )
    fields = (
        "tijdstip",
        "gebruiker",
        "soort",
        "leerling",
        "record_type",
        "object_id",
        "data_categories",
        "reason",
    )
    readonly_fields = ("record_type", "data_categories", "reason")
    list_filter = ("soort", ("tijdstip", admin.DateFieldListFilter))
    search_fields = ("=gebruiker__username",)
    date_hierarchy = "tijdstip"
    list_select_related = ("gebruiker",)
    show_full_result_count = False

    def get_queryset(self, request):
        return Toegangslog.objects.visible_to(request.user).select_related("gebruiker")

    # The stored codes in the reader's language (``audit``: the one translation of the log).
    @admin.display(description=_("record type"), ordering="object_type")
    def record_type(self, obj):
        return audit.object_type_label(obj.object_type)

    @admin.display(description=_("data categories"))
    def data_categories(self, obj):
        return audit.categories_label(obj.categorieen)

    @admin.display(description=_("reason"))
    def reason(self, obj):
        return audit.reason_label(obj.reden)


admin.site.unregister(User)


@admin.register(User)
class GebruikerAdmin(SimpleHistoryAdmin, UserAdmin):
    """User accounts: only the application administrator (superuser) manages them."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.none()


# The admin pages of the register's packages register themselves when imported.
from .imports import admin as imports_admin  # noqa: E402,F401
from .retention import admin as retention_admin  # noqa: E402,F401
