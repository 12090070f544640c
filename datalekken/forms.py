from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from leerlingen.models import Gegevenscategorie, Leerling, School
from leerlingen.rol import Rol

from .models import APBesluit, BetrokkenenBesluit, Datalek, Risico

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DatalekForm(forms.ModelForm):
    categorieen = forms.MultipleChoiceField(
        label=_("data categories"),
        choices=Gegevenscategorie.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Datalek
        fields = [
            "school",
            "titel",
            "ontstaan_op",
            "ontdekt_op",
            "omschrijving",
            "vertrouwelijkheid",
            "integriteit",
            "beschikbaarheid",
            "categorieen",
            "aantal_personen",
            "aantal_records",
            "leerlingen",
            "door_verwerker",
            "verwerker",
            "overeenkomst",
            "gevolgen",
            "maatregelen_genomen",
            "maatregelen_gepland",
            "risico",
            "risico_toelichting",
            "contactpersoon",
        ]
        widgets = {
            "ontstaan_op": DT,
            "ontdekt_op": DT,
            "leerlingen": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.visible_to(user).filter(
            pk__in=_register_schools(user)
        )
        self.fields["leerlingen"].queryset = Leerling.objects.visible_to(user).order_by(
            "achternaam", "roepnaam"
        )
        self.fields["leerlingen"].required = False
        processors = linkable_processors(user)
        self.fields["verwerker"].queryset = processors
        self.fields["verwerker"].label_from_instance = _processor_label
        self.fields["overeenkomst"].queryset = (
            agreement_model()
            .objects.visible_to(user)
            .filter(verwerker__in=processors)
            .select_related("verwerker__school")
            .order_by("verwerker__school__naam", "verwerker__product", "-datum")
        )
        self.fields["overeenkomst"].label_from_instance = _agreement_label
        self.user = user

    def clean(self):
        data = super().clean()
        if not self.user.is_superuser and not data.get("school") and not _fg_boards(self.user):
            self.add_error("school", _("Choose the school of the incident."))
        check_processor_link(self, data, recorded_name=self.instance.verwerker_naam)
        if (
            data.get("ontstaan_op")
            and data.get("ontdekt_op")
            and data["ontstaan_op"] > data["ontdekt_op"]
        ):
            self.add_error(
                "ontstaan_op", _("The incident cannot have happened after the school became aware.")
            )
        return data


def processor_model():
    # The register of processing (delen) keeps the processors; this app reaches them through its
    # own foreign key, importing none of delen's code (README "Layout").
    return Datalek._meta.get_field("verwerker").related_model


def agreement_model():
    return Datalek._meta.get_field("overeenkomst").related_model


def linkable_processors(user):
    """The processors an incident of ``user`` may be linked to: those of the schools of their
    register (the FG: the board's; the director: their school's), as the processors' own access
    rule lets them see them."""
    return (
        processor_model()
        .objects.visible_to(user)
        .filter(school__in=_register_schools(user))
        .select_related("school")
        .order_by("school__naam", "product")
    )


def _processor_label(verwerker) -> str:
    return f"{verwerker} – {verwerker.school.naam}"


def _agreement_label(overeenkomst) -> str:
    einde = (
        _("until %(date)s") % {"date": date_format(overeenkomst.einddatum)}
        if overeenkomst.einddatum
        else _("until terminated")
    )
    return _("%(processor)s, agreement of %(date)s (%(end)s)") % {
        "processor": overeenkomst.verwerker,
        "date": date_format(overeenkomst.datum),
        "end": einde,
    }


def check_processor_link(form, data, *, recorded_name: str = "") -> None:
    """A processor of the incident's school (or board), and an agreement with that processor."""
    verwerker, overeenkomst = data.get("verwerker"), data.get("overeenkomst")
    if overeenkomst and not verwerker:
        data["verwerker"] = verwerker = overeenkomst.verwerker
    if overeenkomst and overeenkomst.verwerker_id != verwerker.pk:
        form.add_error("overeenkomst", _("This agreement is with another processor."))
    school = data.get("school")
    if verwerker and school and verwerker.school_id != school.pk:
        form.add_error("verwerker", _("This processor works for another school."))
    if data.get("door_verwerker") and not verwerker and not recorded_name:
        form.add_error("verwerker", _("Choose the processor that caused the incident."))


def _fg_boards(user):
    from leerlingen.access import bestuur_ids

    return bestuur_ids(user, (Rol.FG,))


def _register_schools(user):
    from leerlingen.access import board_school_ids, school_ids

    if user.is_superuser:
        return School.objects.values("pk")
    return sorted(board_school_ids(user, (Rol.FG,)) | school_ids(user, (Rol.DIRECTEUR,)))


class APDecisionForm(forms.Form):
    besluit = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[c for c in APBesluit.choices if c[0] != APBesluit.OPEN],
    )
    gemeld_op = forms.DateTimeField(label=_("Notified at"), required=False, widget=DT)
    kenmerk = forms.CharField(label=_("AP reference number"), required=False, max_length=50)
    niet_reden = forms.CharField(
        label=_("Reason not to notify"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    vertraging_reden = forms.CharField(
        label=_("Reason for a late notification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PeopleDecisionForm(forms.Form):
    besluit = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[c for c in BetrokkenenBesluit.choices if c[0] != BetrokkenenBesluit.OPEN],
    )
    niet_reden = forms.CharField(
        label=_("Reason not to tell them"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RegisterFilter(forms.Form):
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Notification to the AP"),
        required=False,
        choices=[("", _("all"))] + list(APBesluit.choices),
    )
    risico = forms.ChoiceField(
        label=_("Risk"), required=False, choices=[("", _("all"))] + list(Risico.choices)
    )
    jaar = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(
            pk__in=_register_schools(user)
        ).order_by("naam")


class MeldlinkForm(forms.Form):
    verwerker = forms.ModelChoiceField(
        label=_("Processor"),
        queryset=None,
        help_text=_("From the register of processors; the link is for the school it works for."),
    )
    email = forms.EmailField(label=_("E-mail of the processor's contact"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verwerker"].queryset = linkable_processors(user)
        self.fields["verwerker"].label_from_instance = _processor_label


class ProcessorReportForm(forms.ModelForm):
    categorieen = forms.MultipleChoiceField(
        label=_("data categories"),
        choices=Gegevenscategorie.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Datalek
        fields = [
            "titel",
            "ontstaan_op",
            "omschrijving",
            "vertrouwelijkheid",
            "integriteit",
            "beschikbaarheid",
            "categorieen",
            "aantal_personen",
            "aantal_records",
            "gevolgen",
            "maatregelen_genomen",
            "contactpersoon",
        ]
        widgets = {"ontstaan_op": DT}
