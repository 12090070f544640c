from django.contrib import admin

from core.admin_base import ReadOnlyAdminMixin, ScopedAdmin, VisibleOnlyMixin

from .models import Aanmelding, Identiteitsprovider, Koppeling


@admin.register(Identiteitsprovider)
class IdentiteitsproviderAdmin(ScopedAdmin):
    list_display = ("naam", "bestuur", "issuer", "alleen_sso", "actief")
    list_select_related = ("bestuur",)
    fields = (
        "bestuur",
        "naam",
        "issuer",
        "client_id",
        "client_secret",
        "e_maildomeinen",
        "alleen_sso",
        "actief",
    )


@admin.register(Koppeling)
class KoppelingAdmin(ScopedAdmin):
    """Links are made by the first sign-in; deleting one makes the next sign-in link again."""

    list_display = ("gebruiker", "provider", "aangemaakt")
    list_select_related = ("gebruiker", "provider")
    readonly_fields = ("provider", "subject", "gebruiker", "aangemaakt")

    def has_add_permission(self, request):
        return False


@admin.register(Aanmelding)
class AanmeldingAdmin(ReadOnlyAdminMixin, VisibleOnlyMixin, admin.ModelAdmin):
    """The sign-ins through single sign-on, for the FG's review: written by the sign-in itself."""

    list_display = ("tijdstip", "provider", "gebruiker", "uitkomst", "reden", "tweede_factor")
    list_filter = ("uitkomst", "reden", ("tijdstip", admin.DateFieldListFilter))
    list_select_related = ("provider", "gebruiker")
    date_hierarchy = "tijdstip"
    show_full_result_count = False
