"""Pupil import in the admin: upload an export, adjust the column mapping, see the preview,
confirm (or cancel). The pages call ``services.py``; which runs and schools a user reaches comes
from ``access.py`` (a run out of reach answers 404).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin_base import ReadOnlyAdminMixin, ScopedAdmin

from . import formats, reading, services, workflow
from .access import may_import, may_see_imports, schools_for_import
from .apply import ImportRefused
from .models import Importprofiel, Leerlingimport
from .plan import Plan, missing_columns
from .progress import StoredProgress

LIST_LIMIT = 200  # records listed per section of the preview; the counts are always complete


class UploadForm(forms.Form):
    school = forms.ModelChoiceField(queryset=None, label=gettext_lazy("School"))
    bron = forms.ChoiceField(
        label=gettext_lazy("Exported from"),
        required=False,
        help_text=gettext_lazy(
            "Leave on “recognise automatically” unless the columns are not recognised."
        ),
    )
    bestand = forms.FileField(
        label=gettext_lazy("Export file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bestand"].help_text = _(
            "One row per pupil, with the column names in the first row. At most %(mb)s MB."
        ) % {"mb": reading.MAX_BYTES // (1024 * 1024)}
        schools = schools_for_import(user).order_by("naam")
        self.fields["school"].queryset = schools
        if schools.count() == 1:
            self.fields["school"].initial = schools.first()
        choices = [("", _("Recognise automatically"))] + [
            (k, v) for k, v in formats.FORMAT_LABELS.items()
        ]
        profielen = (
            Importprofiel.objects.visible_to(user)
            .filter(school__in=schools)
            .select_related("school")
        )
        if profielen:
            choices.append(
                (
                    _("Saved column mappings"),
                    [(f"profiel:{p.pk}", f"{p.naam} ({p.school.naam})") for p in profielen],
                )
            )
        self.fields["bron"].choices = choices
        self._profielen = {f"profiel:{p.pk}": p for p in profielen}

    def clean_bestand(self):
        upload = self.cleaned_data["bestand"]
        if upload.size > reading.MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is too large: at most %(mb)s MB. Split the export per school or per year group."
                )
                % {"mb": reading.MAX_BYTES // (1024 * 1024)}
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        profiel = self._profielen.get(cleaned.get("bron") or "")
        if (
            profiel is not None
            and cleaned.get("school")
            and profiel.school_id != cleaned["school"].pk
        ):
            self.add_error("bron", _("This column mapping belongs to another school."))
        cleaned["profiel"] = profiel
        return cleaned


class MappingForm(forms.Form):
    profiel_naam = forms.CharField(
        label=gettext_lazy("Save this mapping as"),
        max_length=100,
        required=False,
        help_text=gettext_lazy(
            "Give it a name to choose it for the next export (for example “ParnasSys with mobile numbers”)."
        ),
    )

    def __init__(self, *args, headers: list[str], initial_mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in this file —"))] + [
            (h, f"{h} ({reading.column_letter(i)})") for i, h in enumerate(headers) if h
        ]
        for f in formats.FIELDS:
            self.fields[f"veld_{f.key}"] = forms.ChoiceField(
                label=capfirst(f.verbose),
                choices=choices,
                required=False,
                initial=initial_mapping.get(f.key, ""),
            )
        self.fields["profiel_naam"] = self.fields.pop("profiel_naam")

    def groups(self):
        """The fields in three groups for the page: the pupil, guardian 1, guardian 2."""
        yield _("Pupil"), [self[f"veld_{f.key}"] for f in formats.LEERLING_FIELDS]
        for slot in formats.SLOTS:
            yield (
                _("Guardian %(n)s") % {"n": slot},
                [self[f"veld_{f.key}"] for f in formats.OUDER_FIELDS[slot]],
            )

    def mapping(self) -> dict[str, str]:
        return {
            f.key: self.cleaned_data.get(f"veld_{f.key}")
            for f in formats.FIELDS
            if self.cleaned_data.get(f"veld_{f.key}")
        }


class LeerlingimportAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = (
        "aangemaakt_op",
        "school",
        "bestandsnaam",
        "bron",
        "status",
        "leerlingen_nieuw",
        "leerlingen_gewijzigd",
        "leerlingen_vertrokken",
        "aantal_fouten",
        "aangemaakt_door",
    )
    list_filter = ("status", ("school", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("school", "aangemaakt_door")
    date_hierarchy = "aangemaakt_op"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "school",
                    "status",
                    "bestandsnaam",
                    "bestandstype",
                    "bron",
                    "profiel",
                    "volgende_stap",
                )
            },
        ),
        (
            gettext_lazy("Counts"),
            {"fields": ("aantal_rijen", "aantal_fouten", "overgeslagen_rijen", "samenvatting")},
        ),
        (
            gettext_lazy("Who and when"),
            {
                "fields": (
                    "aangemaakt_door",
                    "aangemaakt_op",
                    "uitgevoerd_door",
                    "uitgevoerd_op",
                    "bestand_sha256",
                )
            },
        ),
        (gettext_lazy("Columns used"), {"fields": ("kolommen_tabel",)}),
    )
    readonly_fields = (
        "school",
        "status",
        "bestandsnaam",
        "bestandstype",
        "bron",
        "profiel",
        "volgende_stap",
        "aantal_rijen",
        "aantal_fouten",
        "overgeslagen_rijen",
        "leerlingen_nieuw",
        "leerlingen_gewijzigd",
        "leerlingen_ongewijzigd",
        "leerlingen_vertrokken",
        "ouders_nieuw",
        "ouders_gewijzigd",
        "ouders_ongewijzigd",
        "relaties_nieuw",
        "relaties_gewijzigd",
        "aangemaakt_door",
        "aangemaakt_op",
        "uitgevoerd_door",
        "uitgevoerd_op",
        "bestand_sha256",
        "kolommen_tabel",
        "samenvatting",
    )

    # --- permissions: the import roles, not model permissions of the role groups ----------
    def _may_import(self, request) -> bool:
        return may_import(request.user)

    def has_module_permission(self, request):
        return may_see_imports(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):  # the upload; a run itself is never edited
        return self._may_import(request)

    # --- display ---------------------------------------------------------------------------
    @admin.display(description=gettext_lazy("next step"))
    def volgende_stap(self, obj):
        if workflow.waiting(obj) and obj.bestand:
            url = reverse("admin:leerlingen_leerlingimport_voorbeeld", args=[obj.pk])
            return format_html('<a class="button" href="{}">{}</a>', url, _("Open the preview"))
        return "—"

    @admin.display(description=gettext_lazy("records"))
    def samenvatting(self, obj):
        head = (_("new"), _("changed"), _("unchanged"), _("left"))
        rows = [
            (
                _("Pupils"),
                obj.leerlingen_nieuw,
                obj.leerlingen_gewijzigd,
                obj.leerlingen_ongewijzigd,
                obj.leerlingen_vertrokken,
            ),
            (_("Guardians"), obj.ouders_nieuw, obj.ouders_gewijzigd, obj.ouders_ongewijzigd, "—"),
            (_("Custody relations"), obj.relaties_nieuw, obj.relaties_gewijzigd, "—", "—"),
        ]
        return format_html(
            "<table><thead><tr><td></td>{}</tr></thead><tbody>{}</tbody></table>",
            format_html_join("", "<th scope='col'>{}</th>", ((h,) for h in head)),
            format_html_join(
                "",
                "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                rows,
            ),
        )

    @admin.display(description=gettext_lazy("columns"))
    def kolommen_tabel(self, obj):
        rows = [(f.verbose, obj.kolommen[f.key]) for f in formats.FIELDS if f.key in obj.kolommen]
        if not rows:
            return "—"
        return format_html(
            "<table><thead><tr><th scope='col'>{}</th><th scope='col'>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("field"),
            _("column in the file"),
            format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", rows),
        )

    # --- the flow ---------------------------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="leerlingen_leerlingimport_upload"),
            path(
                "<int:pk>/kolommen/",
                view(self.mapping_view),
                name="leerlingen_leerlingimport_kolommen",
            ),
            path(
                "<int:pk>/voorbeeld/",
                view(self.preview_view),
                name="leerlingen_leerlingimport_voorbeeld",
            ),
            path(
                "<int:pk>/bevestigen/",
                view(self.confirm_view),
                name="leerlingen_leerlingimport_bevestigen",
            ),
            path(
                "<int:pk>/annuleren/",
                view(self.cancel_view),
                name="leerlingen_leerlingimport_annuleren",
            ),
        ] + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:leerlingen_leerlingimport_upload")

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def _run(self, request, pk) -> Leerlingimport:
        return get_object_or_404(
            Leerlingimport.objects.runnable_by(request.user).select_related("school"), pk=pk
        )

    def upload_view(self, request):
        if not self._may_import(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["bestand"]
            profiel = form.cleaned_data["profiel"]
            try:
                run, _table = services.start_import(
                    school=form.cleaned_data["school"],
                    user=request.user,
                    data=upload.read(),
                    filename=upload.name,
                    bron="" if profiel else form.cleaned_data["bron"],
                    profiel=profiel,
                )
            except reading.ImportFileError as exc:
                form.add_error("bestand", str(exc))
            else:
                if missing_columns(run.kolommen):
                    messages.warning(
                        request,
                        _(
                            "Not every required column was recognised. Choose the columns, then continue to the preview."
                        ),
                    )
                    return redirect("admin:leerlingen_leerlingimport_kolommen", run.pk)
                return redirect("admin:leerlingen_leerlingimport_voorbeeld", run.pk)
        return TemplateResponse(
            request,
            "admin/leerlingen/leerlingimport/upload.html",
            self._context(
                request,
                _("Import pupils and guardians"),
                form=form,
                formats=formats.FORMAT_LABELS.values(),
            ),
        )

    def mapping_view(self, request, pk):
        run = self._run(request, pk)
        if not workflow.waiting(run):
            return redirect("admin:leerlingen_leerlingimport_voorbeeld", run.pk)
        try:
            table = services.table_of(run)
        except reading.ImportFileError as exc:
            messages.error(request, str(exc))
            return redirect("admin:leerlingen_leerlingimport_upload")
        form = MappingForm(
            request.POST or None, headers=table.headers, initial_mapping=run.kolommen
        )
        if request.method == "POST" and form.is_valid():
            services.save_mapping(
                run=run,
                user=request.user,
                kolommen=form.mapping(),
                profiel_naam=form.cleaned_data["profiel_naam"],
            )
            if form.cleaned_data["profiel_naam"]:
                messages.success(request, _("The column mapping was saved."))
            return redirect("admin:leerlingen_leerlingimport_voorbeeld", run.pk)
        missing = [f.verbose for f in missing_columns(run.kolommen)]
        return TemplateResponse(
            request,
            "admin/leerlingen/leerlingimport/kolommen.html",
            self._context(
                request, _("Columns of the file"), run=run, form=form, missing=missing, original=run
            ),
        )

    def preview_view(self, request, pk):
        run = self._run(request, pk)
        if run.status == Leerlingimport.Status.BEZIG:
            progress = StoredProgress(run.pk).read() or {}
            total = progress.get("total") or 0
            return TemplateResponse(
                request,
                "admin/leerlingen/leerlingimport/voortgang.html",
                self._context(
                    request,
                    _("The import is running"),
                    run=run,
                    original=run,
                    progress=progress,
                    percent=round(100 * progress.get("done", 0) / total) if total else None,
                ),
            )
        if not workflow.waiting(run):
            if run.status == Leerlingimport.Status.INGELEZEN and request.GET.get("klaar"):
                messages.success(request, imported_message(run))
            return redirect("admin:leerlingen_leerlingimport_change", run.pk)
        if run.melding:
            messages.error(request, run.melding)
        try:
            plan = services.preview_import(run=run)
        except reading.ImportFileError as exc:
            messages.error(request, str(exc))
            return redirect("admin:leerlingen_leerlingimport_upload")
        groepen = dict(run.school.groepen.values_list("pk", "naam"))

        def listed(pupils):
            return [
                (p.leerlingnummer, p.volledige_naam, p.geboortedatum, groepen.get(p.groep_id, "—"))
                for p in pupils[:LIST_LIMIT]
            ]

        return TemplateResponse(
            request,
            "admin/leerlingen/leerlingimport/voorbeeld.html",
            self._context(
                request,
                _("Preview of the import"),
                run=run,
                plan=plan,
                original=run,
                new_pupils=listed(plan.new_pupils),
                changed_pupils=plan.changed_pupils[:LIST_LIMIT],
                leavers=listed(plan.leavers),
                new_ouders=plan.new_ouders[:LIST_LIMIT],
                changed_ouders=plan.changed_ouders[:LIST_LIMIT],
                changed_relaties=plan.changed_relaties[:LIST_LIMIT],
                guardian_notices=plan.guardian_notices[:LIST_LIMIT],
                counts=_count_rows(plan),
            ),
        )

    def confirm_view(self, request, pk):
        run = self._run(request, pk)
        if request.method != "POST":
            return redirect("admin:leerlingen_leerlingimport_voorbeeld", run.pk)
        skip = request.POST.get("skip_bad_rows") == "1"
        try:
            done = services.request_import(
                run=run,
                user=request.user,
                digest=request.POST.get("digest", ""),
                skip_bad_rows=skip,
            )
        except ImportRefused as exc:
            messages.error(request, str(exc))
            return redirect("admin:leerlingen_leerlingimport_voorbeeld", run.pk)
        except reading.ImportFileError as exc:
            messages.error(request, str(exc))
            return redirect("admin:leerlingen_leerlingimport_upload")
        if not done:
            messages.info(
                request,
                _(
                    "The import runs in the background. You can follow it here, or leave this page: it continues."
                ),
            )
            return redirect("admin:leerlingen_leerlingimport_voorbeeld", run.pk)
        run.refresh_from_db()
        messages.success(request, imported_message(run))
        return redirect("admin:leerlingen_leerlingimport_change", run.pk)

    def cancel_view(self, request, pk):
        run = self._run(request, pk)
        if request.method == "POST":
            services.cancel_import(run=run, user=request.user)
            messages.info(
                request,
                _("The import was cancelled; the file was removed and nothing was changed."),
            )
        return redirect("admin:leerlingen_leerlingimport_changelist")


def imported_message(run: Leerlingimport) -> str:
    return _(
        "Imported: %(nieuw)s pupils created, %(gewijzigd)s changed, %(vertrokken)s marked as left; "
        "%(ouders)s guardians created, %(ouders_gewijzigd)s changed."
    ) % {
        "nieuw": run.leerlingen_nieuw,
        "gewijzigd": run.leerlingen_gewijzigd,
        "vertrokken": run.leerlingen_vertrokken,
        "ouders": run.ouders_nieuw,
        "ouders_gewijzigd": run.ouders_gewijzigd,
    }


def _count_rows(plan: Plan) -> list[tuple[str, int, int, int, int | str]]:
    """The summary table: (what, created, changed, unchanged, left)."""
    return [
        (
            _("Pupils"),
            len(plan.new_pupils),
            len(plan.changed_pupils),
            plan.unchanged_pupils,
            len(plan.leavers),
        ),
        (
            _("Guardians"),
            len(plan.new_ouders),
            len(plan.changed_ouders),
            plan.unchanged_ouders,
            "—",
        ),
        (_("Custody relations"), len(plan.new_relaties), len(plan.changed_relaties), "—", "—"),
    ]


class ImportprofielAdmin(ScopedAdmin):
    """Saved column mappings: made on the mapping page, renamed or removed here."""

    list_display = ("naam", "school", "bron", "gewijzigd_op", "gewijzigd_door")
    list_select_related = ("school", "gewijzigd_door")
    fields = ("naam", "school", "bron", "kolommen_tabel", "gewijzigd_op", "gewijzigd_door")
    readonly_fields = ("school", "bron", "kolommen_tabel", "gewijzigd_op", "gewijzigd_door")
    kolommen_tabel = LeerlingimportAdmin.kolommen_tabel

    def _may(self, request) -> bool:
        return may_import(request.user)

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request)

    def has_delete_permission(self, request, obj=None):
        return self._may(request)

    def has_add_permission(self, request):
        return False


admin.site.register(Leerlingimport, LeerlingimportAdmin)
admin.site.register(Importprofiel, ImportprofielAdmin)
