from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.widgets import DateInput
from leerlingen.forms import DeciderField

from .models import IdDocument, Kanaal, Soort, Uitkomst


class PortalRequestForm(forms.Form):
    """A request in the portal: for which child, what kind, and in the requester's own words."""

    kind = forms.ChoiceField(label=_("For whom"))
    soort = forms.ChoiceField(
        label=_("What do you ask?"),
        choices=Soort.choices,
        widget=forms.RadioSelect,
    )
    omschrijving = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For a correction: what is wrong and what it should be. For an objection: your reasons. "
            "You do not need to explain a request to see the data."
        ),
    )

    def __init__(self, *args, kinderen, pupil: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinderen
        if pupil:  # a pupil of 16+ is addressed as themselves ("je")
            self.fields["soort"].label = pgettext_lazy("pupil", "What do you ask?")
            self.fields["omschrijving"].help_text = pgettext_lazy(
                "pupil",
                "For a correction: what is wrong and what it should be. For an objection: your reasons. "
                "You do not need to explain a request to see the data.",
            )

    def clean(self):
        data = super().clean()
        if (
            data.get("soort") in (Soort.RECTIFICATIE, Soort.BEZWAAR)
            and not (data.get("omschrijving") or "").strip()
        ):
            self.add_error(
                "omschrijving",
                _("Tell the school what is wrong, or the grounds of your objection."),
            )
        return data


class FindPupilForm(forms.Form):
    leerlingnummer = forms.CharField(label=_("Pupil number"), max_length=20)


class StaffRequestForm(forms.Form):
    """A request received by letter, e-mail or in person, recorded by staff."""

    indiener = DeciderField(label=_("Requester"), widget=forms.RadioSelect)
    soort = forms.ChoiceField(label=_("Kind of request"), choices=Soort.choices)
    kanaal = forms.ChoiceField(
        label=_("Received through"), choices=[c for c in Kanaal.choices if c[0] != Kanaal.PORTAAL]
    )
    ontvangen_op = forms.DateField(
        label=_("Date received"),
        widget=DateInput(),
        help_text=_(
            "The date the school received the letter or e-mail: the deadline counts from it."
        ),
    )
    omschrijving = forms.CharField(
        label=_("The request in the requester's words"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, indieners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indiener"].deciders = indieners

    def clean_ontvangen_op(self):
        value = self.cleaned_data["ontvangen_op"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date received cannot lie in the future."))
        return value


class AppointmentForm(forms.Form):
    afspraak_op = forms.DateTimeField(
        label=_("Appointment to check identity"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class IdentityForm(forms.Form):
    """That a legal ID document was shown, and its kind. There is deliberately no field for a copy or number."""

    document_soort = forms.ChoiceField(
        label=_("Kind of ID document shown"), choices=IdDocument.choices
    )
    bevestiging = forms.BooleanField(
        label=_(
            "I saw the document and it belongs to the requester. No copy was made and no number written down."
        ),
    )


class ExtensionForm(forms.Form):
    maanden = forms.TypedChoiceField(
        label=_("Extend by"),
        coerce=int,
        choices=[(1, _("1 month")), (2, _("2 months"))],
    )
    reden = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    gemeld_op = forms.DateField(
        label=_("Requester told on"),
        widget=DateInput(),
        help_text=_(
            "AVG art. 12(3): the requester is told of the extension and its reasons before the first deadline."
        ),
    )


class SubmitForm(forms.Form):
    uitkomst = forms.ChoiceField(label=_("Proposed decision"), choices=Uitkomst.choices)
    motivering = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("Sent to the requester in the decision letter. No names of others."),
    )
    gewijzigde_velden = forms.MultipleChoiceField(
        label=_("Corrected fields"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Correct the data through the normal edit page first (the history records it); the fields changed since receipt are ticked."
        ),
    )

    def __init__(self, *args, velden_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if velden_choices is None:
            del self.fields["gewijzigde_velden"]
        else:
            self.fields["gewijzigde_velden"].choices = velden_choices


class ReviewForm(forms.Form):
    uitkomst = forms.ChoiceField(label=_("Decision"), choices=Uitkomst.choices)
    motivering = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    achtergehouden = forms.TypedMultipleChoiceField(
        label=_("Withhold from the export"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only to protect the rights of others (AVG art. 15(4)); the decision is then 'partly granted'."
        ),
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achtergehouden"].choices = [
            (i.pk, f"{i.datum:%d-%m-%Y} {i.titel}") for i in items
        ]

    def clean(self):
        data = super().clean()
        if data.get("achtergehouden") and data.get("uitkomst") == Uitkomst.TOEGEWEZEN:
            self.add_error("uitkomst", _("Items are withheld: the decision is 'partly granted'."))
        return data


class SendBackForm(forms.Form):
    opmerking = forms.CharField(
        label=_("What should change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class InformedForm(forms.Form):
    niet_mogelijk_reden = forms.CharField(
        label=_("Or: why informing this recipient is impossible"),
        required=False,
        max_length=1000,
    )


class LiftRestrictionForm(forms.Form):
    reden = forms.CharField(label=_("Reason for lifting"), max_length=300)
