"""The base of every admin page: rows come from the model's ``visible_to`` and nothing else.

A record outside the user's reach answers 404 (never a redirect or a 403), on the change,
delete and history pages alike, so ids cannot be probed (DESIGN.md §3).
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed
from django.utils.translation import gettext

from simple_history.admin import SimpleHistoryAdmin

from .crypto import EncryptedCharField
from .pagination import BoundedCountPaginator


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete whose chosen value, already loaded with its row, is labelled without a query.

    Django's widget reads the chosen object again for its label: one query per inline row, so
    a pupil with four guardians cost four more queries than a pupil with one.
    """

    preloaded: dict[str, str] = {}

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not selected or not selected <= self.preloaded.keys():
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for choice in sorted(selected):
            options.append(
                self.create_option(name, choice, self.preloaded[choice], True, len(options))
            )
        return [(None, options, 0)]


class PreloadedLabelsForm(forms.ModelForm):
    """Hands each autocomplete the related object its row was loaded with (``select_related``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cache = self.instance._state.fields_cache
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if (
                isinstance(field, forms.ModelChoiceField)
                and isinstance(widget, PreloadedAutocompleteSelect)
                and (related := cache.get(name)) is not None
            ):
                widget.preloaded = {str(related.pk): field.label_from_instance(related)}


class ReadOnlyAdminMixin:
    """For ModelAdmin and inlines: records made by the act itself (a decision, a disclosure, a log
    line, a published form) are read, never added, changed or deleted in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


if TYPE_CHECKING:  # the mixin is only ever mixed into a ModelAdmin or an inline
    from django.contrib.admin.options import BaseModelAdmin
    from django.db.models import Field

    _AdminBase = BaseModelAdmin[Any]
else:
    _AdminBase = object


class VisibleOnlyMixin(_AdminBase):
    """For ModelAdmin and inlines: scope rows and foreign-key choices to ``visible_to``."""

    list_select_related: tuple = ()
    formfield_overrides: "ClassVar[Mapping[type[Field[Any, Any]], Mapping[str, Any]]]" = {
        EncryptedCharField: {"widget": forms.TextInput(attrs={"autocomplete": "off"})}
    }

    def get_queryset(self, request):
        qs = self.model.objects.visible_to(request.user)
        if self.list_select_related:
            qs = qs.select_related(*self.list_select_related)
        return qs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        manager = db_field.related_model._default_manager
        if hasattr(manager, "visible_to"):
            kwargs["queryset"] = manager.visible_to(request.user)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedAdmin(VisibleOnlyMixin, SimpleHistoryAdmin):
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over the whole table on every list page
    paginator = BoundedCountPaginator  # and a bounded count of the filtered rows
    show_facets = (
        admin.ShowFacets.NEVER
    )  # "show counts" would count every filter choice over all rows

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def changelist_view(self, request, extra_context=None):
        # A list the role has no business with is as absent as a record outside its reach.
        if not self.has_view_or_change_permission(request):
            raise Http404
        return super().changelist_view(request, extra_context)

    def _ensure_visible(self, request, object_id) -> None:
        try:
            visible = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, TypeError, ValidationError):
            visible = False
        if not visible:
            raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._ensure_visible(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._ensure_visible(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the last historical record of an object it cannot
        # find; here a record out of reach is 404, history included.
        self._ensure_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def _visible_history(self, request):
        """The past versions the user may read, each judged by the model's own rule as it was then
        (a dossier item that was medical is not the teacher's), from the access kernel."""
        from .access import visible_history

        return visible_history(self.model, request.user, current=self.get_queryset(request))

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # The list, its dates, authors and diffs, holds only versions the user may see: the diff of
        # a version runs against the previous *visible* one, so a hidden one leaves no trace.
        visible = self._visible_history(request).values("history_id")
        qs = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return qs.filter(history_id__in=visible)

    def history_hidden_fields(self, request) -> set[str]:
        """Fields whose values the user may not read, left out of the history's change list."""
        return set()

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        hidden = self.history_hidden_fields(request)
        previous = None
        for current in historical_records:
            if previous is None:
                previous = current
                continue
            delta = previous.diff_against(
                current, excluded_fields=hidden, foreign_keys_are_objs=foreign_keys_are_objs
            )
            helper = self.get_historical_record_context_helper(request, previous)
            previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Revert is disabled (settings), but simple-history would still save a posted past version
        # back, for a read-only role too: a past version is only ever read.
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        self._ensure_visible(request, object_id)
        # A full past version would show every field, hidden ones included: only for those
        # who may read every field.
        if self.history_hidden_fields(request):
            raise Http404
        try:
            visible = (
                self._visible_history(request)
                .filter(
                    **{self.model._meta.pk.attname: unquote(object_id), "history_id": version_id}
                )
                .exists()
            )
        except (ValueError, TypeError, ValidationError):
            visible = False
        if not visible:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_versions_read(self, request, obj, versions) -> None:
        """Called when a history page has shown field values of ``versions``, past states of
        ``obj`` (one whole, or a list whose changes show both sides): where they hold
        special-category data, the model's admin writes the read to the access log, as its change
        page does."""

    def render_history_view(self, request, template, context, **kwargs):
        # Both history pages render here: the list (``page_obj``), one past version (``original``).
        response = super().render_history_view(request, template, context, **kwargs)
        if "page_obj" in context:
            versions = list(context["page_obj"].object_list)
            # A single version on the list shows no values, only its date and author.
            if len(versions) > 1:
                self.history_versions_read(request, context["object"], versions)
        elif context.get("original") is not None:
            self.history_versions_read(request, context["original"], [context["original"]])
        return response


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline's controls sit in table cells without a <label> of their own (Django's
    template gives only the column a heading): each control is named by its column and its row,
    so a screen reader says which one it is (WCAG 4.1.2; axe's ``label`` and ``select-name``)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)  # adds the DELETE and ORDER boxes too
        for name, field in form.fields.items():
            # The control itself, inside the wrapper that adds the related-object links.
            widget = getattr(field.widget, "widget", field.widget)
            if widget.is_hidden:
                continue
            label = str(field.label or name)
            if index is not None:
                label = gettext("%(field)s, row %(row)s") % {"field": label, "row": index + 1}
            widget.attrs.setdefault("aria-label", label)


class ScopedInline(VisibleOnlyMixin, admin.TabularInline):
    extra = 0
    form = PreloadedLabelsForm
    formset = LabelledInlineFormSet
