"""The background jobs (``core.outbox``) in the admin, for the application administrator only.

A job that failed for good (``MAX_ATTEMPTS``) leaves its work undone: a decision letter that is
"being prepared", a statement without its PDF. The pages say it could not be made; here the
administrator sees which jobs failed and with what kind of error, and starts them again after
fixing the cause. Rows hold ids and an exception's class name, never personal data, so this list
shows nothing of a pupil; it is still the superuser's alone, as the queue is the product's
machinery and not a school's record.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox
from .models import Opdracht


@admin.register(Opdracht)
class OpdrachtAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "soort",
        "status",
        "pogingen",
        "laatste_fout",
        "aangemaakt",
        "niet_voor",
        "uitgevoerd_op",
    )
    list_filter = ("status", "soort")
    ordering = ("-pk",)
    readonly_fields = (
        "soort",
        "argumenten",
        "sleutel",
        "status",
        "pogingen",
        "laatste_fout",
        "aangemaakt",
        "niet_voor",
        "uitgevoerd_op",
    )
    actions = ("start_again",)
    show_full_result_count = False

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False  # a job is started again with the action, never edited

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Start the failed jobs again"), permissions=["view"])
    def start_again(self, request, queryset):
        started = outbox.retry(queryset)
        if started:
            self.message_user(
                request,
                ngettext(
                    "%(n)d failed job is started again.",
                    "%(n)d failed jobs are started again.",
                    started,
                )
                % {"n": started},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _("None of the chosen jobs had failed: nothing was started again."),
                messages.WARNING,
            )
