from django import forms
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
        self.user = user

    def clean(self):
        data = super().clean()
        if not self.user.is_superuser and not data.get("school") and not _fg_boards(self.user):
            self.add_error("school", _("Choose the school of the incident."))
        if data.get("door_verwerker") and not data.get("verwerker"):
            self.add_error("verwerker", _("Name the processor that caused the incident."))
        if (
            data.get("ontstaan_op")
            and data.get("ontdekt_op")
            and data["ontstaan_op"] > data["ontdekt_op"]
        ):
            self.add_error(
                "ontstaan_op", _("The incident cannot have happened after the school became aware.")
            )
        return data


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
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False
    )
    verwerker = forms.CharField(label=_("Processor"), max_length=200)
    email = forms.EmailField(label=_("E-mail of the processor's contact"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(
            pk__in=_register_schools(user)
        ).order_by("naam")


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
