"""Retention in the admin: terms, destruction lists (approve by typing the name, cancel in the
waiting period, take items off, put a pupil on legal hold, the report PDF), legal holds,
tombstones and sweep runs. The pages call ``rules.py`` and ``destruction.py``; rows come from
``visible_to`` (a list out of reach answers 404).

Who may do what follows the role grants: the school's director manages terms, lists and holds;
the board's FG reads everything (to show an auditor); others do not see this module.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_base import ReadOnlyAdminMixin, ScopedAdmin
from core.pagination import paginate

from ..access import bestuur_ids, school_ids
from ..models import Leerling
from ..rol import Rol
from . import destruction, rules
from .models import (
    Bewaarcontrole,
    Bewaartermijn,
    Blokkade,
    VernietigdRecord,
    Vernietigingslijst,
    VernietigingslijstItem,
)
from .workflow import LIST


def _roles(request) -> tuple[bool, bool]:
    """(is a director somewhere, is an FG somewhere), cached on the request."""
    if not hasattr(request, "_retention_roles"):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            request._retention_roles = (False, False)
            return request._retention_roles
        request._retention_roles = (
            user.is_superuser or bool(school_ids(user, (Rol.DIRECTEUR,))),
            user.is_superuser or bool(bestuur_ids(user, (Rol.FG,))),
        )
    return request._retention_roles


class RetentionRoleMixin(ReadOnlyAdminMixin):
    """Director manages, FG reads; decided on the role grants (leerlingen/access.py)."""

    def has_module_permission(self, request):
        return any(_roles(request))

    def has_view_permission(self, request, obj=None):
        return any(_roles(request))


@admin.register(Bewaartermijn)
class BewaartermijnAdmin(RetentionRoleMixin, ScopedAdmin):
    list_display = ("categorie", "duur_tekst", "gebeurtenis", "wettelijk_minimum", "school")
    list_filter = (("school", admin.RelatedOnlyFieldListFilter), "categorie")
    list_select_related = ("school",)
    fields = (
        "school",
        "categorie",
        "gebeurtenis",
        "jaren",
        "maanden",
        "wettelijk_minimum",
        "grondslag",
        "toelichting",
    )
    readonly_fields = ("school", "categorie", "gebeurtenis", "wettelijk_minimum", "grondslag")

    @admin.display(description=gettext_lazy("term"))
    def duur_tekst(self, obj):
        return obj.duur_tekst

    @admin.display(description=gettext_lazy("legal minimum"))
    def wettelijk_minimum(self, obj):
        return rules.legal_minimum_text(obj.categorie)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return _roles(request)[0]
        return rules.is_director(request.user, obj.school_id)

    def save_model(self, request, obj, form, change):
        # The form has validated the legal bounds (Bewaartermijn.clean); the service records who.
        rules.set_term(
            termijn=obj,
            jaren=obj.jaren,
            maanden=obj.maanden,
            toelichting=obj.toelichting,
            changed_by=request.user,
        )


@admin.register(Blokkade)
class BlokkadeAdmin(RetentionRoleMixin, ScopedAdmin):
    list_display = ("leerling", "reden", "toelichting", "ingesteld_op", "actief_display")
    list_filter = ("reden", ("opgeheven_op", admin.EmptyFieldListFilter))
    list_select_related = ("leerling",)
    autocomplete_fields = ("leerling",)
    fields = ("leerling", "reden", "toelichting")
    actions = ("lift",)

    @admin.display(description=gettext_lazy("active"), boolean=True)
    def actief_display(self, obj):
        return obj.actief

    def has_add_permission(self, request, obj=None):
        return _roles(request)[0]

    def has_change_permission(self, request, obj=None):
        return _roles(request)[0] if obj is None else False

    def save_model(self, request, obj, form, change):
        try:
            saved = rules.place_hold(
                leerling=obj.leerling,
                reden=obj.reden,
                toelichting=obj.toelichting,
                user=request.user,
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        obj.pk = saved.pk

    @admin.action(description=gettext_lazy("Lift the selected legal holds"))
    def lift(self, request, queryset):
        lifted = 0
        for blokkade in queryset.filter(opgeheven_op__isnull=True).select_related("leerling"):
            try:
                rules.lift_hold(blokkade=blokkade, user=request.user)
                lifted += 1
            except PermissionDenied:
                continue
        self.message_user(request, _("%(n)d legal holds lifted.") % {"n": lifted}, messages.SUCCESS)


@admin.register(VernietigdRecord)
class VernietigdRecordAdmin(RetentionRoleMixin, ScopedAdmin):
    list_display = (
        "vernietigd_op",
        "soort_naam",
        "object_id",
        "categorie",
        "grond",
        "besloten_door_naam",
        "school",
    )
    list_filter = ("grond", "categorie", "soort", ("school", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("school",)
    date_hierarchy = "vernietigd_op"
    readonly_fields = [f.name for f in VernietigdRecord._meta.fields]


@admin.register(Bewaarcontrole)
class BewaarcontroleAdmin(RetentionRoleMixin, ScopedAdmin):
    list_display = (
        "gestart_op",
        "peildatum",
        "school",
        "proefrun",
        "status",
        "voortgang",
        "gevonden",
        "toegevoegd",
        "voltooid_op",
    )
    list_filter = ("status", "proefrun")
    list_select_related = ("school",)
    readonly_fields = [f.name for f in Bewaarcontrole._meta.fields]

    @admin.display(description=gettext_lazy("progress"))
    def voortgang(self, obj):
        return f"{obj.scholen_gedaan} / {obj.scholen_totaal}"


# --- destruction lists ---------------------------------------------------------------------


class ApproveForm(forms.Form):
    bevestiging = forms.CharField(
        label=gettext_lazy("Type the name of the list to approve it"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class CancelForm(forms.Form):
    reden = forms.CharField(label=gettext_lazy("Reason for cancelling (no names)"), max_length=300)


class TakeOffForm(forms.Form):
    reden = forms.CharField(
        label=gettext_lazy("Reason for taking it off (no names)"), max_length=300
    )
    nieuwe_datum = forms.DateField(
        label=gettext_lazy("New date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "The record is listed again from this date. Leave empty to keep it for the reason given."
        ),
    )


class HoldForm(forms.Form):
    reden = forms.ChoiceField(
        label=gettext_lazy("Ground of the hold"), choices=Blokkade.Reden.choices
    )
    toelichting = forms.CharField(
        label=gettext_lazy("Reference (no names)"), max_length=300, required=False
    )


@admin.register(Vernietigingslijst)
class VernietigingslijstAdmin(RetentionRoleMixin, ScopedAdmin):
    list_display = (
        "naam",
        "school",
        "status",
        "voortgang",
        "peildatum",
        "goedgekeurd_op",
        "uitvoeren_vanaf",
        "voltooid_op",
    )
    list_filter = ("status", ("school", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("school",)
    search_fields = ("=naam",)
    items_per_page = 100

    @admin.display(description=gettext_lazy("progress"))
    def voortgang(self, obj):
        total, pending = (
            getattr(obj, "items_totaal", None),
            getattr(obj, "items_te_vernietigen", None),
        )
        if total is None or pending is None:
            p = destruction.progress_of(obj)
            total, pending = p["total"], p["pending"]
        return f"{total - pending} / {total}"

    def get_changelist_instance(self, request):
        # The progress column of the page's lists from one grouped query, not a count query per row.
        cl = super().get_changelist_instance(request)
        lijsten = list(cl.result_list)
        counts = (
            {
                row["lijst_id"]: row
                for row in VernietigingslijstItem.objects.filter(
                    lijst__in=[lijst.pk for lijst in lijsten]
                )
                .order_by()
                .values("lijst_id")
                .annotate(
                    totaal=Count("id"),
                    open=Count("id", filter=Q(status=VernietigingslijstItem.Status.TE_VERNIETIGEN)),
                )
            }
            if lijsten
            else {}
        )
        for lijst in lijsten:
            row = counts.get(lijst.pk)
            lijst.items_totaal, lijst.items_te_vernietigen = (
                (row["totaal"], row["open"]) if row else (0, 0)
            )
        return cl

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/goedkeuren/",
                view(self.approve_view),
                name="leerlingen_vernietigingslijst_approve",
            ),
            path(
                "<int:pk>/annuleren/",
                view(self.cancel_view),
                name="leerlingen_vernietigingslijst_cancel",
            ),
            path(
                "<int:pk>/opnieuw/",
                view(self.retry_view),
                name="leerlingen_vernietigingslijst_retry",
            ),
            path(
                "<int:pk>/verslag.pdf",
                view(self.report_view),
                name="leerlingen_vernietigingslijst_report",
            ),
            path(
                "item/<int:item_id>/afvoeren/",
                view(self.take_off_view),
                name="leerlingen_vernietigingslijst_takeoff",
            ),
            path(
                "item/<int:item_id>/blokkade/",
                view(self.hold_view),
                name="leerlingen_vernietigingslijst_hold",
            ),
            *super().get_urls(),
        ]

    # -- helpers
    def _lijst(self, request, pk) -> Vernietigingslijst:
        lijst = self.get_queryset(request).filter(pk=pk).select_related("school").first()
        if lijst is None:
            raise Http404
        return lijst

    def _item(self, request, item_id) -> VernietigingslijstItem:
        item = (
            VernietigingslijstItem.objects.visible_to(request.user)
            .select_related("lijst", "lijst__school", "content_type")
            .filter(pk=item_id)
            .first()
        )
        if item is None:
            raise Http404
        return item

    def _detail_url(self, lijst) -> str:
        return reverse("admin:leerlingen_vernietigingslijst_change", args=[lijst.pk])

    def _describe(self, request, items) -> dict[int, str]:
        """What the user may see of each live record (a pupil's name while it still exists)."""
        by_model: dict = {}
        for item in items:
            by_model.setdefault(item.content_type, []).append(item)
        labels = {}
        for ct, group in by_model.items():
            model = ct.model_class()
            if model is None:
                continue
            manager = model._default_manager
            qs = (
                manager.visible_to(request.user)
                if hasattr(manager, "visible_to")
                else manager.none()
            )
            if model is Leerling:
                rows = {
                    pk: (name, left)
                    for pk, *name, left in qs.filter(
                        pk__in=[i.object_id for i in group]
                    ).values_list(
                        "pk", "roepnaam", "tussenvoegsel", "achternaam", "datum_uitschrijving"
                    )
                }
                for i in group:
                    if i.object_id in rows:
                        name, left = rows[i.object_id]
                        text = " ".join(p for p in name if p)
                        labels[i.pk] = (
                            _("%(name)s, left %(date)s") % {"name": text, "date": left}
                            if left
                            else text
                        )
            else:
                objs = qs.in_bulk([i.object_id for i in group])
                for i in group:
                    if i.object_id in objs:
                        labels[i.pk] = str(objs[i.object_id])
        return labels

    # -- the detail page (replaces the change form)
    def change_view(self, request, object_id, form_url="", extra_context=None):
        lijst = self._lijst(request, object_id)
        Item = VernietigingslijstItem
        items = lijst.items.select_related("content_type", "blokkade").order_by("id")
        status = request.GET.get("status")
        if status in Item.Status.values:
            items = items.filter(status=status)
        page = paginate(request, items, self.items_per_page, param="p")
        page_items = list(page.object_list)
        pupil_ids = {i.leerling_id_ref for i in page_items if i.leerling_id_ref}
        holds: dict[int, Blokkade] = {}
        for b in Blokkade.objects.filter(
            leerling_id__in=pupil_ids, opgeheven_op__isnull=True
        ).order_by("ingesteld_op"):
            holds.setdefault(b.leerling_id, b)
        labels = self._describe(request, page_items)
        rows = [
            {
                "item": i,
                "label": labels.get(i.pk),
                "hold": holds.get(i.leerling_id_ref),
            }
            for i in page_items
        ]
        is_director = rules.is_director(request.user, lijst.school_id)
        progress = destruction.progress_of(lijst)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Destruction list %(naam)s") % {"naam": lijst.naam},
            "subtitle": lijst.school.naam,
            "opts": self.model._meta,
            "lijst": lijst,
            "rows": rows,
            "page": page,
            "status_filter": status or "",
            "statuses": Item.Status.choices,
            "progress": progress,
            "progress_percent": int(100 * progress["done"] / progress["total"])
            if progress["total"]
            else 100,
            "is_director": is_director,
            # What the page offers follows the list's table (workflow.LIST).
            "can_approve": is_director and lijst.allows("approve"),
            "can_cancel": is_director and lijst.allows("cancel"),
            "can_retry": is_director and lijst.allows("retry"),
            "can_take_off_failed": is_director
            and lijst.status == Vernietigingslijst.Status.ONVOLLEDIG,
            "failures": destruction.failures_of(lijst),
            "next_steps": [
                {
                    "label": LIST[action].label,
                    "to": ", ".join(
                        str(Vernietigingslijst.Status(t).label) for t in LIST[action].targets
                    ),
                }
                for action in LIST.actions_from(lijst.status)
            ],
            "approve_form": ApproveForm(),
            "cancel_form": CancelForm(),
            "waiting_days": destruction.waiting_days(),
            "running": lijst.status == Vernietigingslijst.Status.IN_UITVOERING,
            "now": timezone.now(),
        }
        return TemplateResponse(request, "leerlingen/retention/vernietigingslijst.html", context)

    def _post_only(self, request, lijst, form_class, action, success):
        if request.method != "POST":
            return redirect(self._detail_url(lijst))
        form = form_class(request.POST)
        if form.is_valid():
            try:
                action(form.cleaned_data)
            except PermissionDenied as exc:
                messages.error(request, str(exc.args[0]) if exc.args else _("Not allowed."))
            except ValidationError as exc:
                for msg in exc.messages:
                    messages.error(request, msg)
            else:
                messages.success(request, success)
        else:
            for errors in form.errors.values():
                for msg in errors:
                    messages.error(request, msg)
        return redirect(self._detail_url(lijst))

    def approve_view(self, request, pk):
        lijst = self._lijst(request, pk)
        return self._post_only(
            request,
            lijst,
            ApproveForm,
            lambda data: destruction.approve_list(
                lijst=lijst, user=request.user, bevestiging=data["bevestiging"]
            ),
            _(
                "The list is approved. Destruction begins after the waiting period of %(days)d days; until then you can cancel it."
            )
            % {"days": destruction.waiting_days()},
        )

    def cancel_view(self, request, pk):
        lijst = self._lijst(request, pk)
        return self._post_only(
            request,
            lijst,
            CancelForm,
            lambda data: destruction.cancel_list(
                lijst=lijst, user=request.user, reden=data["reden"]
            ),
            _("The list is cancelled. Nothing on it will be destroyed."),
        )

    def retry_view(self, request, pk):
        lijst = self._lijst(request, pk)
        return self._post_only(
            request,
            lijst,
            forms.Form,
            lambda data: destruction.retry_failed(lijst=lijst, user=request.user),
            _("The records that could not be destroyed are tried again."),
        )

    def report_view(self, request, pk):
        from .report import render_report

        lijst = self._lijst(request, pk)
        pdf, _html = render_report(lijst)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{lijst.naam}.pdf"'
        return response

    def _item_form_view(self, request, item_id, form_class, title, action, success):
        item = self._item(request, item_id)
        lijst = item.lijst
        if not rules.is_director(request.user, lijst.school_id):
            raise Http404
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                action(item, form.cleaned_data)
            except ValidationError as exc:
                for field_errors in (
                    exc.message_dict.items()
                    if hasattr(exc, "error_dict")
                    else [(None, exc.messages)]
                ):
                    name, errs = field_errors
                    for msg in errs:
                        form.add_error(name if name in form.fields else None, msg)
            except PermissionDenied as exc:
                form.add_error(None, str(exc.args[0]) if exc.args else _("Not allowed."))
            else:
                messages.success(request, success)
                return redirect(self._detail_url(lijst))
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": lijst.naam,
            "opts": self.model._meta,
            "lijst": lijst,
            "item": item,
            "label": self._describe(request, [item]).get(item.pk),
            "form": form,
            "back_url": self._detail_url(lijst),
        }
        return TemplateResponse(request, "leerlingen/retention/item_form.html", context)

    def take_off_view(self, request, item_id):
        return self._item_form_view(
            request,
            item_id,
            TakeOffForm,
            _("Take a record off the list"),
            lambda item, data: destruction.take_off_item(
                item=item, user=request.user, reden=data["reden"], nieuwe_datum=data["nieuwe_datum"]
            ),
            _("The record is taken off the list."),
        )

    def hold_view(self, request, item_id):
        def place(item, data):
            if not item.leerling_id_ref:
                raise ValidationError(_("This record does not belong to a pupil."))
            leerling = (
                Leerling.objects.visible_to(request.user).filter(pk=item.leerling_id_ref).first()
            )
            if leerling is None:
                raise ValidationError(_("The pupil's record no longer exists."))
            rules.place_hold(
                leerling=leerling,
                reden=data["reden"],
                toelichting=data["toelichting"],
                user=request.user,
            )

        return self._item_form_view(
            request,
            item_id,
            HoldForm,
            _("Put the pupil's records on legal hold"),
            place,
            _("The legal hold is set: the pupil's records are skipped until it is lifted."),
        )
