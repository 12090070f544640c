from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerlingen.models import Gegevenscategorie, Leerling

from .models import Formaat, Ontvanger, Soort, Verwerker, Vordering
from .rules import Aanvraag
from .velden import IDENTIFICERENDE_VELDEN, velden_choices


class OntvangerAdminForm(forms.ModelForm):
    velden = forms.MultipleChoiceField(
        label=_("allowed fields"),
        choices=velden_choices(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The exact pupil fields that may go to this recipient. Standard recipients can be narrowed, never widened."),
    )

    class Meta:
        model = Ontvanger
        fields = "__all__"


class VerwerkerAdminForm(forms.ModelForm):
    gegevens = forms.MultipleChoiceField(
        label=_("data held"), choices=Gegevenscategorie.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Verwerker
        fields = "__all__"


class VorderingAdminForm(forms.ModelForm):
    gevraagde_gegevens = forms.MultipleChoiceField(
        label=_("data asked"),
        choices=velden_choices(IDENTIFICERENDE_VELDEN),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("(b) The identifying data the demand names. Only identifying data may be demanded."),
    )

    class Meta:
        model = Vordering
        fields = "__all__"


class VerstrekkingForm(forms.Form):
    """What goes, to whom, and the facts the recipient's rules ask for."""

    leerlingen = forms.ModelMultipleChoiceField(
        label=_("Pupils"), queryset=Leerling.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    velden = forms.MultipleChoiceField(label=_("Fields"), choices=(), widget=forms.CheckboxSelectMultiple)
    formaat = forms.ChoiceField(label=_("Format"), choices=Formaat.choices, widget=forms.RadioSelect)
    doel = forms.CharField(
        label=_("Purpose of this disclosure"),
        max_length=300,
        help_text=_("Why these data go, e.g. 'yearly registration' or the meeting date. No names."),
    )
    ouders_geinformeerd_op = forms.DateField(
        label=_("Parents informed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    veiligheid_in_geding = forms.BooleanField(
        label=_("The parents are not informed beforehand: the safety of the child or another is at stake"),
        required=False,
    )
    reden_niet_informeren = forms.CharField(
        label=_("Reason for not informing the parents"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    anoniem = forms.BooleanField(
        label=_("Anonymous case (no data that identify the pupil)"), required=False, initial=True
    )
    eigen_zorgverleners = forms.BooleanField(
        label=_("The family's own care providers join (needs consent)"), required=False
    )
    vordering = forms.ModelChoiceField(label=_("Written demand of the police"), queryset=Vordering.objects.none(), required=False)

    # Which of the optional facts each kind of recipient asks for.
    EXTRA = {
        Soort.VEILIG_THUIS: ("ouders_geinformeerd_op", "veiligheid_in_geding", "reden_niet_informeren"),
        Soort.ZORGTEAM: ("anoniem", "ouders_geinformeerd_op", "eigen_zorgverleners"),
        Soort.SWV: ("ouders_geinformeerd_op",),
        Soort.POLITIE: ("vordering",),
    }
    OPTIONAL = ("ouders_geinformeerd_op", "veiligheid_in_geding", "reden_niet_informeren", "anoniem",
                "eigen_zorgverleners", "vordering")

    def __init__(self, *args, ontvanger: Ontvanger, leerlingen, vorderingen, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("formaat", ontvanger.formaat)
        kwargs["initial"].setdefault("velden", list(ontvanger.velden))
        super().__init__(*args, **kwargs)
        self.ontvanger = ontvanger
        self.fields["leerlingen"].queryset = leerlingen
        self.fields["velden"].choices = velden_choices(ontvanger.velden)
        self.fields["vordering"].queryset = vorderingen
        keep = set(self.EXTRA.get(ontvanger.soort, ()))
        for name in self.OPTIONAL:
            if name not in keep:
                del self.fields[name]
        if ontvanger.soort == Soort.ZORGTEAM:
            self.fields["ouders_geinformeerd_op"].help_text = _("Required when the case is discussed by name.")
        if "ouders_geinformeerd_op" in self.fields:
            self.fields["ouders_geinformeerd_op"].widget.attrs["max"] = timezone.localdate().isoformat()

    @property
    def extra_fields(self):
        return [self[name] for name in self.OPTIONAL if name in self.fields]

    def aanvraag(self) -> Aanvraag:
        data = self.cleaned_data
        return Aanvraag(
            ontvanger=self.ontvanger,
            leerlingen=list(data["leerlingen"]),
            velden=list(data["velden"]),
            formaat=data["formaat"],
            doel=data["doel"],
            ouders_geinformeerd_op=data.get("ouders_geinformeerd_op"),
            veiligheid_in_geding=data.get("veiligheid_in_geding", False),
            reden_niet_informeren=data.get("reden_niet_informeren", ""),
            anoniem=data.get("anoniem", False),
            eigen_zorgverleners=data.get("eigen_zorgverleners", False),
            vordering=data.get("vordering"),
        )


class AdoptForm(forms.Form):
    besluit = forms.CharField(
        label=_("Board decision"), max_length=200, required=False, help_text=_("Reference of the board's decision, if any.")
    )
