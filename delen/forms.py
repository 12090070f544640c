from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leerlingen.models import Gegevenscategorie, Leerling
from leerlingen.velden import IDENTIFICERENDE_VELDEN, velden_choices

from .models import Formaat, Ontvanger, Soort, Verwerker, Vordering
from .rules import Aanvraag, field_refusals


class OntvangerAdminForm(forms.ModelForm):
    velden = forms.MultipleChoiceField(
        label=_("allowed fields"),
        choices=velden_choices(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "The exact pupil fields that may go to this recipient. Standard recipients can be narrowed, never widened."
        ),
    )

    class Meta:
        model = Ontvanger
        fields = "__all__"  # noqa: DJ007 - an admin form: the ModelAdmin chooses the fields


class VerwerkerAdminForm(forms.ModelForm):
    gegevens = forms.MultipleChoiceField(
        label=_("data held"),
        choices=Gegevenscategorie.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Verwerker
        fields = "__all__"  # noqa: DJ007 - an admin form: the ModelAdmin chooses the fields


class VorderingAdminForm(forms.ModelForm):
    gevraagde_gegevens = forms.MultipleChoiceField(
        label=_("data asked"),
        choices=velden_choices(IDENTIFICERENDE_VELDEN),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "(b) The identifying data the demand names. Only identifying data may be demanded."
        ),
    )

    class Meta:
        model = Vordering
        fields = "__all__"  # noqa: DJ007 - an admin form: the ModelAdmin chooses the fields


class VerstrekkingForm(forms.Form):
    """What goes, to whom, and the facts the recipient's rules ask for."""

    leerlingen = forms.ModelMultipleChoiceField(
        label=_("Pupils"), queryset=Leerling.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    velden = forms.MultipleChoiceField(
        label=_("Fields"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    formaat = forms.ChoiceField(
        label=_("Format"), choices=Formaat.choices, widget=forms.RadioSelect
    )
    doel = forms.CharField(
        label=_("Purpose of this disclosure"),
        max_length=300,
        help_text=_("Why these data go, e.g. 'yearly registration' or the meeting date. No names."),
    )
    ouders_geinformeerd_op = forms.DateField(
        label=_("Parents informed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    veiligheid_in_geding = forms.BooleanField(
        label=_(
            "The parents are not informed beforehand: the safety of the child or another is at stake"
        ),
        required=False,
    )
    reden_niet_informeren = forms.CharField(
        label=_("Reason for not informing the parents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    anoniem = forms.BooleanField(
        label=_("Anonymous case (no data that identify the pupil)"), required=False, initial=True
    )
    eigen_zorgverleners = forms.BooleanField(
        label=_("The family's own care providers join (needs consent)"), required=False
    )
    zorgverleners_toestemming_op = forms.DateField(
        label=_("Consent for the family's own care providers given on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "A consent for this case, not a yearly one. Required when the family's own care providers join."
        ),
    )
    zorgverleners_toestemming_door = forms.ChoiceField(
        label=_("Consent given by"),
        required=False,
        help_text=_("A parent with parental authority, or the pupil from 16."),
    )
    vordering = forms.ModelChoiceField(
        label=_("Written demand of the police"), queryset=Vordering.objects.none(), required=False
    )

    # Which of the optional facts each kind of recipient asks for.
    EXTRA = {
        Soort.VEILIG_THUIS: (
            "ouders_geinformeerd_op",
            "veiligheid_in_geding",
            "reden_niet_informeren",
        ),
        Soort.ZORGTEAM: (
            "anoniem",
            "ouders_geinformeerd_op",
            "eigen_zorgverleners",
            "zorgverleners_toestemming_op",
            "zorgverleners_toestemming_door",
        ),
        Soort.SWV: ("ouders_geinformeerd_op",),
        Soort.POLITIE: ("vordering",),
    }
    OPTIONAL = (
        "ouders_geinformeerd_op",
        "veiligheid_in_geding",
        "reden_niet_informeren",
        "anoniem",
        "eigen_zorgverleners",
        "zorgverleners_toestemming_op",
        "zorgverleners_toestemming_door",
        "vordering",
    )

    def __init__(self, *args, ontvanger: Ontvanger, leerlingen, vorderingen, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("formaat", ontvanger.formaat)
        self.verboden = field_refusals(ontvanger)
        kwargs["initial"].setdefault(
            "velden", [c for c in ontvanger.velden if c not in self.verboden]
        )
        super().__init__(*args, **kwargs)
        self.ontvanger = ontvanger
        self.fields["leerlingen"].queryset = leerlingen
        # Every field the school holds can be chosen; the ones this recipient may not get are
        # marked with their rule, and choosing one refuses the disclosure naming that rule.
        self.fields["velden"].choices = velden_choices()
        self.fields["vordering"].queryset = vorderingen
        keep = set(self.EXTRA.get(ontvanger.soort, ()))
        for name in self.OPTIONAL:
            if name not in keep:
                del self.fields[name]
        if ontvanger.soort == Soort.ZORGTEAM:
            self._deciders = self._case_deciders(leerlingen)
            self.fields["zorgverleners_toestemming_door"].choices = [("", "—")] + [
                (key, label) for key, (_pupil, _decider, label) in self._deciders.items()
            ]
            self.fields["ouders_geinformeerd_op"].help_text = _(
                "Required when the case is discussed by name."
            )
        if "ouders_geinformeerd_op" in self.fields:
            self.fields["ouders_geinformeerd_op"].widget.attrs["max"] = (
                timezone.localdate().isoformat()
            )

    @staticmethod
    def _case_deciders(leerlingen) -> dict:
        """Per choice key: the pupil, who decides for them (``leerlingen.custody``) and a label."""
        from leerlingen.custody import deciders_of

        pupils = list(leerlingen)
        names = {p.pk: p.volledige_naam for p in pupils}
        out = {}
        for pupil_id, found in deciders_of(pupils).items():
            for decider in found:
                out[f"{pupil_id}:{decider.key}"] = (
                    pupil_id,
                    decider,
                    f"{names[pupil_id]}: {decider.label}",
                )
        return out

    @property
    def velden_met_regels(self):
        """The field checkboxes, each with the rule that forbids it for this recipient (or None)."""
        return [(box, self.verboden.get(box.data["value"])) for box in self["velden"]]

    @property
    def extra_fields(self):
        return [self[name] for name in self.OPTIONAL if name in self.fields]

    def aanvraag(self) -> Aanvraag:
        data = self.cleaned_data
        door = getattr(self, "_deciders", {}).get(data.get("zorgverleners_toestemming_door") or "")
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
            zorgverleners_toestemming_op=data.get("zorgverleners_toestemming_op"),
            zorgverleners_toestemming_door=door[1] if door else None,
            zorgverleners_toestemming_leerling_id=door[0] if door else None,
            vordering=data.get("vordering"),
        )


class AdoptForm(forms.Form):
    besluit = forms.CharField(
        label=_("Board decision"),
        max_length=200,
        required=False,
        help_text=_("Reference of the board's decision, if any."),
    )
